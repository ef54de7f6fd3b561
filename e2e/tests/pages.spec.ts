// The Backups page (every server's backups) and the Account page (limits).
import { createServerOnWire, wireCall } from './pages/console';
import { expect, test } from './pages/fixtures';
import { ServersPage } from './pages/servers';

test('the Backups page lists every backup live, with a link to its server', async ({ page, baseURL }) => {
  const name = await createServerOnWire(baseURL!, 'allbak');
  const ui = new ServersPage(page);
  await ui.goto('/backups');
  await ui.waitLive();
  await expect(page.getByRole('heading', { level: 2, name: /^Backups/ })).toBeVisible();

  // Wait for HEALTHY through the list, then back up through the wire door.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Servers' }).click();
  await expect(ui.status(name)).toHaveText('HEALTHY');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Backups' }).click();
  await wireCall(baseURL!, 'CreateBackup', { ServerName: name, Description: 'nightly' });

  const row = page.getByRole('table', { name: /^Backups/ }).getByRole('row', { name: new RegExp(name) });
  await expect(row).toContainText('nightly');
  await expect(row.locator('.status')).toHaveText('OK');
  await row.getByRole('link', { name }).click();
  await expect(page).toHaveURL(new RegExp(`/servers/${name}/backups$`));
});

test('the Account page shows the limits and their use', async ({ page, baseURL }) => {
  await createServerOnWire(baseURL!, 'acct');
  const ui = new ServersPage(page);
  await ui.goto('/account');
  await expect(page.getByRole('heading', { level: 2, name: 'Account limits' })).toBeVisible();
  const servers = page.getByRole('meter', { name: 'Servers' });
  await expect(servers).toHaveAttribute('max', '50');
  // At least the server this test created is counted.
  await expect(servers).toHaveAttribute('value', /^[1-9]\d*$/);
  await expect(page.getByRole('meter', { name: 'Manual backups' })).toBeVisible();
});
