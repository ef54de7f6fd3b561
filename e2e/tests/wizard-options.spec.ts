// The wizard's optional server settings: Puppet's r10k remote and key, and a
// custom domain with its certificate and private key (a real self-signed pair
// made with openssl). Keys are read from files through the File API, kept out
// of the Copy-as-CLI command, and sent in CreateServer.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { uniqueName, wireCall } from './pages/console';
import { expect, test } from './pages/fixtures';
import { ServersPage } from './pages/servers';
import { makeKeyPair } from './pages/openssl';
import { WizardPage } from './pages/wizard';
import { removeDir, tempDataDir } from './support/backend';

const DOMAIN = 'chef.example.com';
const R10K_REMOTE = 'ssh://git@github.com/example/control-repo.git';

let dir: string;
let certFile: string;
let keyFile: string;
let r10kKeyFile: string;

test.beforeAll(() => {
  dir = tempDataDir();
  certFile = path.join(dir, 'cert.pem');
  keyFile = path.join(dir, 'key.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes',
    '-subj', `/CN=${DOMAIN}`, '-days', '1',
    '-keyout', keyFile, '-out', certFile,
  ], { stdio: 'pipe' });
  r10kKeyFile = path.join(dir, 'id_rsa');
  writeFileSync(r10kKeyFile, makeKeyPair().privateKey);
});

test.afterAll(() => removeDir(dir));

/** The body of the next CreateServer the console sends. */
function createServerBody(page: import('@playwright/test').Page): Promise<Record<string, unknown>> {
  return page
    .waitForRequest((request) => request.url().endsWith('/api/opsworks-cm/CreateServer'))
    .then((request) => request.postDataJSON() as Record<string, unknown>);
}

/** A line from the middle of a PEM file: secret material that must not leak. */
function pemBodyLine(file: string): string {
  return readFileSync(file, 'utf8').trim().split('\n')[5];
}

test('creates a Puppet server with an r10k remote and key, and it reaches HEALTHY live', async ({ page }) => {
  const wizard = new WizardPage(page);
  await wizard.open();
  const name = uniqueName('pup');
  await wizard.toServerStep('Puppet Enterprise', name);
  await expect(wizard.field('Instance type')).toHaveValue('c5.xlarge');

  await wizard.field('r10k remote').fill(R10K_REMOTE);
  await wizard.upload('Upload r10k key file', r10kKeyFile);
  await expect(wizard.field('r10k private key')).toHaveValue(/^-----BEGIN (RSA )?PRIVATE KEY-----/);
  await expect(page.locator('.field-error')).toHaveCount(0);
  await page.screenshot({ path: 'artifacts/wizard-puppet-step.png', fullPage: true });

  await wizard.toReview();
  await expect(wizard.reviewValue('Choose an engine', 'Engine')).toHaveText('Puppet Enterprise');
  await expect(wizard.reviewValue('Configure server', 'r10k remote')).toHaveText(R10K_REMOTE);
  await expect(wizard.reviewValue('Configure server', 'r10k private key')).toHaveText('Provided (not shown)');
  const cli = await wizard.cliCommand();
  await expect(cli).toContainText(`{"Name":"PUPPET_R10K_REMOTE","Value":"${R10K_REMOTE}"}`);
  await expect(cli).toContainText('{"Name":"PUPPET_R10K_PRIVATE_KEY","Value":"REPLACE_WITH_PUPPET_R10K_PRIVATE_KEY"}');
  await expect(cli).not.toContainText(pemBodyLine(r10kKeyFile));

  const sent = createServerBody(page);
  await wizard.create.click();
  const body = await sent;
  expect(body.Engine).toBe('Puppet');
  expect(body.EngineAttributes).toEqual([
    { Name: 'PUPPET_R10K_REMOTE', Value: R10K_REMOTE },
    { Name: 'PUPPET_R10K_PRIVATE_KEY', Value: readFileSync(r10kKeyFile, 'utf8').trim() },
  ]);

  await expect(wizard.secretsHeading).toHaveText(`Server ${name} is being created`);
  await expect(page.getByLabel('Admin password')).toHaveText(/\S{8,}/);
  await page.getByRole('link', { name: 'Go to servers' }).click();
  const servers = new ServersPage(page);
  await expect(servers.serverRow(name)).toContainText('Puppet 2019');
  await expect(servers.status(name)).toHaveText('HEALTHY');
});

test('a custom domain with a real certificate and key is the address the console shows', async ({ page, baseURL }) => {
  const wizard = new WizardPage(page);
  await wizard.open();
  const name = uniqueName('domain');
  await wizard.toServerStep('Chef Automate', name);
  // r10k is Puppet's: a Chef server has no such fields.
  await expect(wizard.field('r10k remote')).toHaveCount(0);

  await wizard.field('Custom domain').fill(DOMAIN);
  await wizard.field('Custom certificate').fill(readFileSync(certFile, 'utf8'));
  await wizard.upload('Upload private key file', keyFile);
  await expect(wizard.field('Custom private key')).toHaveValue(/^-----BEGIN PRIVATE KEY-----/);
  await expect(page.locator('.field-error')).toHaveCount(0);

  await wizard.toReview();
  await expect(wizard.reviewValue('Configure server', 'Custom domain')).toHaveText(DOMAIN);
  await expect(wizard.reviewValue('Configure server', 'Custom certificate')).toHaveText('1 certificate (PEM)');
  await expect(wizard.reviewValue('Configure server', 'Custom private key')).toHaveText('Provided (not shown)');
  const cli = await wizard.cliCommand();
  await expect(cli).toContainText(`"CustomDomain":"${DOMAIN}"`);
  await expect(cli).toContainText('"CustomPrivateKey":"REPLACE_WITH_CUSTOM_PRIVATE_KEY"');
  await expect(cli).toContainText('-----BEGIN CERTIFICATE-----');
  await expect(cli).not.toContainText(pemBodyLine(keyFile));

  const sent = createServerBody(page);
  await wizard.create.click();
  const body = await sent;
  expect(body.CustomDomain).toBe(DOMAIN);
  expect(body.CustomCertificate).toBe(readFileSync(certFile, 'utf8').trim());
  expect(body.CustomPrivateKey).toBe(readFileSync(keyFile, 'utf8').trim());
  await expect(wizard.secretsHeading).toHaveText(`Server ${name} is being created`);

  // The service echoes the domain; Endpoint stays the generated name ("you
  // cannot access the server by using the Endpoint value if the server has a
  // CustomDomain specified").
  const described = await wireCall<{ Servers: { CustomDomain?: string; Endpoint?: string }[] }>(
    baseURL!,
    'DescribeServers',
    { ServerName: name },
  );
  expect(described.Servers[0].CustomDomain).toBe(DOMAIN);
  expect(described.Servers[0].Endpoint).toMatch(new RegExp(`^${name}-[a-z0-9]+\\.us-east-1\\.opsworks-cm\\.io$`));

  await page.getByRole('link', { name: 'View server' }).click();
  const overview = page.getByRole('region', { name: 'Overview' });
  await expect(
    overview.locator('div', { has: page.locator('dt', { hasText: /^Custom domain$/ }) }).locator('dd'),
  ).toHaveText(DOMAIN);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Servers' }).click();
  const servers = new ServersPage(page);
  await expect(servers.serverRow(name)).toContainText(DOMAIN);
  await expect(servers.status(name)).toHaveText('HEALTHY');
});

test('a certificate without its key (or domain) is refused inline, and a bad key is explained', async ({ page }) => {
  const wizard = new WizardPage(page);
  await wizard.open();
  await wizard.toServerStep('Chef Automate', uniqueName('nokey'));

  await wizard.field('Custom certificate').fill(readFileSync(certFile, 'utf8'));
  await wizard.next.click();
  await expect(wizard.stepCount).toHaveText('Step 2 of 4');
  await expect(wizard.fieldError('custom-private-key')).toContainText("Add the certificate's private key too");
  await expect(wizard.fieldError('custom-domain')).toContainText('Add the domain too');
  await expect(wizard.fieldError('custom-certificate')).toHaveCount(0);
  await expect(wizard.field('Custom private key')).toHaveAttribute('aria-invalid', 'true');
  await page.screenshot({ path: 'artifacts/wizard-custom-domain-errors.png', fullPage: true });

  await wizard.field('Custom domain').fill('localhost');
  await expect(wizard.fieldError('custom-domain')).toContainText('fully qualified domain name');
  await wizard.field('Custom private key').fill(`  ${readFileSync(certFile, 'utf8')}`);
  await expect(wizard.fieldError('custom-private-key')).toContainText('Paste a PEM private key');

  await wizard.field('Custom domain').fill(DOMAIN);
  await wizard.upload('Upload private key file', keyFile);
  await expect(page.locator('.field-error')).toHaveCount(0);
  await wizard.next.click();
  await expect(wizard.stepCount).toHaveText('Step 3 of 4');
});
