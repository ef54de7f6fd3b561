// A thousand servers in one list, on a backend of this test's own (server limit
// 1000, no throttling): every row on one page, and a status change of one
// server re-renders that row only. The event-to-DOM time is printed, not asserted.
import { createServerRequest, wireCall } from './pages/console';
import { expect, test } from './pages/fixtures';
import { makeKeyPair } from './pages/openssl';
import { checkOnlyItsRowChanges, recordServerEvents } from './pages/row-probe';
import { ServersPage } from './pages/servers';
import { Backend } from './support/backend';

const COUNT = 1000;
const name = (i: number) => `big-${String(i).padStart(4, '0')}`;

let backend: Backend;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  backend = await Backend.start(['--in-memory', '--speed', '60', '--server-limit', String(COUNT), '--rate-limit', '0']);
  // With the pivotal user's public key given, CreateServer makes no key pair
  // of its own (the slow part), so a thousand take seconds.
  const { publicKey } = makeKeyPair();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < COUNT; i = next++) {
      await wireCall(backend.baseURL, 'CreateServer', {
        ...createServerRequest(name(i)),
        EngineAttributes: [{ Name: 'CHEF_AUTOMATE_PIVOTAL_KEY', Value: publicKey }],
      });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  // Creation takes a simulated minute (a second at --speed 60): wait for all of them.
  await expect
    .poll(
      async () => {
        const { Servers } = await wireCall<{ Servers: { Status: string }[] }>(backend.baseURL, 'DescribeServers', {});
        return Servers.filter((s) => s.Status === 'HEALTHY').length;
      },
      { timeout: 60_000 },
    )
    .toBe(COUNT);
});

test.afterAll(async () => {
  await backend?.stop();
});

test('a thousand servers on one page; one status change re-renders one row', async ({ page }) => {
  test.setTimeout(120_000);
  const changing = name(500);
  await recordServerEvents(page);
  const ui = new ServersPage(page);
  await page.goto(`${backend.baseURL}/servers`);
  await ui.waitLive();
  await expect(ui.serversHeading).toHaveText(`Servers (${COUNT})`);

  await ui.pageSize.selectOption('All');
  await expect(ui.pageIndicator).toHaveText('Page 1 of 1');
  await expect(ui.rows()).toHaveCount(COUNT);
  await expect(ui.status(changing)).toHaveText('HEALTHY');

  await checkOnlyItsRowChanges(ui, backend.baseURL, changing, ` with ${COUNT} rows`);
});
