// Smoke test: the console loads against the simulator, and a server that an
// SDK-style client creates through the wire door appears in the list live.
import { expect, test } from './pages/fixtures';
import { ConsolePage, createServerRequest, keepEventSources, uniqueName, wireCall } from './pages/console';
import { ServersPage } from './pages/servers';

test('shows the product heading, region and simulator mode', async ({ page }) => {
  const ui = new ConsolePage(page);
  await ui.goto();

  await expect(ui.banner).toContainText('cmconsole');
  await expect(ui.environmentValue('Region')).toHaveText('us-east-1');
  await expect(ui.environmentValue('Mode')).toHaveText('simulator');
  await expect(ui.serversHeading).toBeVisible();
  await expect(ui.liveIndicator).toHaveText('Live');
  await expect(ui.errorBanner).toHaveCount(0);
});

test('a server created through the wire door appears live, without Refresh', async ({ page, baseURL }) => {
  const ui = new ServersPage(page);
  await ui.open();
  await expect(ui.emptyState.or(ui.serversTable)).toBeVisible();

  const name = uniqueName('wire');
  const created = await wireCall<{ Server: { ServerName: string; Status: string } }>(
    baseURL!,
    'CreateServer',
    createServerRequest(name),
  );
  expect(created.Server.ServerName).toBe(name);

  // No Refresh, no reload: the live stream brings the row and its status changes.
  const row = ui.serverRow(name);
  await expect(row).toBeVisible();
  await expect(row).toContainText('ChefAutomate');
  await expect(ui.status(name)).toHaveText('HEALTHY');
  await expect(ui.emptyState).toHaveCount(0);

  await page.screenshot({ path: 'artifacts/servers.png', fullPage: true });
});

test('the live indicator shows an outage, and what was missed arrives after it', async ({ page, baseURL }) => {
  await keepEventSources(page);
  const ui = new ServersPage(page);
  await ui.open();
  const seen = uniqueName('seen');
  await wireCall(baseURL!, 'CreateServer', createServerRequest(seen));
  await expect(ui.status(seen)).toHaveText('HEALTHY');

  // The stream dies for good (as when the browser gives up): the console
  // must notice, say so, and open a new stream resuming after the last id.
  await page.evaluate(() => {
    const [source] = (window as unknown as { sources: EventSource[] }).sources;
    source.close();
    source.dispatchEvent(new Event('error'));
  });
  await expect(ui.liveIndicator).toHaveText('Reconnecting');
  const name = uniqueName('missed');
  await wireCall(baseURL!, 'CreateServer', createServerRequest(name));

  await expect(ui.liveIndicator).toHaveText('Live');
  await expect(ui.status(name)).toHaveText('HEALTHY');
  const urls = await page.evaluate(() =>
    (window as unknown as { sources: EventSource[] }).sources.map((s) => s.url),
  );
  expect(urls).toHaveLength(2);
  expect(urls[1]).toMatch(/\/api\/events\?lastEventId=[0-9a-f]{16}-\d+$/);
});
