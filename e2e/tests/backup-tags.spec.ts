// An OpsWorks CM backup's tags: Create backup asks for a description and
// tags (CreateBackup Tags, with its Copy as CLI, checked by OpsWorks CM's
// tag rule), and each backup row opens its Tags (ListTagsForResource,
// TagResource, UntagResource on the backup's ARN).
import { expect, test } from './pages/fixtures';
import { ConsolePage, createServerOnWire, wireCall } from './pages/console';

interface Described {
  Servers?: { Status?: string }[];
  Backups?: { BackupId?: string; BackupArn?: string; Status?: string; Description?: string }[];
  Tags?: { Key: string; Value: string }[];
}

async function waitFor(baseURL: string, operation: string, body: Record<string, unknown>, check: (d: Described) => boolean) {
  await expect
    .poll(async () => check(await wireCall<Described>(baseURL, operation, body)), { timeout: 60_000 })
    .toBe(true);
}

test('a backup is created with tags, and its Tags dialog lists, adds and removes them', async ({ page, baseURL }) => {
  const name = await createServerOnWire(baseURL!, 'btag');
  await waitFor(baseURL!, 'DescribeServers', { ServerName: name }, (d) => d.Servers?.[0]?.Status === 'HEALTHY');
  await page.goto(`${baseURL}/servers/${name}/backups`);
  await page.getByRole('button', { name: 'Create backup' }).click();
  const create = page.getByRole('dialog', { name: `Create a backup of ${name}` });
  await create.getByLabel('Description (optional)').fill('before upgrade');
  await create.getByRole('button', { name: 'Add tag' }).click();
  await create.getByLabel('Key').fill('aws:owner');
  await create.getByLabel('Value').fill('me');
  await create.getByRole('button', { name: 'Create backup' }).click();
  await expect(create.getByText(/reserved/)).toBeVisible();
  await expect(create, 'a refused tag keeps the dialog open').toBeVisible();
  await create.getByLabel('Key').fill('reason');
  await create.getByLabel('Value').fill('upgrade');
  await create.getByText('Copy as CLI').click();
  await expect(create.getByLabel('AWS CLI command')).toHaveText(
    `aws opsworks-cm create-backup --cli-input-json '{"ServerName":"${name}","Description":"before upgrade","Tags":[{"Key":"reason","Value":"upgrade"}]}'`,
  );
  await create.getByRole('button', { name: 'Create backup' }).click();
  await expect(create).toHaveCount(0);

  const row = page.getByRole('table', { name: /^Backups/ }).getByRole('row', { name: /before upgrade/ });
  await expect(row.locator('.status')).toHaveText('OK', { timeout: 30_000 });
  const [backup] = (await wireCall<Described>(baseURL!, 'DescribeBackups', { ServerName: name })).Backups!;
  const onWire = await wireCall<Described>(baseURL!, 'ListTagsForResource', { ResourceArn: backup.BackupArn });
  expect(onWire.Tags).toEqual([{ Key: 'reason', Value: 'upgrade' }]);

  await row.getByRole('button', { name: `Tags of backup ${backup.BackupId}` }).click();
  const dialog = page.getByRole('dialog', { name: `Tags of backup ${backup.BackupId}` });
  const tags = dialog.getByRole('table', { name: /^Tags/ });
  await expect(tags.getByRole('row', { name: /reason/ })).toContainText('upgrade');
  await dialog.getByLabel('Tag key').fill('keep');
  await dialog.getByLabel('Tag value').fill('forever');
  await dialog.getByText('Copy as CLI').click();
  await expect(dialog.getByLabel('AWS CLI command')).toHaveText(
    `aws opsworks-cm tag-resource --cli-input-json '{"ResourceArn":"${backup.BackupArn}","Tags":[{"Key":"keep","Value":"forever"}]}'`,
  );
  await dialog.getByRole('button', { name: 'Save tag' }).click();
  await expect(new ConsolePage(page).flash('Tag keep saved')).toBeVisible();
  await expect(tags.getByRole('row', { name: /keep/ })).toContainText('forever');
  await tags.getByRole('button', { name: 'Remove tag reason' }).click();
  await expect(tags.getByRole('row', { name: /reason/ })).toHaveCount(0);
  await waitFor(baseURL!, 'ListTagsForResource', { ResourceArn: backup.BackupArn }, (d) =>
    JSON.stringify(d.Tags) === JSON.stringify([{ Key: 'keep', Value: 'forever' }]));
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);
});
