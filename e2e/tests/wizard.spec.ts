// The create-server wizard: a Chef server end to end, inline validation, and
// a service error shown as a flash message.
import { expect, test } from './pages/fixtures';
import { createServerOnWire, uniqueName } from './pages/console';
import { ServersPage } from './pages/servers';
import { WizardPage } from './pages/wizard';

test('creates a Chef server, shows the one-time secrets, and it reaches HEALTHY live', async ({ page }) => {
  const wizard = new WizardPage(page);
  await wizard.open();
  const name = uniqueName('chef');

  await wizard.fillToReview(name);
  await expect(page.getByRole('region', { name: 'Configure server' })).toContainText(name);
  await page.getByText('Copy as CLI').click();
  const cli = page.getByLabel('AWS CLI command');
  await expect(cli).toContainText("aws opsworks-cm create-server --cli-input-json '{");
  await expect(cli).toContainText(`"ServerName":"${name}"`);
  await expect(cli).toContainText('"PreferredMaintenanceWindow":"Mon:08:00"');
  await wizard.create.click();

  // The secrets panel: shown once, with the generated password, the pivotal key and the kit.
  await expect(wizard.secretsHeading).toHaveText(`Server ${name} is being created`);
  await expect(page.getByText('they are shown only once')).toBeVisible();
  await expect(page.getByLabel('Admin password')).toHaveText(/\S{8,}/);
  await expect(page.getByLabel('Chef pivotal key')).toHaveValue(/BEGIN (RSA )?PRIVATE KEY/);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download starter kit' }).click();
  expect((await download).suggestedFilename()).toBe(`${name}-starter-kit.zip`);

  // The list follows the server to HEALTHY without a reload.
  await page.getByRole('link', { name: 'Go to servers' }).click();
  const servers = new ServersPage(page);
  await expect(servers.serverRow(name)).toBeVisible();
  await expect(servers.status(name)).toHaveText('HEALTHY');
});

test('shows inline validation errors and refuses to leave the step', async ({ page }) => {
  const wizard = new WizardPage(page);
  await wizard.open();
  await wizard.next.click();

  await wizard.field('Server name').fill('1bad');
  await wizard.next.click();
  await expect(wizard.stepCount).toHaveText('Step 2 of 4');
  await expect(wizard.fieldError('server-name')).toContainText(
    "Value '1bad' failed to satisfy constraint",
  );
  await expect(wizard.field('Server name')).toHaveAttribute('aria-invalid', 'true');

  // The password rules are checked as you type.
  await wizard.field('Admin password (optional)').fill('short');
  await expect(page.getByText('8 to 32 characters (not met)')).toBeAttached();
  await expect(wizard.fieldError('admin-password')).toContainText('failed to satisfy constraint');
  await page.screenshot({ path: 'artifacts/create-wizard.png', fullPage: true });
  await wizard.field('Admin password (optional)').fill('Str0ng!Passw0rd');
  await expect(page.getByText('8 to 32 characters (met)')).toBeAttached();
  await expect(wizard.fieldError('admin-password')).toHaveCount(0);

  await wizard.field('Server name').fill('good-name');
  await expect(wizard.fieldError('server-name')).toHaveCount(0);
  await wizard.next.click();
  await expect(wizard.stepCount).toHaveText('Step 3 of 4');
});

test('a service error is shown as a flash message with Retry', async ({ page, baseURL }) => {
  const taken = await createServerOnWire(baseURL!, 'taken');
  const wizard = new WizardPage(page);
  await wizard.open();

  await wizard.fillToReview(taken);
  await wizard.create.click();

  const alert = page.getByRole('alert').filter({ hasText: `Could not create server ${taken}` });
  await expect(alert).toBeVisible();
  await expect(alert).toContainText('ResourceAlreadyExistsException');
  await expect(alert.getByRole('button', { name: 'Retry' })).toBeVisible();
  // The wizard stays on the review page with the error in the form.
  await expect(page.getByText('The service refused the request')).toBeVisible();
  await expect(wizard.secretsHeading).toHaveCount(0);
});

test('the engine is a radio group the keyboard moves through; version and instance type follow it', async ({ page }) => {
  const wizard = new WizardPage(page);
  await wizard.open();
  const engines = page.getByRole('group', { name: 'Engine' });
  await expect(engines.getByRole('radio')).toHaveCount(2);
  const chef = engines.getByRole('radio', { name: 'Chef Automate' });
  await expect(chef).toBeChecked();
  await expect(wizard.field('Engine version')).toHaveValue('2');

  // Arrow keys move the choice, as in any native radio group.
  await chef.focus();
  await page.keyboard.press('ArrowDown');
  await expect(engines.getByRole('radio', { name: 'Puppet Enterprise' })).toBeChecked();
  await expect(chef).not.toBeChecked();
  await expect(wizard.field('Engine version')).toHaveValue('2019');
  await page.keyboard.press('ArrowUp');
  await expect(chef).toBeChecked();
  await expect(wizard.field('Engine version')).toHaveValue('2');

  // A checkbox field: its label toggles it, and a later step's fields follow it.
  await wizard.next.click();
  await wizard.field('Server name').fill('kit-fields');
  await wizard.next.click();
  await expect(wizard.stepCount).toHaveText('Step 3 of 4');
  const publicIp = wizard.field('Associate a public IP address');
  const before = await publicIp.isChecked();
  await page.getByText('Associate a public IP address').click();
  await expect(publicIp).toBeChecked({ checked: !before });
  await wizard.next.click();
  await expect(wizard.stepCount).toHaveText('Step 4 of 4');
  const automated = wizard.field('Enable automated backups');
  await expect(automated).toBeChecked();
  await expect(wizard.field('Backups to keep')).toBeVisible();
  await automated.uncheck();
  await expect(wizard.field('Backups to keep')).toHaveCount(0);
});
