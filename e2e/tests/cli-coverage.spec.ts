// Every operation the console reaches shows its AWS CLI command: the lists
// (DescribeServers, DescribeBackups, DescribeEvents, DescribeAccountAttributes,
// DescribeClusters), the delete dialogs (DeleteServer, DeleteBackup,
// DeleteCluster, DeleteHsm), the tags panels (ListTags*, UntagResource) and a
// CloudHSM backup's page (ModifyBackupAttributes, RestoreBackup,
// GetResourcePolicy, DeleteResourcePolicy). The other operations' commands are
// covered where their forms are tested.
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './pages/fixtures';
import { createServerOnWire, wireCall } from './pages/console';
import { HsmBackupsPage, activeClusterWithBackup, describeCluster, hsmCall } from './pages/cloudhsm';
import { Backend } from './support/backend';

/** Opens the `label` CLI section in `scope` (exact summary) and returns the command. */
async function command(scope: Locator, label = 'Copy as CLI'): Promise<Locator> {
  const section = scope.locator('details.cli').filter({ has: scope.page().getByText(label, { exact: true }) });
  await section.locator('summary').click();
  return section.locator('pre');
}

async function openDialog(page: Page): Promise<Locator> {
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  return dialog;
}

test('OpsWorks CM: lists, delete dialogs and tags show their commands', async ({ page, baseURL }) => {
  const name = await createServerOnWire(baseURL!, 'cli');
  await expect
    .poll(async () => (await wireCall<{ Servers: { Status: string }[] }>(baseURL!, 'DescribeServers', { ServerName: name })).Servers[0].Status, { timeout: 60_000 })
    .toBe('HEALTHY');
  const made = await wireCall<{ Backup: { BackupId: string } }>(baseURL!, 'CreateBackup', { ServerName: name });
  const backupId = made.Backup.BackupId;

  await page.goto(`${baseURL}/`);
  await expect(await command(page.getByRole('region', { name: /^Servers/ }))).toHaveText(
    `aws opsworks-cm describe-servers --cli-input-json '{}'`,
  );
  await page.goto(`${baseURL}/account`);
  await expect(await command(page.getByRole('region', { name: 'Account limits' }))).toHaveText(
    `aws opsworks-cm describe-account-attributes --cli-input-json '{}'`,
  );
  await page.goto(`${baseURL}/backups`);
  const allBackups = await command(page.getByRole('region', { name: /^Backups/ }));
  await expect(allBackups).toHaveText(`aws opsworks-cm describe-backups --cli-input-json '{}'`);
  // Finding one backup by its id is DescribeBackups with BackupId.
  await page.getByRole('searchbox', { name: 'Find backups' }).fill(backupId);
  await expect(allBackups).toHaveText(`aws opsworks-cm describe-backups --cli-input-json '{"BackupId":"${backupId}"}'`);
  await page.goto(`${baseURL}/servers/${name}`);
  await expect(await command(page.getByRole('region', { name: 'Overview' }))).toHaveText(
    `aws opsworks-cm describe-servers --cli-input-json '{"ServerName":"${name}"}'`,
  );
  await page.goto(`${baseURL}/servers/${name}/events`);
  await expect(await command(page.getByRole('region', { name: /^Events/ }))).toHaveText(
    `aws opsworks-cm describe-events --cli-input-json '{"ServerName":"${name}","MaxResults":25}'`,
  );
  await page.goto(`${baseURL}/servers/${name}/backups`);
  await expect(await command(page.getByRole('region', { name: /^Backups/ }))).toHaveText(
    `aws opsworks-cm describe-backups --cli-input-json '{"ServerName":"${name}"}'`,
  );
  await page.getByRole('button', { name: `Delete backup ${backupId}` }).click();
  let dialog = await openDialog(page);
  await expect(await command(dialog)).toHaveText(
    `aws opsworks-cm delete-backup --cli-input-json '{"BackupId":"${backupId}"}'`,
  );
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  await page.goto(`${baseURL}/servers/${name}/tags`);
  const tags = page.getByRole('region', { name: 'Tags' });
  const [server] = (await wireCall<{ Servers: { ServerArn: string }[] }>(baseURL!, 'DescribeServers', { ServerName: name })).Servers;
  await expect(await command(tags, 'CLI to list the tags')).toHaveText(
    `aws opsworks-cm list-tags-for-resource --cli-input-json '{"ResourceArn":"${server.ServerArn}"}'`,
  );
  await tags.getByLabel('Tag key').fill('team');
  await expect(await command(tags, 'CLI to remove the tag of this key')).toHaveText(
    `aws opsworks-cm untag-resource --cli-input-json '{"ResourceArn":"${server.ServerArn}","TagKeys":["team"]}'`,
  );

  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  dialog = await openDialog(page);
  await expect(await command(dialog)).toHaveText(`aws opsworks-cm delete-server --cli-input-json '{"ServerName":"${name}"}'`);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
});

test.describe('CloudHSM v2', () => {
  let backend: Backend;
  test.beforeAll(async () => {
    backend = await Backend.start(['--in-memory', '--speed', '60']);
  });
  test.afterAll(async () => {
    await backend?.stop();
  });

  test('lists, delete dialogs, tags, Never expires, restore and the policy show their commands', async ({ page }) => {
    const base = backend.baseURL;
    const region = 'eu-north-1';
    const { clusterId, backupId } = await activeClusterWithBackup(base, region);
    const hsmId = (await describeCluster(base, region, clusterId)).Hsms![0].HsmId;
    const hsm = new HsmBackupsPage(page);

    await hsm.open(`${base}/cloudhsm/clusters?region=${region}`);
    const clusters = page.getByRole('region', { name: /^Clusters/ });
    const listCli = await command(clusters);
    await expect(listCli).toHaveText(`aws cloudhsmv2 describe-clusters --region ${region} --cli-input-json '{}'`);
    // The state filter is DescribeClusters' `states` filter.
    const rows = page.getByRole('table', { name: /^Clusters/ }).locator('tbody tr th');
    await page.getByLabel('State', { exact: true }).selectOption('UNINITIALIZED');
    await expect(rows).toHaveCount(0);
    await page.getByLabel('State', { exact: true }).selectOption('ACTIVE');
    await expect(rows).toHaveText([clusterId]);
    await expect(listCli).toHaveText(
      `aws cloudhsmv2 describe-clusters --region ${region} --cli-input-json '{"Filters":{"states":["ACTIVE"]}}'`,
    );
    // So is the VPC filter (`vpcIds`), among the VPCs of the region's clusters.
    const vpcId = (await describeCluster(base, region, clusterId)).VpcId!;
    await page.getByLabel('VPC', { exact: true }).selectOption(vpcId);
    await expect(rows).toHaveText([clusterId]);
    await expect(listCli).toHaveText(
      `aws cloudhsmv2 describe-clusters --region ${region} --cli-input-json '{"Filters":{"states":["ACTIVE"],"vpcIds":["${vpcId}"]}}'`,
    );
    await hsm.open(`${base}/cloudhsm/clusters/${clusterId}?region=${region}`);
    await expect(await command(page.getByRole('region', { name: 'Details' }))).toHaveText(
      `aws cloudhsmv2 describe-clusters --region ${region} --cli-input-json '{"Filters":{"clusterIds":["${clusterId}"]}}'`,
    );
    await expect(await command(page.getByRole('region', { name: /^Backups/ }))).toHaveText(
      `aws cloudhsmv2 describe-backups --region ${region} --cli-input-json '{"Filters":{"clusterIds":["${clusterId}"]}}'`,
    );
    await page.getByRole('button', { name: `Delete HSM ${hsmId}` }).click();
    let dialog = await openDialog(page);
    const cli = await command(dialog);
    await expect(cli).toHaveText(
      `aws cloudhsmv2 delete-hsm --region ${region} --cli-input-json '{"ClusterId":"${clusterId}","HsmId":"${hsmId}"}'`,
    );
    // DeleteHsm also names an HSM by its network interface or its IP address.
    const { EniId: eniId, EniIp: eniIp } = (await describeCluster(base, region, clusterId)).Hsms![0];
    await dialog.getByLabel('Name the HSM by').selectOption('eni');
    await expect(cli).toHaveText(
      `aws cloudhsmv2 delete-hsm --region ${region} --cli-input-json '{"ClusterId":"${clusterId}","EniId":"${eniId}"}'`,
    );
    await dialog.getByLabel('Name the HSM by').selectOption('ip');
    await expect(cli).toHaveText(
      `aws cloudhsmv2 delete-hsm --region ${region} --cli-input-json '{"ClusterId":"${clusterId}","EniIp":"${eniIp}"}'`,
    );
    await dialog.getByLabel(/To confirm deletion, type/).fill('confirm');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await expect(page.getByText(`Deletion of HSM ${hsmId} started`)).toBeVisible();
    await expect
      .poll(async () => (await describeCluster(base, region, clusterId)).Hsms?.find((h) => h.HsmId === hsmId)?.State ?? 'gone')
      .toMatch(/DELETE_IN_PROGRESS|DELETED|gone/);
    await page.getByRole('button', { name: 'Delete cluster' }).click();
    dialog = await openDialog(page);
    await expect(await command(dialog)).toHaveText(
      `aws cloudhsmv2 delete-cluster --region ${region} --cli-input-json '{"ClusterId":"${clusterId}"}'`,
    );
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    // DescribeBackups' Shared: the backups other accounts share with this one.
    await hsm.open(`${base}/cloudhsm/backups?region=${region}`);
    const shared = page.getByRole('region', { name: 'Shared with this account' });
    await shared.getByRole('button', { name: 'Show shared backups' }).click();
    await expect(shared.getByText(`No other account shares a backup with this one in ${region}.`)).toBeVisible();
    await expect(await command(shared)).toHaveText(
      `aws cloudhsmv2 describe-backups --region ${region} --cli-input-json '{"Shared":true}'`,
    );

    await hsm.open(`${base}/cloudhsm/backups/${backupId}?region=${region}`);
    const details = page.getByRole('region', { name: 'Details' });
    await expect(await command(details)).toHaveText(
      `aws cloudhsmv2 describe-backups --region ${region} --cli-input-json '{"Filters":{"backupIds":["${backupId}"]}}'`,
    );
    await expect(await command(details, 'CLI for the Never expires switch')).toHaveText(
      `aws cloudhsmv2 modify-backup-attributes --region ${region} --cli-input-json '{"BackupId":"${backupId}","NeverExpires":true}'`,
    );
    const tags = page.getByRole('region', { name: 'Tags' });
    await expect(await command(tags, 'CLI to list the tags')).toHaveText(
      `aws cloudhsmv2 list-tags --region ${region} --cli-input-json '{"ResourceId":"${backupId}"}'`,
    );
    await tags.getByLabel('Tag key').fill('team');
    await expect(await command(tags, 'CLI to remove the tag of this key')).toHaveText(
      `aws cloudhsmv2 untag-resource --region ${region} --cli-input-json '{"ResourceId":"${backupId}","TagKeyList":["team"]}'`,
    );
    const arn = `arn:aws:cloudhsm:${region}:123456789012:backup/${backupId}`;
    const policy = page.getByRole('region', { name: 'Resource policy' });
    await expect(await command(policy, 'CLI to read the policy')).toHaveText(
      `aws cloudhsmv2 get-resource-policy --region ${region} --cli-input-json '{"ResourceArn":"${arn}"}'`,
    );
    await hsmCall(base, region, 'PutResourcePolicy', {
      ResourceArn: arn,
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::210987654321:root' }, Action: ['cloudhsm:DescribeBackups'], Resource: arn }] }),
    });
    await page.reload();
    await hsm.waitLive();
    await expect(policy.getByLabel('Attached policy')).toBeVisible();
    await expect(await command(policy, 'CLI to delete the policy')).toHaveText(
      `aws cloudhsmv2 delete-resource-policy --region ${region} --cli-input-json '{"ResourceArn":"${arn}"}'`,
    );

    await hsmCall(base, region, 'DeleteResourcePolicy', { ResourceArn: arn });
    await hsmCall(base, region, 'DeleteBackup', { BackupId: backupId });
    await expect(hsm.page.locator('.page-header .status')).toHaveText('PENDING_DELETION');
    await expect(await command(details, 'CLI to restore')).toHaveText(
      `aws cloudhsmv2 restore-backup --region ${region} --cli-input-json '{"BackupId":"${backupId}"}'`,
    );
  });
});
