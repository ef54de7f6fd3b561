// Smoke test: the console loads against the simulator and lists a server that
// an SDK-style client created through the wire door.
import { expect, test } from '@playwright/test';
import { ConsolePage, createServerRequest, wireCall } from './pages/console';

test('shows the product heading, region and simulator mode', async ({ page }) => {
  const ui = new ConsolePage(page);
  await ui.goto();

  await expect(ui.banner).toContainText('cmconsole');
  await expect(ui.environmentValue('Region')).toHaveText('us-east-1');
  await expect(ui.environmentValue('Mode')).toHaveText('simulator');
  await expect(ui.serversHeading).toBeVisible();
  await expect(ui.errorBanner).toHaveCount(0);
});

test('a server created through the wire door appears after Refresh', async ({ page, baseURL }) => {
  const ui = new ConsolePage(page);
  await ui.goto();
  // Wait for the first load to settle (empty state or a table), so Refresh is a real refetch.
  await expect(ui.emptyState.or(ui.serversTable)).toBeVisible();

  const name = `web-${Date.now().toString(36)}`;
  const created = await wireCall<{ Server: { ServerName: string; Status: string } }>(
    baseURL!,
    'CreateServer',
    createServerRequest(name),
  );
  expect(created.Server.ServerName).toBe(name);

  await ui.refresh();
  const row = ui.serverRow(name);
  await expect(row).toBeVisible();
  await expect(row).toContainText('ChefAutomate');
  await expect(row).toContainText(/CREATING|HEALTHY/);
  await expect(ui.emptyState).toHaveCount(0);

  await page.screenshot({ path: 'artifacts/servers.png', fullPage: true });
});
