// Restoring an OpsWorks CM server from its backup in the restore dialog (with
// its Copy as CLI), starting a new server from a backup in the wizard, and
// Start maintenance with Chef's major upgrade, which a restore undoes.
import { expect, test } from './pages/fixtures';
import { ConsolePage, createServerOnWire, createServerRequest, uniqueName, wireCall } from './pages/console';
import { WizardPage } from './pages/wizard';

interface Described {
  Servers?: { Status?: string; InstanceType?: string }[];
  Backups?: { BackupId?: string; Status?: string }[];
  ServerEvents?: { Message?: string }[];
}

async function waitFor(baseURL: string, operation: string, body: Record<string, unknown>, check: (d: Described) => boolean) {
  await expect
    .poll(async () => check(await wireCall<Described>(baseURL, operation, body)), { timeout: 60_000 })
    .toBe(true);
}

const healthy = (d: Described) => d.Servers?.[0]?.Status === 'HEALTHY';

/** A HEALTHY Chef server with one finished backup; its name and the backup id. */
async function serverWithBackup(baseURL: string, prefix: string): Promise<[string, string]> {
  const name = await createServerOnWire(baseURL, prefix);
  await waitFor(baseURL, 'DescribeServers', { ServerName: name }, healthy);
  const made = await wireCall<{ Backup: { BackupId: string } }>(baseURL, 'CreateBackup', { ServerName: name });
  await waitFor(baseURL, 'DescribeBackups', { BackupId: made.Backup.BackupId }, (d) => d.Backups?.[0]?.Status === 'OK');
  await waitFor(baseURL, 'DescribeServers', { ServerName: name }, healthy);
  return [name, made.Backup.BackupId];
}

test('the restore dialog restores a server from its backup on a new instance', async ({ page, baseURL }) => {
  const [name, backupId] = await serverWithBackup(baseURL!, 'rst');
  await page.goto(`${baseURL}/servers/${name}/backups`);
  await page.getByRole('button', { name: `Restore from backup ${backupId}` }).click();
  const dialog = page.getByRole('dialog', { name: `Restore ${name} from ${backupId}` });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Instance type (optional)').fill('r5.xlarge');
  await dialog.getByText('Copy as CLI').click();
  await expect(dialog.getByLabel('AWS CLI command')).toContainText(
    `aws opsworks-cm restore-server --cli-input-json '{"BackupId":"${backupId}","ServerName":"${name}","InstanceType":"r5.xlarge"}'`,
  );
  await dialog.getByRole('button', { name: 'Restore' }).click();
  await expect(new ConsolePage(page).flash(`Restore of ${name} started`)).toBeVisible();
  await waitFor(baseURL!, 'DescribeServers', { ServerName: name }, (d) => d.Servers?.[0]?.Status === 'RESTORING');
  await waitFor(baseURL!, 'DescribeServers', { ServerName: name }, healthy);
  const [server] = (await wireCall<Described>(baseURL!, 'DescribeServers', { ServerName: name })).Servers!;
  expect(server.InstanceType).toBe('r5.xlarge');
  const events = await wireCall<Described>(baseURL!, 'DescribeEvents', { ServerName: name });
  expect(events.ServerEvents?.[0]?.Message).toMatch(new RegExp(`Restore from backup ${backupId} completed: traffic switched to the new instance i-`));
  await page.goto(`${baseURL}/servers/${name}/events`);
  await expect(page.getByText(`Restore from backup ${backupId} completed`)).toBeVisible();
});

test('a new server starts from a backup: the backup row opens the wizard with it chosen', async ({ page, baseURL }) => {
  const [name, backupId] = await serverWithBackup(baseURL!, 'src');
  await page.goto(`${baseURL}/servers/${name}/backups`);
  await page.getByRole('link', { name: `New server from backup ${backupId}` }).click();
  const wizard = new WizardPage(page);
  await expect(wizard.stepCount).toHaveText('Step 1 of 4');
  const source = page.getByLabel('Start from a backup (optional)');
  await expect(source).toHaveValue(backupId);
  await expect(page.getByLabel('Engine version')).toHaveValue('2');

  const copy = uniqueName('copy');
  await wizard.next.click();
  await wizard.field('Server name').fill(copy);
  await wizard.toReview();
  await expect(wizard.reviewValue('Choose an engine', 'Start from backup')).toHaveText(backupId);
  await page.getByText('Copy as CLI').click();
  await expect(page.getByLabel('AWS CLI command')).toContainText(`"BackupId":"${backupId}"`);
  await wizard.create.click();
  await expect(wizard.secretsHeading).toHaveText(`Server ${copy} is being created`);
  const events = await wireCall<Described>(baseURL!, 'DescribeEvents', { ServerName: copy });
  expect(events.ServerEvents?.map((e) => e.Message).join('\n')).toContain(`from backup ${backupId}`);

  // Choosing the other engine drops the backup: a Puppet server cannot start from a Chef backup.
  await page.goto(`${baseURL}/servers/new?backupId=${backupId}`);
  await expect(source).toHaveValue(backupId);
  await wizard.chooseEngine('Puppet Enterprise');
  await expect(source).toHaveValue('');
  await expect(source.locator('option')).toHaveCount(1);
});

test('Start maintenance can upgrade Chef Automate 12 to 2, and restoring the backup brings 12 back', async ({ page, baseURL }) => {
  const name = uniqueName('upg');
  await wireCall(baseURL!, 'CreateServer', { ...createServerRequest(name), EngineVersion: '12' });
  await waitFor(baseURL!, 'DescribeServers', { ServerName: name }, healthy);
  const made = await wireCall<{ Backup: { BackupId: string } }>(baseURL!, 'CreateBackup', { ServerName: name });
  const backupId = made.Backup.BackupId;
  await waitFor(baseURL!, 'DescribeBackups', { BackupId: backupId }, (d) => d.Backups?.[0]?.Status === 'OK');
  await waitFor(baseURL!, 'DescribeServers', { ServerName: name }, healthy);
  const version = async () =>
    ((await wireCall<{ Servers: { EngineVersion?: string }[] }>(baseURL!, 'DescribeServers', { ServerName: name })).Servers[0]
      .EngineVersion);

  await page.goto(`${baseURL}/servers/${name}`);
  await page.getByRole('button', { name: 'Start maintenance' }).click();
  const dialog = page.getByRole('dialog', { name: `Start maintenance on ${name}` });
  const upgrade = dialog.getByLabel('Upgrade to Chef Automate 2 (CHEF_MAJOR_UPGRADE)');
  await upgrade.check();
  await dialog.getByText('Copy as CLI').click();
  await expect(dialog.getByLabel('AWS CLI command')).toHaveText(
    `aws opsworks-cm start-maintenance --cli-input-json '{"ServerName":"${name}","EngineAttributes":[{"Name":"CHEF_MAJOR_UPGRADE","Value":"true"}]}'`,
  );
  await dialog.getByRole('button', { name: 'Start maintenance' }).click();
  const ui = new ConsolePage(page);
  await expect(ui.flash(`Maintenance of ${name} started, with the upgrade to Chef Automate 2`)).toBeVisible();
  await waitFor(baseURL!, 'DescribeServers', { ServerName: name }, healthy);
  expect(await version()).toBe('2');

  // On Chef Automate 2 there is nothing to upgrade: the dialog does not offer it.
  await page.getByRole('button', { name: 'Start maintenance' }).click();
  await expect(dialog).toBeVisible();
  await expect(upgrade).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);

  // The backup was taken on 12: restoring it undoes the upgrade.
  await page.goto(`${baseURL}/servers/${name}/backups`);
  await page.getByRole('button', { name: `Restore from backup ${backupId}` }).click();
  await page.getByRole('dialog', { name: `Restore ${name} from ${backupId}` }).getByRole('button', { name: 'Restore' }).click();
  await expect(ui.flash(`Restore of ${name} started`)).toBeVisible();
  await waitFor(baseURL!, 'DescribeServers', { ServerName: name }, (d) => d.Servers?.[0]?.Status === 'RESTORING');
  await waitFor(baseURL!, 'DescribeServers', { ServerName: name }, healthy);
  expect(await version()).toBe('12');
});
