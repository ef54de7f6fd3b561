// The console in upstream mode, against two real backends: B is a simulator
// that checks SigV4 (`--require-sigv4`), A is `--upstream http://B` with AWS
// credentials in its environment. The main flow runs in A's console: create
// a server through the wizard and watch it reach HEALTHY (A's poller turns
// B's changes into A's live stream), back it up, delete it; everything lands
// in B. /simulator explains that there is none, and A never shows its keys.
// The CloudHSM section works the same way: a backup deleted in A's console is
// pending deletion in B, and a restore made in B arrives in A's page live.
import { activeClusterWithBackup, backupsOf, hsmCall, HsmBackupsPage } from './pages/cloudhsm';
import { expect, test } from './pages/fixtures';
import { uniqueName } from './pages/console';
import { ServersPage } from './pages/servers';
import { WizardPage } from './pages/wizard';
import { Backend } from './support/backend';

const ACCESS_KEY_ID = 'AKIDE2EUPSTREAM';
const SECRET = 'e2e-upstream-secret-0b2f6c1e';
/** A's console token: upstream mode always needs a session. */
const CONSOLE_TOKEN = 'e2e-console-token-5d41402abc4b2a76';

let upstream: Backend;
let proxy: Backend;

test.beforeAll(async () => {
  upstream = await Backend.start([
    '--in-memory',
    '--speed',
    '60',
    '--require-sigv4',
    '--access-key-id',
    ACCESS_KEY_ID,
    '--secret-access-key',
    SECRET,
  ]);
  // The default client-side limit (5 requests/s) and quicker polls.
  proxy = await Backend.start(
    [
      '--upstream',
      upstream.baseURL,
      '--poll-fast',
      '0.5',
      '--poll-slow',
      '2',
      // The local pair SDKs would sign A's wire door with (not used here).
      '--access-key-id',
      'AKIDE2ELOCAL',
      '--secret-access-key',
      'e2e-local-secret-7215ee9c7d9dc229',
    ],
    {
      CMCONSOLE_TOKEN: CONSOLE_TOKEN,
      AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: SECRET,
      AWS_CONFIG_FILE: '/nonexistent/config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
  );
});

// Every test's browser signs in through the link cmconsole would print.
test.beforeEach(async ({ page }) => {
  await page.goto(`${proxy.baseURL}/?token=${CONSOLE_TOKEN}`);
  await expect(page).toHaveURL(`${proxy.baseURL}/`);
});

test.afterAll(async () => {
  await proxy?.stop();
  await upstream?.stop();
});

/** The status of `name` as B itself has it (B's console door needs no signature). */
async function statusInUpstream(name: string): Promise<string | undefined> {
  const response = await fetch(`${upstream.baseURL}/api/opsworks-cm/DescribeServers`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{}',
  });
  const page = (await response.json()) as { Servers: { ServerName: string; Status: string }[] };
  return page.Servers.find((s) => s.ServerName === name)?.Status;
}

test('the main flow in the console of an upstream-mode backend lands in the upstream', async ({ page }) => {
  test.setTimeout(90_000);
  const ui = new ServersPage(page);
  await page.goto(`${proxy.baseURL}/servers`);
  await ui.waitLive();
  await expect(ui.environmentValue('Mode')).toHaveText('upstream');

  const wizard = new WizardPage(page);
  await page.goto(`${proxy.baseURL}/servers/new`);
  await wizard.waitLive();
  const name = uniqueName('upstream');
  await wizard.fillToReview(name);
  await wizard.create.click();
  await expect(wizard.secretsHeading).toHaveText(`Server ${name} is being created`);
  // It landed in the upstream, somewhere in its creation (at speed 60 the
  // CREATING step lasts half a second, then SETUP and RUNNING).
  expect(await statusInUpstream(name)).toMatch(/^(CREATING|SETUP|RUNNING|HEALTHY)$/);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Servers' }).click();
  // No reload: B finishes creating, A's poller sees it, the stream brings it.
  await expect(ui.status(name)).toHaveText('HEALTHY', { timeout: 20_000 });

  await ui.select(name);
  await ui.createBackupButton.click();
  await expect(page.locator('.flash-success .flash-title')).toHaveText(
    new RegExp(`Backup ${name}-\\d{17} of ${name} completed$`),
    { timeout: 20_000 },
  );
  await expect(ui.status(name)).toHaveText('HEALTHY');
  await page.screenshot({ path: 'artifacts/upstream-servers.png', fullPage: true });

  await ui.deleteServer(name);
  await expect(ui.serverRow(name)).toHaveCount(0, { timeout: 20_000 });
  expect(await statusInUpstream(name)).toBeUndefined();

  // Nothing A answered or logged carries its credentials.
  const config = await page.evaluate(async () => (await fetch('/api/config')).text());
  expect(JSON.parse(config).session).toBe(true);
  for (const text of [config, proxy.log, await page.content()]) {
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(ACCESS_KEY_ID);
    expect(text).not.toContain('Signature=');
    expect(text).not.toContain(CONSOLE_TOKEN);
  }
});

test('/simulator in upstream mode explains that there is no simulator, and calls none', async ({ page }) => {
  const simCalls: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith('/api/sim')) simCalls.push(request.url());
  });
  const ui = new ServersPage(page);
  await page.goto(`${proxy.baseURL}/simulator`);
  await expect(ui.heading).toBeVisible();
  await expect(ui.environmentValue('Mode')).toHaveText('upstream');
  await expect(
    page.getByRole('heading', { level: 2, name: 'The simulator panel is only available in simulator mode' }),
  ).toBeVisible();
  await expect(page.getByText('This backend runs in upstream mode')).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Simulator' })).toHaveCount(0);
  await expect(ui.errorBanner).toHaveCount(0);
  await page.getByRole('link', { name: 'Go to the servers list' }).click();
  await expect(ui.serversHeading).toBeVisible();
  expect(simCalls).toEqual([]);
});

test('CloudHSM through an upstream-mode console: a delete lands in B, and a restore made in B arrives live', async ({
  page,
}) => {
  const region = 'us-east-1';
  const { backupId } = await activeClusterWithBackup(upstream.baseURL, region);
  const stateInUpstream = async () => (await backupsOf(upstream.baseURL, region, { backupIds: [backupId] }))[0]?.BackupState;

  const ui = new HsmBackupsPage(page);
  await ui.open(`${proxy.baseURL}/cloudhsm/backups?region=${region}`);
  await expect(ui.environmentValue('Mode')).toHaveText('upstream');
  await expect(ui.state(backupId)).toHaveText('READY');

  await ui.deleteBackup(backupId);
  await expect(ui.state(backupId)).toHaveText('PENDING_DELETION');
  await expect.poll(stateInUpstream).toBe('PENDING_DELETION');

  // Made in B, not through A: only A's poller can bring it to the page.
  await hsmCall(upstream.baseURL, region, 'RestoreBackup', { BackupId: backupId });
  await expect(ui.state(backupId)).toHaveText('READY');
  expect(await stateInUpstream()).toBe('READY');
});
