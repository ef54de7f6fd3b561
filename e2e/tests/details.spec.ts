// Server details: tabs with their own URLs, backups, events, deep links, delete.
import { expect, test } from './pages/fixtures';
import { createServerOnWire } from './pages/console';
import { DetailsPage } from './pages/details';
import { ServersPage } from './pages/servers';

test('creates a backup from the details page and sees it reach OK', async ({ page, baseURL }) => {
  const name = await createServerOnWire(baseURL!, 'bak');
  const details = new DetailsPage(page);
  await details.open(name);
  await expect(details.serverStatus()).toHaveText('HEALTHY');
  await expect(page.getByRole('region', { name: 'Overview' })).toContainText(
    `arn:aws:opsworks-cm:us-east-1:123456789012:server/${name}/`,
  );

  await details.tab('Backups').click();
  await expect(page).toHaveURL(new RegExp(`/servers/${name}/backups$`));
  await details.createBackup('before upgrade');
  const row = details.backupsTable().getByRole('row', { name: /before upgrade/ });
  await expect(row).toBeVisible();
  await expect(row.locator('.status')).toHaveText('OK');
  // The server went through BACKING_UP and is back to HEALTHY.
  await expect(details.serverStatus()).toHaveText('HEALTHY');
  await page.screenshot({ path: 'artifacts/server-details.png', fullPage: true });

  // Restore from that backup: the server goes RESTORING and comes back HEALTHY.
  await row.getByRole('button', { name: /^Restore from backup/ }).click();
  await expect(details.dialog).toBeVisible();
  await details.dialog.getByLabel('Instance type (optional)').fill('r5.xlarge');
  await details.dialog.getByRole('button', { name: 'Restore' }).click();
  await expect(details.flash(`Restore of ${name} started`)).toBeVisible();
  await expect(details.serverStatus()).toHaveText('HEALTHY');
  await details.tab('Overview').click();
  await expect(page.getByRole('region', { name: 'Overview' })).toContainText('r5.xlarge');

  await details.tab('Events').click();
  await expect(details.eventsTable()).toContainText(/backup/i);
});

test('reload on a deep link keeps the page and tab', async ({ page, baseURL }) => {
  const name = await createServerOnWire(baseURL!, 'deep');
  const details = new DetailsPage(page);
  await details.open(name, 'events');
  await expect(details.eventsTable()).toBeVisible();

  await page.reload();
  await expect(page).toHaveURL(new RegExp(`/servers/${name}/events$`));
  await expect(page.getByRole('heading', { level: 2, name })).toBeVisible();
  await expect(details.tab('Events')).toHaveAttribute('aria-current', 'page');
  await expect(details.eventsTable()).toBeVisible();
  await expect(details.tabs.locator('[aria-current]')).toHaveCount(1);
});

test('the tab strip marks one tab current, the Overview on the bare server address too', async ({ page, baseURL }) => {
  const name = await createServerOnWire(baseURL!, 'tabs');
  const details = new DetailsPage(page);
  await details.goto(`/servers/${name}`);
  await details.waitLive();
  await expect(details.tabs.getByRole('link')).toHaveText(['Overview', 'Backups', 'Nodes', 'Events', 'Settings', 'Tags']);
  await expect(details.tab('Overview')).toHaveAttribute('aria-current', 'page');
  await expect(details.tabs.locator('[aria-current]')).toHaveCount(1);
  for (const label of ['Backups', 'Nodes', 'Settings', 'Tags', 'Overview'] as const) {
    await details.tab(label).click();
    await expect(page).toHaveURL(new RegExp(`/servers/${name}/${label.toLowerCase()}$`));
    await expect(details.tab(label)).toHaveAttribute('aria-current', 'page');
    await expect(details.tabs.locator('[aria-current]')).toHaveCount(1);
  }
});

test('deletes a server after typing confirm, and it disappears from the list', async ({ page, baseURL }) => {
  const name = await createServerOnWire(baseURL!, 'gone');
  const servers = new ServersPage(page);
  await servers.open();
  await expect(servers.status(name)).toHaveText('HEALTHY');

  // Escape closes the modal without deleting.
  await servers.select(name);
  await servers.deleteButton.click();
  await expect(servers.dialog).toBeVisible();
  await expect(servers.dialog.getByLabel(/To confirm deletion, type/)).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(servers.dialog).toHaveCount(0);
  await expect(servers.deleteButton).toBeFocused();
  await expect(servers.status(name)).toHaveText('HEALTHY');

  await servers.deleteServer(name);
  await expect(servers.serverRow(name)).toHaveCount(0);
  await expect(servers.flash(`Deletion of ${name} started`)).toBeVisible();
});
