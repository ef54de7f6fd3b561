// The console behind a session (`--require-session`; always so in upstream
// mode and beyond loopback): the URL cmconsole prints opens it, a reload
// keeps the session, a wrong token shows the sign-in page, which takes the
// right one; Sign out ends it. The cookie is not readable by the page.
import { expect, test } from './pages/fixtures';
import { ServersPage } from './pages/servers';
import { printedSignInURL, SignInPage } from './pages/sign-in';
import { Backend } from './support/backend';

let backend: Backend;
let printedURL: string;

test.beforeAll(async () => {
  // No CMCONSOLE_TOKEN: cmconsole makes a token and prints the URL once.
  backend = await Backend.start(['--in-memory', '--seed-demo', '--require-session']);
  printedURL = printedSignInURL(backend.log);
});

test.afterAll(async () => {
  await backend?.stop();
});

test('the printed URL opens the console, a reload keeps the session, Sign out ends it', async ({ page }) => {
  const url = new URL(printedURL);
  expect(url.origin).toBe(backend.baseURL);
  await page.goto(printedURL);
  // The token leaves the address bar at once.
  await expect(page).toHaveURL(`${backend.baseURL}/`);
  const servers = new ServersPage(page);
  await servers.waitLive();
  await expect(servers.serverRow('chef-prod')).toBeVisible();
  expect(await page.evaluate(() => document.cookie)).not.toContain('cmconsole_session');

  await page.reload();
  await servers.waitLive();
  await expect(servers.serverRow('chef-prod')).toBeVisible();
  await page.goto(`${backend.baseURL}/servers/chef-prod`);
  await expect(page.getByRole('heading', { name: 'chef-prod' })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  const signIn = new SignInPage(page);
  await expect(signIn.heading).toBeVisible();
  await expect(servers.serversTable).toHaveCount(0);
});

test('a wrong token shows the sign-in page, which takes the right one', async ({ page }) => {
  const token = new URL(printedURL).searchParams.get('token') ?? '';
  await page.goto(`${backend.baseURL}/servers?token=not-the-token-0123456789`);
  const signIn = new SignInPage(page);
  await expect(signIn.heading).toBeVisible();
  await expect(signIn.rejectedLink).toBeVisible();
  await expect(page).toHaveURL(/\/servers\?signin=rejected$/);
  // Nothing of the console is there, nor a broken screen.
  await expect(page.getByRole('status', { name: 'Live updates' })).toHaveCount(0);

  await signIn.submit('still-not-the-token-0123');
  await expect(signIn.refusal).toContainText('UnauthorizedException');
  await expect(signIn.heading).toBeVisible();

  await signIn.submit(token);
  const servers = new ServersPage(page);
  await servers.waitLive();
  await expect(page).toHaveURL(`${backend.baseURL}/servers`);
  await expect(servers.serverRow('chef-prod')).toBeVisible();
});

test('without a session nothing but the sign-in page and health answer', async ({ page }) => {
  await page.goto(`${backend.baseURL}/account`);
  await expect(new SignInPage(page).heading).toBeVisible();
  const answers = await page.evaluate(async () => {
    const config = await fetch('/api/config');
    const servers = await fetch('/api/opsworks-cm/DescribeServers', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    const health = await fetch('/api/health');
    return [config.status, servers.status, health.status];
  });
  expect(answers).toEqual([401, 401, 200]);
});
