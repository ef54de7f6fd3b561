// Server details: the Settings (UpdateServer) and Tags tabs.
import { expect, test } from './pages/fixtures';
import { createServerOnWire } from './pages/console';
import { SettingsTab, TagsTab } from './pages/settings';

test('settings round-trip: windows and retention are kept after a reload', async ({ page, baseURL }) => {
  const name = await createServerOnWire(baseURL!, 'set');
  const settings = new SettingsTab(page);
  await settings.open(name, 'settings');
  await expect(settings.serverStatus()).toHaveText('HEALTHY');

  await settings.maintenanceWindow.fill('Tue:09:30');
  await settings.backupWindow.fill('04:15');
  await settings.retention.fill('5');
  // The simulator creates servers with automated backups disabled.
  await expect(settings.automatedBackups).not.toBeChecked();
  await settings.automatedBackups.check();
  await settings.saveButton.click();
  await expect(settings.flash(`Settings of ${name} saved`)).toBeVisible();

  await settings.tab('Overview').click();
  const overview = page.getByRole('region', { name: 'Overview' });
  await expect(overview).toContainText('Tue:09:30');
  await expect(overview).toContainText('04:15');
  await expect(overview.getByText('Automated backups').locator('..')).toContainText('Enabled');

  await settings.open(name, 'settings');
  await page.reload();
  await settings.waitLive();
  await expect(page).toHaveURL(new RegExp(`/servers/${name}/settings$`));
  await expect(settings.maintenanceWindow).toHaveValue('Tue:09:30');
  await expect(settings.backupWindow).toHaveValue('04:15');
  await expect(settings.retention).toHaveValue('5');
  await expect(settings.automatedBackups).toBeChecked();
});

test('an invalid window shows an inline error and sends nothing', async ({ page, baseURL }) => {
  const name = await createServerOnWire(baseURL!, 'badwin');
  const settings = new SettingsTab(page);
  await settings.open(name, 'settings');
  const sent: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/api/opsworks-cm/UpdateServer')) sent.push(request.url());
  });
  await settings.maintenanceWindow.fill('Funday:25:00');
  await settings.saveButton.click();
  await expect(settings.fieldError()).toContainText('not a window');
  await expect(settings.maintenanceWindow).toHaveAttribute('aria-invalid', 'true');
  await page.waitForTimeout(300);
  expect(sent).toEqual([]);
});

test('tags round-trip: add, edit, remove, reload', async ({ page, baseURL }) => {
  const name = await createServerOnWire(baseURL!, 'tag');
  const tags = new TagsTab(page);
  await tags.open(name, 'tags');
  await expect(tags.table()).toBeVisible();

  await tags.save('team', 'ops');
  await expect(tags.flash('Tag team saved')).toBeVisible();
  await expect(tags.row('team')).toContainText('ops');
  await tags.save('env', 'staging');
  await expect(tags.row('env')).toContainText('staging');

  await tags.edit('env', 'production');
  await expect(tags.row('env')).toContainText('production');
  await tags.remove('team');
  await expect(tags.flash('Tag team removed')).toBeVisible();
  await expect(tags.row('team')).toHaveCount(0);

  await page.reload();
  await tags.waitLive();
  await expect(tags.row('env')).toContainText('production');
  await expect(tags.row('team')).toHaveCount(0);
  await expect(tags.table().locator('tbody tr')).toHaveCount(1);

  // OpsWorks CM trims keys and values, then allows 127 and 255 characters.
  await tags.save('k'.repeat(128), 'v');
  await expect(page.getByRole('alert').filter({ hasText: 'the most is 127' })).toBeVisible();
  await tags.save(' spaced ', 'v'.repeat(256));
  await expect(page.getByRole('alert').filter({ hasText: 'the most is 255' })).toBeVisible();
  await expect(tags.table().locator('tbody tr')).toHaveCount(1);
});

test('tags sort by key or value both ways, filter, and page', async ({ page, baseURL }) => {
  const name = await createServerOnWire(baseURL!, 'tagl');
  const tags = new TagsTab(page);
  await tags.open(name, 'tags');
  for (const [key, value] of [
    ['owner', 'alice'],
    ['env', 'staging'],
    ['team', 'blue'],
  ]) {
    await tags.save(key, value);
    await expect(tags.row(key)).toContainText(value);
  }
  const keys = tags.table().locator('tbody tr th');
  await expect(keys).toHaveText(['env', 'owner', 'team']);
  const byKey = tags.table().getByRole('columnheader', { name: /Key/ });
  await expect(byKey).toHaveAttribute('aria-sort', 'ascending');
  await byKey.getByRole('button').click();
  await expect(keys).toHaveText(['team', 'owner', 'env']);
  const byValue = tags.table().getByRole('columnheader', { name: /Value/ });
  await byValue.getByRole('button').click();
  await expect(byValue).toHaveAttribute('aria-sort', 'ascending');
  await expect(keys).toHaveText(['owner', 'team', 'env']);

  const filter = page.getByRole('searchbox', { name: 'Find tags' });
  await filter.fill('stag');
  await expect(page.getByText(/^\d+ match(es)?$/)).toHaveText('1 match');
  await expect(keys).toHaveText(['env']);
  await filter.fill('nothing');
  await expect(page.getByText('No tag matches the filter.')).toBeVisible();
  await page.getByRole('button', { name: 'Clear filter' }).click();
  await expect(keys).toHaveCount(3);
  const pagination = page.getByRole('navigation', { name: 'Pagination' });
  await expect(pagination.getByText(/^Page \d+ of \d+$/)).toHaveText('Page 1 of 1');
});
