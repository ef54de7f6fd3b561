// Settings tab: reset the Chef pivotal key and the admin password
// (UpdateServerEngineAttributes), export node userdata
// (ExportServerEngineAttribute), and the Copy-as-CLI command of each form.
import { readFileSync } from 'node:fs';
import { expect, test } from './pages/fixtures';
import { CredentialsPanels } from './pages/credentials';
import { createServer } from './pages/opsworks';
import { makeKeyPair } from './pages/openssl';
import { TagsTab } from './pages/settings';

test('Chef: a regenerated pivotal key is shown once, downloads, and is gone after leaving the tab', async ({
  page,
  baseURL,
}) => {
  const name = await createServer(baseURL!, 'ChefAutomate', 'pivotal');
  const settings = new CredentialsPanels(page);
  await settings.open(name, 'settings');
  await expect(settings.serverStatus()).toHaveText('HEALTHY');

  const pivotal = settings.credentials.getByRole('group', { name: 'Pivotal key' });
  await expect(await settings.cliCommand(pivotal)).toHaveText(
    `aws opsworks-cm update-server-engine-attributes --cli-input-json '{"ServerName":"${name}","AttributeName":"CHEF_PIVOTAL_KEY"}'`,
  );

  await settings.resetPivotalKey();
  const secret = settings.secret('New pivotal key');
  await expect(secret).toContainText('New pivotal key: shown once');
  const key = secret.getByLabel('New pivotal key', { exact: true });
  await expect(key).toContainText(/-----BEGIN (RSA )?PRIVATE KEY-----/);
  const shown = (await key.textContent()) ?? '';
  const download = await settings.download(secret.getByRole('button', { name: `Download ${name}-pivotal.pem` }));
  expect(download.suggestedFilename()).toBe(`${name}-pivotal.pem`);
  expect(readFileSync(await download.path(), 'utf8')).toBe(shown);
  await page.screenshot({ path: 'artifacts/settings-credentials.png', fullPage: true });
  // The reset runs as MODIFYING, then the server is back.
  await expect(settings.serverStatus()).toHaveText('HEALTHY');

  await settings.tab('Overview').click();
  await settings.tab('Settings').click();
  await expect(settings.credentials).toBeVisible();
  await expect(settings.secret('New pivotal key')).toHaveCount(0);
});

test("Chef: the pivotal key can be reset to the user's own public key, with the key in the command", async ({
  page,
  baseURL,
}) => {
  const name = await createServer(baseURL!, 'ChefAutomate', 'ownkey');
  const settings = new CredentialsPanels(page);
  await settings.open(name, 'settings');
  await expect(settings.serverStatus()).toHaveText('HEALTHY');
  const pivotal = settings.credentials.getByRole('group', { name: 'Pivotal key' });
  const field = pivotal.getByLabel('Your own public key (optional)');

  // A private key is refused before anything is sent.
  const { privateKey, publicKey } = makeKeyPair();
  await field.fill(privateKey);
  await expect(pivotal.getByText('Paste an RSA public key in PEM')).toBeVisible();
  await pivotal.getByRole('button', { name: 'Reset pivotal key' }).click();
  await expect(settings.dialog).toHaveCount(0);

  await field.fill(publicKey);
  await expect(pivotal.getByText('Paste an RSA public key in PEM')).toHaveCount(0);
  await expect(await settings.cliCommand(pivotal)).toContainText('"AttributeName":"CHEF_PIVOTAL_KEY","AttributeValue":"-----BEGIN PUBLIC KEY-----');
  await pivotal.getByRole('button', { name: 'Reset pivotal key' }).click();
  await expect(settings.dialog).toContainText('becomes the public key you gave');
  await settings.dialog.getByLabel(/To confirm deletion, type/).fill('confirm');
  await settings.dialog.getByRole('button', { name: 'Reset' }).click();
  await expect(pivotal.getByText('The pivotal key is now your own')).toBeVisible();
  await expect(settings.secret('New pivotal key')).toHaveCount(0);
  await expect(field).toHaveValue('');
  await expect(settings.serverStatus()).toHaveText('HEALTHY');
});

test('Puppet: the admin password rules tick as you type; a chosen password stays out of the CLI; a generated one is shown once', async ({
  page,
  baseURL,
}) => {
  const name = await createServer(baseURL!, 'Puppet', 'puppw');
  const settings = new CredentialsPanels(page);
  await settings.open(name, 'settings');
  await expect(settings.serverStatus()).toHaveText('HEALTHY');
  // No pivotal key on Puppet.
  await expect(settings.credentials.getByRole('button', { name: 'Reset pivotal key' })).toHaveCount(0);

  const form = settings.credentials.getByRole('form', { name: 'Admin password' });
  await form.getByLabel('Choose a password').check();
  const password = form.getByLabel('New admin password');
  await password.fill('abc');
  await expect(settings.passwordRule('8 to 32 characters')).toContainText('(not met)');
  await expect(settings.passwordRule('a lower-case letter')).toContainText('(met)');
  await expect(settings.passwordRule('a number')).toContainText('(not met)');
  await settings.resetPassword();
  await expect(password).toHaveAttribute('aria-invalid', 'true');

  await password.fill('Str0ng!Passw0rd');
  for (const rule of ['8 to 32 characters', 'an upper-case letter', 'a number', 'a special character', 'no other characters']) {
    await expect(settings.passwordRule(rule)).toContainText('(met)');
  }
  const command = await settings.cliCommand(form);
  await expect(command).toHaveText(
    `aws opsworks-cm update-server-engine-attributes --cli-input-json '{"ServerName":"${name}","AttributeName":"PUPPET_ADMIN_PASSWORD","AttributeValue":"REPLACE_WITH_ADMIN_PASSWORD"}'`,
  );
  await settings.resetPassword();
  await expect(form.getByRole('status')).toHaveText('The new password is being applied while the server is MODIFYING.');
  await expect(settings.secret('New admin password')).toHaveCount(0);
  await expect(settings.serverStatus()).toHaveText('HEALTHY');

  await form.getByLabel('Generate a password (shown once)').check();
  await settings.resetPassword();
  const secret = settings.secret('New admin password');
  await expect(secret).toContainText('shown once');
  await expect(secret.getByLabel('New admin password', { exact: true })).toHaveText(/^\S{8,32}$/);
  // Passwords are not offered as files.
  await expect(secret.getByRole('button', { name: /^Download/ })).toHaveCount(0);
  await secret.getByRole('button', { name: 'I have saved it' }).click();
  await expect(secret).toHaveCount(0);

  // Puppet userdata takes no inputs.
  await expect(settings.userdata.getByRole('textbox')).toHaveCount(0);
  await settings.userdata.getByRole('button', { name: 'Export userdata' }).click();
  await expect(settings.userdata.getByLabel('Userdata script', { exact: true })).toHaveText(/^#!\/bin\/bash\n[\s\S]*associate-node/);
});

test('Chef userdata: inputs are checked, the script starts with #!/bin/bash, copies and downloads', async ({
  page,
  context,
  baseURL,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const name = await createServer(baseURL!, 'ChefAutomate', 'userdata');
  const settings = new CredentialsPanels(page);
  await settings.open(name, 'settings');
  await expect(settings.serverStatus()).toHaveText('HEALTHY');

  const panel = settings.userdata;
  await panel.getByLabel('Run list (optional)').fill('recipe[nginx],role[web]');
  await panel.getByLabel('Node environment (optional)').fill('staging');
  await panel.getByLabel('Chef client version (optional)').fill('13.8');
  await panel.getByRole('button', { name: 'Export userdata' }).click();
  await expect(panel.locator('.field-error')).toHaveText('Three numbers separated by dots, such as 13.8.5.');
  await panel.getByLabel('Chef client version (optional)').fill('13.8.5');
  const command = await settings.cliCommand(panel);
  await expect(command).toContainText(
    `aws opsworks-cm export-server-engine-attribute --cli-input-json '{"ExportAttributeName":"Userdata","ServerName":"${name}","InputAttributes":[{"Name":"RunList","Value":"recipe[nginx],role[web]"}`,
  );
  await panel.getByRole('button', { name: 'Export userdata' }).click();

  const script = panel.getByLabel('Userdata script', { exact: true });
  await expect(script).toHaveText(/^#!\/bin\/bash\n/);
  await expect(script).toContainText('recipe[nginx]');
  await expect(script).toContainText('13.8.5');
  const text = (await script.textContent()) ?? '';

  await panel.getByRole('button', { name: 'Copy userdata script' }).click();
  await expect(panel.getByRole('button', { name: 'Copied userdata script' })).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(text);

  const download = await settings.download(panel.getByRole('button', { name: `Download ${name}-userdata.sh` }));
  expect(download.suggestedFilename()).toBe(`${name}-userdata.sh`);
  expect(readFileSync(await download.path(), 'utf8')).toBe(text);
});

test('Copy as CLI on the Settings, Tags and Backups forms names the right sub-command', async ({ page, baseURL }) => {
  const name = await createServer(baseURL!, 'ChefAutomate', 'clis');
  const tags = new TagsTab(page);
  await tags.open(name, 'settings');
  const settingsForm = page.getByRole('region', { name: 'Settings', exact: true });
  await page.getByLabel('Backups to keep').fill('4');
  await settingsForm.getByText('Copy as CLI').click();
  await expect(settingsForm.getByLabel('AWS CLI command')).toContainText(
    `aws opsworks-cm update-server --cli-input-json '{"DisableAutomatedBackup":`,
  );
  await expect(settingsForm.getByLabel('AWS CLI command')).toContainText(`"BackupRetentionCount":4,"ServerName":"${name}"`);
  // An invalid field has no command.
  await page.getByLabel('Backups to keep').fill('0');
  await expect(settingsForm).toContainText('Fix the fields above to see the command.');
  // The field says what is wrong as you type, and points at its error.
  await expect(page.getByLabel('Backups to keep')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#settings-retention-error')).toHaveText('Enter a whole number of at least 1');
  await expect(page.getByLabel('Backups to keep')).toHaveAttribute('aria-describedby', 'settings-retention-error');
  await page.getByLabel('Maintenance window').fill('Someday');
  await expect(page.locator('#settings-maintenance-error')).toContainText('is not a window');
  await page.getByLabel('Maintenance window').fill('');
  await page.getByLabel('Backups to keep').fill('4');
  await expect(page.locator('#settings-retention-error')).toHaveCount(0);

  await tags.tab('Tags').click();
  await tags.key.fill('team');
  await tags.value.fill('ops team');
  const tagsPanel = page.getByRole('region', { name: 'Tags' });
  await tagsPanel.getByText('Copy as CLI').click();
  await expect(tagsPanel.getByLabel('AWS CLI command')).toHaveText(
    new RegExp(`^aws opsworks-cm tag-resource --cli-input-json '\\{"ResourceArn":"arn:aws:opsworks-cm:us-east-1:123456789012:server/${name}/[^"]+","Tags":\\[\\{"Key":"team","Value":"ops team"\\}\\]\\}'$`),
  );

  await tags.tab('Backups').click();
  await expect(tags.serverStatus()).toHaveText('HEALTHY');
  await page.getByRole('button', { name: 'Create backup' }).click();
  const create = page.getByRole('dialog', { name: `Create a backup of ${name}` });
  await create.getByLabel('Description (optional)').fill('nightly');
  await create.getByText('Copy as CLI').click();
  await expect(create.getByLabel('AWS CLI command')).toHaveText(
    `aws opsworks-cm create-backup --cli-input-json '{"ServerName":"${name}","Description":"nightly"}'`,
  );
  await create.getByRole('button', { name: 'Create backup' }).click();
  const row = page.getByRole('table', { name: /^Backups/ }).getByRole('row', { name: /nightly/ });
  await expect(row.locator('.status')).toHaveText('OK');
  await row.getByRole('button', { name: /^Restore from backup/ }).click();
  await tags.dialog.getByLabel('SSH key pair (optional)').fill('ops-key');
  await tags.dialog.getByText('Copy as CLI').click();
  await expect(tags.dialog.getByLabel('AWS CLI command')).toHaveText(
    new RegExp(`^aws opsworks-cm restore-server --cli-input-json '\\{"BackupId":"${name}-\\d{17}","ServerName":"${name}","KeyPair":"ops-key"\\}'$`),
  );
});
