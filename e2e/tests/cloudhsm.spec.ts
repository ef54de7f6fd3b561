// The CloudHSM section against a backend of this file's own (the simulator
// keeps every region; its cluster quota is 4 per region, so each test works
// in a region of its own). Clusters and backups are made as a customer makes
// them: CreateCluster, CreateHsm, the cluster CSR signed by a CA of our own,
// InitializeCluster; the simulated clock is advanced instead of waiting.
import { expect, test } from './pages/fixtures';
import {
  HsmBackupsPage,
  HsmClusterPage,
  HsmPage,
  SUBNETS,
  activeClusterWithBackup,
  advance,
  backupsOf,
  describeCluster,
  hsmCall,
  hsmWireCall,
  parseShownTime,
  simNow,
} from './pages/cloudhsm';
import { expectSortsBothWays, keepEventSources } from './pages/console';
import { signWithNewCa } from './pages/openssl';
import { Backend } from './support/backend';

const DAY = 86_400;

let backend: Backend;
let base: string;

test.beforeAll(async () => {
  backend = await Backend.start(['--in-memory', '--speed', '60']);
  base = backend.baseURL;
});

test.afterAll(async () => {
  await backend?.stop();
});

test('a deleted backup is pending with its deadline, is restored to READY live, then copied to another region', async ({
  page,
}) => {
  const { clusterId, backupId } = await activeClusterWithBackup(base, 'us-east-1');
  const backups = new HsmBackupsPage(page);
  await backups.open(`${base}/cloudhsm/backups?region=us-east-1`);
  await expect(backups.region).toHaveValue('us-east-1');
  await expect(backups.state(backupId)).toHaveText('READY');
  await expect(backups.row(backupId)).toContainText(clusterId);
  // Everything below happens without a reload: this mark would be lost.
  await page.evaluate(() => ((window as unknown as { mark: string }).mark = 'same page'));

  // The action stripe works on the selected backup: a READY one can be copied, used or deleted.
  await expect(backups.action('Delete')).toBeDisabled();
  await backups.select(backupId);
  await expect(backups.action('Restore')).toBeDisabled();
  await expect(backups.action('Copy to region')).toBeEnabled();
  // The modal explains the seven-day window before anything is sent.
  await backups.action('Delete').click();
  await expect(backups.dialog).toContainText('PENDING_DELETION');
  await expect(backups.dialog).toContainText('deleted for good after 7 days');
  await expect(backups.dialog).toContainText('restore it with Restore');
  await page.keyboard.press('Escape');
  await expect(backups.dialog).toHaveCount(0);
  await expect(backups.action('Delete')).toBeFocused();
  await backups.deleteBackup(backupId);

  // PENDING_DELETION with its deadline, seven days after the deletion on the simulated clock.
  await expect(backups.state(backupId)).toHaveText('PENDING_DELETION');
  await expect(backups.flash(`Backup ${backupId} is pending deletion: restore it before`)).toBeVisible();
  const [stored] = await backupsOf(base, 'us-east-1', { backupIds: [backupId] });
  const deadlineCell = backups.row(backupId).locator('.deadline');
  await expect(deadlineCell.locator('time')).toHaveText(/UTC$/);
  const shown = parseShownTime((await deadlineCell.locator('time').textContent()) ?? '');
  expect(shown).toBe(Math.floor(stored.DeleteTimestamp!));
  expect(Math.abs(shown - ((await simNow(base)) + 7 * DAY))).toBeLessThan(120);
  await expect(deadlineCell).toContainText('(6 days 23 hours left)');
  const restore = backups.row(backupId).getByRole('button', { name: `Restore backup ${backupId}` });
  await expect(restore).toBeVisible();
  // Pending deletion: it can be restored, not deleted again.
  await expect(backups.action('Delete')).toBeDisabled();
  await expect(backups.action('Restore')).toBeEnabled();
  await page.screenshot({ path: 'artifacts/cloudhsm-backups.png', fullPage: true });

  // The state filter counts each state and keeps it in the URL.
  await expect(backups.stateFilter.locator('option', { hasText: 'PENDING_DELETION (1)' })).toHaveCount(1);
  await backups.stateFilter.selectOption('READY');
  await expect(page).toHaveURL(/state=READY/);
  await expect(backups.row(backupId)).toHaveCount(0);
  await expect(page.getByText('No matches')).toBeVisible();
  await backups.stateFilter.selectOption('PENDING_DELETION');
  await expect(backups.row(backupId)).toBeVisible();
  await backups.stateFilter.selectOption('all');

  // Restore: READY again, live.
  await restore.click();
  await expect(backups.flash(`Backup ${backupId} restored`)).toBeVisible();
  await expect(backups.state(backupId)).toHaveText('READY');
  await expect(backups.row(backupId).locator('.deadline')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { mark?: string }).mark)).toBe('same page');

  // Copy to another region: the command, then the new backup's id with a link to it.
  await backups.select(backupId);
  await backups.action('Copy to region').click();
  await expect(backups.dialog).toBeVisible();
  await backups.dialog.getByLabel('Destination region').selectOption('eu-west-1');
  const command = await backups.cliCommand(backups.dialog);
  await expect(command).toHaveText(
    `aws cloudhsmv2 copy-backup-to-region --region us-east-1 --cli-input-json '{"DestinationRegion":"eu-west-1","BackupId":"${backupId}"}'`,
  );
  await backups.dialog.getByRole('button', { name: 'Copy', exact: true }).click();
  const notice = page.getByRole('group', { name: `Copy of ${backupId}` });
  await expect(notice).toContainText(`Backup ${backupId} copied to eu-west-1 as backup-`);
  const [copy] = await backupsOf(base, 'eu-west-1', { sourceBackupIds: [backupId] });
  await expect(notice).toContainText(copy.BackupId);
  await expect(backups.flash(`Copy ${copy.BackupId} of backup ${backupId} is READY in eu-west-1`)).toBeVisible();
  await expect(notice.locator('.status')).toHaveText('READY');

  // The link opens the copy in its region, with its source.
  await notice.getByRole('link', { name: `View ${copy.BackupId} in eu-west-1` }).click();
  await expect(page).toHaveURL(new RegExp(`/cloudhsm/backups/${copy.BackupId}\\?region=eu-west-1$`));
  const details = page.getByRole('region', { name: 'Details' });
  const field = (label: string) => details.locator('div', { has: page.getByText(label, { exact: true }) }).locator('dd');
  await expect(field('Source region')).toHaveText('us-east-1');
  await expect(field('Source backup')).toHaveText(backupId);
  await expect(field('Source cluster')).toHaveText(clusterId);
  await expect(page.locator('.page-header .status')).toHaveText('READY');

  // Switching the region of the list shows it there too.
  await backups.sections.getByRole('link', { name: 'Backups' }).click();
  await backups.region.selectOption('us-east-1');
  await expect(backups.row(backupId)).toBeVisible();
  await backups.region.selectOption('eu-west-1');
  await expect(page).toHaveURL(/\/cloudhsm\/backups\?region=eu-west-1$/);
  await expect(backups.row(copy.BackupId)).toContainText(`Copy of ${backupId} in us-east-1`);
  await expect(backups.row(backupId)).toHaveCount(0);

  // A deep link with a filter survives a reload.
  await page.goto(`${base}/cloudhsm/backups?region=eu-west-1&state=READY`);
  await page.reload();
  await backups.waitLive();
  await expect(backups.region).toHaveValue('eu-west-1');
  await expect(backups.stateFilter).toHaveValue('READY');
  await expect(backups.state(copy.BackupId)).toHaveText('READY');
});

test('Never expires and tags round-trip on a backup page; tags on a cluster page', async ({ page }) => {
  const { clusterId, backupId } = await activeClusterWithBackup(base, 'us-east-2');
  const backupPage = new HsmPage(page);
  await backupPage.open(`${base}/cloudhsm/backups/${backupId}?region=us-east-2`);
  const toggle = page.getByRole('switch', { name: `Never expires: ${backupId}` });
  await expect(toggle).not.toBeChecked();
  await toggle.click();
  await expect(backupPage.flash(`Backup ${backupId} never expires`)).toBeVisible();
  await expect(toggle).toBeChecked();
  expect((await backupsOf(base, 'us-east-2', { backupIds: [backupId] }))[0].NeverExpires).toBe(true);
  await page.reload();
  await backupPage.waitLive();
  await expect(toggle).toBeChecked();
  await toggle.click();
  await expect(backupPage.flash(`Backup ${backupId} follows its cluster's retention policy`)).toBeVisible();
  await expect(toggle).not.toBeChecked();
  expect((await backupsOf(base, 'us-east-2', { backupIds: [backupId] }))[0].NeverExpires).toBe(false);

  // Tags of the backup: add, with the command; edit; remove; after a reload too.
  const tags = page.getByRole('table', { name: 'Tags' });
  const tagRow = (key: string) => tags.locator('tbody tr').filter({ has: page.getByRole('rowheader', { name: key, exact: true }) });
  await page.getByLabel('Tag key').fill('env');
  await page.getByLabel('Tag value').fill('prod');
  const tagForm = page.getByRole('region', { name: 'Tags' });
  const command = await backupPage.cliCommand(tagForm);
  await expect(command).toHaveText(
    `aws cloudhsmv2 tag-resource --region us-east-2 --cli-input-json '{"ResourceId":"${backupId}","TagList":[{"Key":"env","Value":"prod"}]}'`,
  );
  await page.getByRole('button', { name: 'Save tag' }).click();
  await expect(backupPage.flash('Tag env saved')).toBeVisible();
  await expect(tagRow('env')).toContainText('prod');
  await page.getByRole('button', { name: 'Edit tag env', exact: true }).click();
  await page.getByLabel('Tag value').fill('staging');
  await page.getByRole('button', { name: 'Save tag' }).click();
  await expect(tagRow('env')).toContainText('staging');
  await page.reload();
  await backupPage.waitLive();
  await expect(tagRow('env')).toContainText('staging');
  await page.getByRole('button', { name: 'Remove tag env', exact: true }).click();
  await expect(backupPage.flash('Tag env removed')).toBeVisible();
  await expect(tagRow('env')).toHaveCount(0);

  // Tags of the cluster, on its page.
  const cluster = new HsmClusterPage(page);
  await page.getByRole('link', { name: clusterId }).click();
  await expect(cluster.heading).toHaveText(clusterId);
  await page.getByLabel('Tag key').fill('team');
  await page.getByLabel('Tag value').fill('pki');
  await page.getByRole('button', { name: 'Save tag' }).click();
  await expect(tagRow('team')).toContainText('pki');
  const listed = await hsmCall<{ TagList: { Key: string; Value: string }[] }>(base, 'us-east-2', 'ListTags', {
    ResourceId: clusterId,
  });
  expect(listed.TagList).toEqual([{ Key: 'team', Value: 'pki' }]);
});

test('create a cluster from a backup: inline checks, the service refusal in the form, then the new cluster', async ({
  page,
}) => {
  const { backupId } = await activeClusterWithBackup(base, 'us-west-2');
  const backups = new HsmBackupsPage(page);
  await backups.open(`${base}/cloudhsm/backups?region=us-west-2`);
  await backups.select(backupId);
  await backups.action('Create cluster').click();
  await expect(page.getByRole('heading', { level: 2, name: 'Create cluster' })).toBeVisible();
  const source = page.getByLabel('Source backup (optional)');
  await expect(source).toHaveValue(backupId);

  // An invalid subnet is caught in the browser: nothing is sent.
  const sent: string[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/api/cloudhsmv2/CreateCluster')) sent.push(request.url());
  });
  const subnets = page.getByLabel('Subnet IDs');
  await subnets.fill('subnet-xyz');
  await page.getByRole('button', { name: 'Create cluster' }).click();
  await expect(subnets).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('subnet-xyz is not a subnet id')).toBeVisible();
  expect(sent).toEqual([]);

  // The command the form sends.
  await subnets.fill(SUBNETS.join(', '));
  const form = page.getByRole('region', { name: 'Create cluster' });
  const command = await backups.cliCommand(form);
  await expect(command).toHaveText(
    `aws cloudhsmv2 create-cluster --region us-west-2 --cli-input-json '{"BackupRetentionPolicy":{"Type":"DAYS","Value":"90"},"HsmType":"hsm2m.medium","SourceBackupId":"${backupId}","SubnetIds":["${SUBNETS[0]}","${SUBNETS[1]}"],"NetworkType":"IPV4"}'`,
  );

  // The service refuses a mode other than the backup's: its code and message, in the form.
  await page.getByLabel('HSM type').selectOption('hsm1.medium');
  await page.getByLabel('Mode').selectOption('NON_FIPS');
  await page.getByRole('button', { name: 'Create cluster' }).click();
  await expect(form.getByRole('alert')).toContainText('CloudHsmInvalidRequestException');
  await expect(form.getByRole('alert')).toContainText('Mode NON_FIPS does not match the mode FIPS of backup');
  await expect(page.locator('.flashbar').getByRole('button', { name: 'Retry' })).toBeVisible();

  // Fixed: created, its page opens and follows it to INITIALIZED (a restored cluster).
  await page.getByLabel('HSM type').selectOption('hsm2m.medium');
  await page.getByLabel('Mode').selectOption('');
  await page.getByRole('button', { name: 'Create cluster' }).click();
  const cluster = new HsmClusterPage(page);
  await expect(page).toHaveURL(/\/cloudhsm\/clusters\/cluster-[a-z2-7]+\?region=us-west-2$/);
  await expect(cluster.status).toHaveText('CREATE_IN_PROGRESS');
  await expect(cluster.detail('Source backup')).toHaveText(backupId);
  await advance(base, 61);
  await expect(cluster.status).toHaveText('INITIALIZED');
});

test('a cluster created through the wire door appears live; HSM, initialization, retention and deletion from its page', async ({
  page,
}) => {
  const region = 'ap-southeast-2';
  const clusters = new HsmPage(page);
  await clusters.open(`${base}/cloudhsm/clusters?region=${region}`);
  await expect(page.getByText('No clusters', { exact: true })).toBeVisible();

  // An SDK creates it; the list shows it without a reload, then its next state.
  const created = await hsmWireCall<{ Cluster: { ClusterId: string } }>(base, region, 'CreateCluster', {
    HsmType: 'hsm2m.medium',
    SubnetIds: SUBNETS,
    TagList: [{ Key: 'origin', Value: 'sdk' }],
  });
  const id = created.Cluster.ClusterId;
  const table = page.getByRole('table', { name: /^Clusters/ });
  const row = table.locator('tbody tr').filter({ has: page.getByRole('rowheader', { name: id }) });
  await expect(row.locator('.status')).toHaveText('CREATE_IN_PROGRESS');
  await expect(row.locator('.status-in-progress')).toHaveCount(1);
  await expect(row).toContainText('90 days');
  await advance(base, 61);
  await expect(row.locator('.status')).toHaveText('UNINITIALIZED');

  // Its page: add an HSM in the first zone.
  await row.getByRole('link', { name: id }).click();
  const cluster = new HsmClusterPage(page);
  await expect(cluster.heading).toHaveText(id);
  await expect(cluster.detail('Subnets')).toContainText(`${region}a: ${SUBNETS[0]}`);
  const initialize = page.getByRole('region', { name: 'Initialize cluster' });
  await expect(initialize).toContainText('appears here once its first HSM is ACTIVE');
  await expect(cluster.initializeForm).toHaveCount(0);
  await cluster.createHsmForm.getByLabel('Availability Zone').selectOption(`${region}a`);
  const hsmCommand = await cluster.cliCommand(cluster.createHsmForm);
  await expect(hsmCommand).toHaveText(
    `aws cloudhsmv2 create-hsm --region ${region} --cli-input-json '{"ClusterId":"${id}","AvailabilityZone":"${region}a"}'`,
  );
  await cluster.createHsmForm.getByRole('button', { name: 'Create HSM' }).click();
  await expect(cluster.hsms.locator('.status')).toHaveText('CREATE_IN_PROGRESS');
  await advance(base, 61);
  await expect(cluster.hsms.locator('.status')).toHaveText('ACTIVE');

  // Initialize with the CSR shown, signed by our CA.
  const csr = await page.getByLabel('Cluster CSR', { exact: true }).textContent();
  expect(csr).toContain('-----BEGIN CERTIFICATE REQUEST-----');
  const { signed, anchor } = signWithNewCa(csr!);
  await cluster.initializeForm.getByLabel('Signed cluster certificate').fill(signed);
  await cluster.initializeForm.getByLabel('Trust anchor (CA certificate)').fill(anchor);
  await cluster.initializeForm.getByRole('button', { name: 'Initialize' }).click();
  await expect(cluster.status).toHaveText('INITIALIZE_IN_PROGRESS');
  for (const seconds of [31, 11]) await advance(base, seconds);
  await expect(cluster.status).toHaveText('ACTIVE');
  await advance(base, 31);
  await expect(cluster.backups.locator('.status')).toHaveText('READY');
  const certificates = page.getByRole('region', { name: 'Certificates' });
  await expect(
    certificates.locator('div', { has: page.getByText('Cluster certificate', { exact: true }) }).locator('dd'),
  ).toContainText('Present: show PEM');

  // Backup retention.
  await cluster.modifyForm.getByLabel('Backup retention (days)').fill('400');
  await cluster.modifyForm.getByRole('button', { name: 'Save' }).click();
  await expect(cluster.modifyForm.getByText('Enter a whole number of days from 7 to 379.')).toBeVisible();
  await cluster.modifyForm.getByLabel('Backup retention (days)').fill('30');
  await cluster.modifyForm.getByRole('button', { name: 'Save' }).click();
  await expect(cluster.flash(`Cluster ${id} saved`)).toBeVisible();
  await expect(cluster.detail('Backup retention')).toHaveText('30 days');

  // Deleting the cluster is refused while it has an HSM: the service says so.
  const deleteCluster = async () => {
    await page.getByRole('button', { name: 'Delete cluster' }).click();
    await cluster.dialog.getByLabel(/To confirm deletion, type/).fill('confirm');
    await cluster.dialog.getByRole('button', { name: 'Delete' }).click();
  };
  await deleteCluster();
  await expect(cluster.flash(`Could not delete cluster ${id}`)).toBeVisible();
  await expect(page.locator('.flashbar')).toContainText('still has 1 HSM(s)');

  // Delete the HSM, then the cluster: it leaves the list live.
  await page.goto(`${base}/cloudhsm/clusters/${id}?region=${region}`);
  await clusters.waitLive();
  const hsmId = (await describeCluster(base, region, id)).Hsms![0].HsmId;
  await cluster.hsms.getByRole('button', { name: `Delete HSM ${hsmId}` }).click();
  await cluster.dialog.getByLabel(/To confirm deletion, type/).fill('confirm');
  await cluster.dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(cluster.hsms.locator('.status')).toHaveText('DELETE_IN_PROGRESS');
  await advance(base, 31);
  await expect(page.getByText('No HSMs yet.')).toBeVisible();
  await deleteCluster();
  await expect(page).toHaveURL(new RegExp(`/cloudhsm/clusters\\?region=${region}$`));
  await expect(row.locator('.status')).toHaveText('DELETE_IN_PROGRESS');
  await advance(base, 31);
  await expect(row).toHaveCount(0);
});

test('after the stream drops, a backup change made meanwhile arrives when it resumes from its last event id', async ({
  page,
}) => {
  const region = 'ca-central-1';
  const { backupId } = await activeClusterWithBackup(base, region);
  await keepEventSources(page);
  const backups = new HsmBackupsPage(page);
  await backups.open(`${base}/cloudhsm/backups?region=${region}`);
  await expect(backups.state(backupId)).toHaveText('READY');
  // One event seen live (so the console has a position in the journal).
  await hsmWireCall(base, region, 'ModifyBackupAttributes', { BackupId: backupId, NeverExpires: true });
  await expect(page.getByRole('switch', { name: `Never expires: ${backupId}` })).toBeChecked();

  await page.evaluate(() => {
    const [source] = (window as unknown as { sources: EventSource[] }).sources;
    source.close();
    source.dispatchEvent(new Event('error'));
  });
  await expect(backups.liveIndicator).toHaveText('Reconnecting');
  // An SDK deletes it while the console is not listening.
  await hsmWireCall(base, region, 'DeleteBackup', { BackupId: backupId });

  await expect(backups.liveIndicator).toHaveText('Live');
  await expect(backups.state(backupId)).toHaveText('PENDING_DELETION');
  await expect(backups.row(backupId).locator('.deadline')).toContainText('days');
  const urls = await page.evaluate(() => (window as unknown as { sources: EventSource[] }).sources.map((s) => s.url));
  expect(urls).toHaveLength(2);
  expect(urls[1]).toMatch(/\/api\/events\?lastEventId=[0-9a-f]{16}-\d+$/);
});

test('a cluster or backup that is not in the region says so and links back to its list in that region', async ({
  page,
}) => {
  const ui = new HsmPage(page);
  await ui.open(`${base}/cloudhsm/backups/backup-aaaaaaaaaaa?region=ca-central-1`);
  await expect(page.getByRole('heading', { level: 2, name: 'Backup backup-aaaaaaaaaaa not found in ca-central-1' })).toBeVisible();
  await page.getByRole('link', { name: 'Go to the backups list' }).click();
  await expect(page).toHaveURL(/\/cloudhsm\/backups\?region=ca-central-1$/);

  await ui.open(`${base}/cloudhsm/clusters/cluster-aaaaaaaaaaa?region=ca-central-1`);
  await expect(page.getByRole('heading', { level: 2, name: 'Cluster cluster-aaaaaaaaaaa not found in ca-central-1' })).toBeVisible();
  await page.getByRole('link', { name: 'Go to the clusters list' }).click();
  await expect(page).toHaveURL(/\/cloudhsm\/clusters\?region=ca-central-1$/);
});

test('the clusters list sorts by a column both ways, filters, and pages', async ({ page }) => {
  const region = 'sa-east-1';
  const ids: string[] = [];
  for (let i = 0; i < 2; i++) {
    const created = await hsmCall<{ Cluster: { ClusterId: string } }>(base, region, 'CreateCluster', {
      HsmType: 'hsm2m.medium',
      SubnetIds: SUBNETS,
    });
    ids.push(created.Cluster.ClusterId);
  }
  const sorted = [...ids].sort();
  const clusters = new HsmPage(page);
  await clusters.open(`${base}/cloudhsm/clusters?region=${region}`);
  const table = page.getByRole('table', { name: /^Clusters/ });
  const shownIds = table.locator('tbody tr th');
  await expect(shownIds).toHaveCount(2);

  const byId = table.getByRole('columnheader', { name: /Cluster ID/ });
  await expect(byId).toHaveAttribute('aria-sort', 'none');
  await expectSortsBothWays(byId, shownIds, sorted);

  await page.getByRole('searchbox', { name: 'Find clusters' }).fill(ids[1]);
  await expect(page.getByText(/^\d+ match(es)?$/)).toHaveText('1 match');
  await expect(shownIds).toHaveText([ids[1]]);

  const pagination = page.getByRole('navigation', { name: 'Pagination' });
  await expect(pagination.getByText(/^Page \d+ of \d+$/)).toHaveText('Page 1 of 1');
  await expect(pagination.getByRole('button', { name: 'Next page' })).toBeDisabled();
});

test('the backups list sorts both ways, filters by state and text together, clears both, and pages', async ({
  page,
}) => {
  const region = 'ap-south-1';
  const first = await activeClusterWithBackup(base, region);
  const second = await activeClusterWithBackup(base, region);
  await hsmCall(base, region, 'DeleteBackup', { BackupId: second.backupId });
  const backups = new HsmBackupsPage(page);
  await backups.open(`${base}/cloudhsm/backups?region=${region}`);
  const shownIds = backups.table.locator('tbody tr th');
  await expect(shownIds).toHaveCount(2);
  const sorted = [first.backupId, second.backupId].sort();

  const byId = backups.table.getByRole('columnheader', { name: /Backup ID/ });
  await expect(backups.table.getByRole('columnheader', { name: /Created/ })).toHaveAttribute(
    'aria-sort',
    'descending',
  );
  await expect(shownIds).toHaveText([second.backupId, first.backupId]);
  await expectSortsBothWays(byId, shownIds, sorted);

  // The state menu counts every backup of the region; the text filter counts its matches.
  await expect(backups.stateFilter.locator('option:checked')).toHaveText('All states (2)');
  await backups.stateFilter.selectOption('PENDING_DELETION');
  await expect(shownIds).toHaveText([second.backupId]);
  await backups.filter.fill(first.clusterId);
  await expect(page.getByText('No matches')).toBeVisible();
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(backups.stateFilter).toHaveValue('all');
  await expect(backups.filter).toHaveValue('');
  await expect(shownIds).toHaveCount(2);

  await backups.filter.fill(first.clusterId);
  await expect(page.getByText(/^\d+ match(es)?$/)).toHaveText('1 match');
  await expect(shownIds).toHaveText([first.backupId]);
  const pagination = page.getByRole('navigation', { name: 'Pagination' });
  await expect(pagination.getByText(/^Page \d+ of \d+$/)).toHaveText('Page 1 of 1');
  await expect(pagination.getByRole('button', { name: 'Next page' })).toBeDisabled();
});

test("a cluster's HSMs sort by zone both ways, filter, and page", async ({ page }) => {
  const region = 'ca-central-1';
  const created = await hsmCall<{ Cluster: { ClusterId: string } }>(base, region, 'CreateCluster', {
    HsmType: 'hsm2m.medium',
    SubnetIds: SUBNETS,
  });
  const id = created.Cluster.ClusterId;
  await advance(base, 61);
  const hsmIds: Record<string, string> = {};
  for (const zone of ['a', 'b', 'a']) {
    const made = await hsmCall<{ Hsm: { HsmId: string } }>(base, region, 'CreateHsm', {
      ClusterId: id,
      AvailabilityZone: `${region}${zone}`,
    });
    hsmIds[made.Hsm.HsmId] = zone;
  }
  const inB = Object.keys(hsmIds).find((hsm) => hsmIds[hsm] === 'b')!;
  const cluster = new HsmClusterPage(page);
  await cluster.open(`${base}/cloudhsm/clusters/${id}?region=${region}`);
  const shownIds = cluster.hsms.locator('tbody tr th');
  await expect(shownIds).toHaveCount(3);

  const byZone = cluster.hsms.getByRole('columnheader', { name: /Availability Zone/ });
  await byZone.getByRole('button').click();
  await expect(byZone).toHaveAttribute('aria-sort', 'ascending');
  await expect(shownIds.last()).toHaveText(inB);
  await byZone.getByRole('button').click();
  await expect(byZone).toHaveAttribute('aria-sort', 'descending');
  await expect(shownIds.first()).toHaveText(inB);

  const filter = page.getByRole('searchbox', { name: 'Find HSMs' });
  await filter.fill(`${region}b`);
  await expect(page.getByText(/^\d+ match(es)?$/)).toHaveText('1 match');
  await expect(shownIds).toHaveText([inB]);
  await filter.fill('no such hsm');
  await expect(page.getByText('No HSM matches the filter.')).toBeVisible();
  await page.getByRole('button', { name: 'Clear filter' }).click();
  await expect(shownIds).toHaveCount(3);

  const pagination = page.getByRole('navigation', { name: 'Pagination of HSMs' });
  await pagination.getByLabel('Page size').selectOption('10');
  await expect(pagination.getByText(/^Page \d+ of \d+$/)).toHaveText('Page 1 of 1');
});

test("a cluster page's backups sort, filter and page", async ({ page }) => {
  const region = 'eu-north-1';
  const { clusterId } = await activeClusterWithBackup(base, region);
  for (let day = 0; day < 2; day++) {
    await advance(base, DAY);
    await advance(base, 31);
  }
  const backups = await backupsOf(base, region, { clusterIds: [clusterId] });
  expect(backups).toHaveLength(3);
  const newestFirst = [...backups]
    .sort((a, b) => (b.CreateTimestamp ?? 0) - (a.CreateTimestamp ?? 0))
    .map((b) => b.BackupId);
  const cluster = new HsmClusterPage(page);
  await cluster.open(`${base}/cloudhsm/clusters/${clusterId}?region=${region}`);
  const table = page.getByRole('table', { name: /^Backups/ });
  const ids = table.locator('tbody tr th');
  await expect(ids).toHaveText(newestFirst);
  const byId = table.getByRole('columnheader', { name: /Backup ID/ });
  await byId.getByRole('button').click();
  await expect(ids).toHaveText([...newestFirst].sort());
  const filter = page.getByRole('searchbox', { name: 'Find backups of the cluster' });
  await filter.fill(newestFirst[1]);
  await expect(page.getByText(/^\d+ match(es)?$/)).toHaveText('1 match');
  await expect(ids).toHaveText([newestFirst[1]]);
  const pagination = page.getByRole('navigation', { name: 'Pagination of backups of the cluster' });
  await pagination.getByLabel('Page size').selectOption('10');
  await expect(pagination.getByText(/^Page \d+ of \d+$/)).toHaveText('Page 1 of 1');
});

test('restoring a backup the retention policy expired: the page warns, and Never expires first keeps it', async ({ page }) => {
  const region = 'ap-northeast-1';
  const { clusterId, backupId } = await activeClusterWithBackup(base, region);
  await hsmCall(base, region, 'ModifyCluster', {
    ClusterId: clusterId,
    BackupRetentionPolicy: { Type: 'DAYS', Value: '7' },
  });
  // Eight days on, daily backups were taken and the first one has expired.
  await advance(base, 8 * DAY);
  await advance(base, 31);
  expect((await backupsOf(base, region, { backupIds: [backupId] }))[0].BackupState).toBe('PENDING_DELETION');

  const backupPage = new HsmPage(page);
  await backupPage.open(`${base}/cloudhsm/backups/${backupId}?region=${region}`);
  const warning = page.getByRole('note', { name: 'Restoring an expired backup' });
  await expect(warning).toContainText(`older than the 7 days cluster ${clusterId} keeps backups`);
  await expect(warning).toContainText('switch Never expires on first');

  // Restored as it is, the policy takes it back at once (live, no reload).
  await page.getByRole('button', { name: 'Restore', exact: true }).click();
  await expect(backupPage.flash(`Backup ${backupId} restored`)).toBeVisible();
  await advance(base, 1);
  await expect
    .poll(async () => (await backupsOf(base, region, { backupIds: [backupId] }))[0].BackupState)
    .toBe('PENDING_DELETION');
  await expect(page.getByRole('button', { name: 'Restore', exact: true })).toBeVisible();
  await expect(warning).toBeVisible();

  // Never expires first: the warning goes, and the restore holds.
  await page.getByRole('switch', { name: `Never expires: ${backupId}` }).click();
  await expect(warning).toHaveCount(0);
  await page.getByRole('button', { name: 'Restore', exact: true }).click();
  await expect(backupPage.flash(`Backup ${backupId} restored`)).toHaveCount(2);
  await advance(base, DAY);
  await expect(page.getByRole('button', { name: 'Copy to region' })).toBeVisible();
  expect((await backupsOf(base, region, { backupIds: [backupId] }))[0].BackupState).toBe('READY');
});

test("a backup's resource policy: the editor checks the JSON, saves, shows and deletes it, with the command", async ({ page }) => {
  const region = 'eu-central-1';
  const { backupId } = await activeClusterWithBackup(base, region);
  const arn = `arn:aws:cloudhsm:${region}:123456789012:backup/${backupId}`;
  const backupPage = new HsmPage(page);
  await backupPage.open(`${base}/cloudhsm/backups/${backupId}?region=${region}`);
  const panel = page.getByRole('region', { name: 'Resource policy' });
  await expect(panel).toContainText('No resource policy: only this account can use the backup.');

  const editor = panel.getByLabel('Policy document (JSON)');
  await expect(editor).toHaveValue(/"Effect": "Allow"/);
  await editor.fill('{"Statement": [{"Effect": "Maybe"}]}');
  await expect(panel.getByRole('alert')).toContainText('Effect of Allow or Deny');
  await expect(panel.getByRole('button', { name: 'Save policy' })).toBeDisabled();
  await editor.fill('{not json');
  await expect(panel.getByRole('alert')).toContainText('not valid JSON');

  const policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"cloudhsm:CreateCluster","Resource":"*"}]}';
  await editor.fill(policy);
  await expect(panel.getByRole('alert')).toHaveCount(0);
  await panel.getByText('Copy as CLI').click();
  await expect(panel.getByLabel('AWS CLI command')).toContainText(
    `aws cloudhsmv2 put-resource-policy --region ${region} --cli-input-json '{"ResourceArn":"${arn}","Policy":`,
  );
  await panel.getByRole('button', { name: 'Save policy' }).click();
  await expect(backupPage.flash('Resource policy saved')).toBeVisible();
  await expect(panel.getByLabel('Attached policy')).toHaveText(policy);
  await page.screenshot({ path: 'artifacts/cloudhsm-policy.png', fullPage: true });
  const stored = await hsmCall<{ Policy?: string }>(base, region, 'GetResourcePolicy', { ResourceArn: arn });
  expect(stored.Policy).toBe(policy);

  await panel.getByRole('button', { name: 'Delete policy' }).click();
  await expect(backupPage.flash('Resource policy deleted')).toBeVisible();
  await expect(panel).toContainText('No resource policy');
  await expect(panel.getByRole('button', { name: 'Delete policy' })).toHaveCount(0);
  expect((await hsmCall<{ Policy?: string }>(base, region, 'GetResourcePolicy', { ResourceArn: arn })).Policy).toBeUndefined();
});

test("the backups list's Copy as CLI is the DescribeBackups call it shows: state and Never expires filters, and SortAscending when oldest first", async ({
  page,
}) => {
  const region = 'eu-west-3';
  const first = await activeClusterWithBackup(base, region);
  const second = await activeClusterWithBackup(base, region);
  const backups = new HsmBackupsPage(page);
  await backups.open(`${base}/cloudhsm/backups?region=${region}`);
  const shownIds = backups.table.locator('tbody tr th');
  await expect(shownIds).toHaveText([second.backupId, first.backupId]);
  const command = await backups.cliCommand(page.getByRole('region', { name: /^Backups/ }));
  await expect(command).toHaveText(`aws cloudhsmv2 describe-backups --region ${region} --cli-input-json '{}'`);

  const created = backups.table.getByRole('columnheader', { name: /Created/ });
  await created.getByRole('button').click();
  await expect(created).toHaveAttribute('aria-sort', 'ascending');
  await expect(shownIds).toHaveText([first.backupId, second.backupId]);
  await backups.stateFilter.selectOption('READY');
  await expect(command).toHaveText(
    `aws cloudhsmv2 describe-backups --region ${region} --cli-input-json '{"Filters":{"states":["READY"]},"SortAscending":true}'`,
  );
  // Never expires filters too, and keeps the state filter.
  const never = page.getByLabel('Never expires', { exact: true });
  await never.selectOption('true');
  await expect(shownIds).toHaveCount(0);
  await expect(backups.stateFilter).toHaveValue('READY');
  await never.selectOption('false');
  await expect(shownIds).toHaveText([first.backupId, second.backupId]);
  const body = '{"Filters":{"neverExpires":["false"],"states":["READY"]},"SortAscending":true}';
  await expect(command).toHaveText(`aws cloudhsmv2 describe-backups --region ${region} --cli-input-json '${body}'`);
  // The service answers that call in the order the list shows.
  const answer = await hsmCall<{ Backups: { BackupId: string }[] }>(base, region, 'DescribeBackups', JSON.parse(body));
  expect(answer.Backups.map((b) => b.BackupId)).toEqual([first.backupId, second.backupId]);
});

test("a copy's \"its copies here\" lists the copies of its source (DescribeBackups sourceBackupIds), with the command", async ({
  page,
}) => {
  const [from, to] = ['ap-northeast-2', 'ap-northeast-3'];
  const source = await activeClusterWithBackup(base, from);
  const local = await activeClusterWithBackup(base, to);
  await hsmCall(base, from, 'CopyBackupToRegion', { BackupId: source.backupId, DestinationRegion: to });
  await advance(base, 120);
  const copies = await backupsOf(base, to, { sourceBackupIds: [source.backupId] });
  expect(copies).toHaveLength(1);
  const copyId = copies[0].BackupId;

  const backups = new HsmBackupsPage(page);
  await backups.open(`${base}/cloudhsm/backups?region=${to}`);
  const shownIds = backups.table.locator('tbody tr th');
  await expect(shownIds).toHaveCount(2);
  await backups.row(copyId).getByRole('link', { name: 'its copies here' }).click();
  await expect(page).toHaveURL(new RegExp(`sourceBackupId=${source.backupId}`));
  await expect(shownIds).toHaveText([copyId]);
  const command = await backups.cliCommand(page.getByRole('region', { name: /^Backups/ }));
  await expect(command).toHaveText(
    `aws cloudhsmv2 describe-backups --region ${to} --cli-input-json '{"Filters":{"sourceBackupIds":["${source.backupId}"]}}'`,
  );
  await page.getByRole('button', { name: `Stop showing only the copies of ${source.backupId}` }).click();
  await expect(shownIds).toHaveCount(2);
  await expect(backups.row(local.backupId)).toBeVisible();
});
