// The live stream across a real backend crash: a backend of this test's own
// (file-backed store, --speed 60) is killed (SIGKILL) while a server is being created,
// stays down past the moment that creation was due, and starts again on the
// same port and data directory. The page says "Reconnecting", then "Live",
// and receives, without a reload, both what completed during the downtime and
// a change made right after the restart: the stream resumes after the last
// event id it saw.
import { createServerRequest, uniqueName, wireCall } from './pages/console';
import { expect, test } from './pages/fixtures';
import { journalPosition, recordServerEvents, serverEvents } from './pages/row-probe';
import { ServersPage } from './pages/servers';
import { Backend, removeDir, tempDataDir } from './support/backend';
import { simPost } from './support/sim';

let backend: Backend;
let dataDir: string;

test.beforeAll(async () => {
  dataDir = tempDataDir();
  backend = await Backend.start(['--data-dir', dataDir, '--speed', '60']);
});

test.afterAll(async () => {
  await backend?.stop();
  if (dataDir) removeDir(dataDir);
});

test('after a backend restart the page reconnects and catches up from its last event id', async ({ page }) => {
  await recordServerEvents(page);
  // What each request to the live door resumes from (header or query).
  const resumes: (string | null)[] = [];
  page.on('request', async (request) => {
    const url = new URL(request.url());
    if (url.pathname === '/api/events') {
      // The header of the browser's own reconnects is only in the full headers.
      const headers = await request.allHeaders();
      resumes.push(headers['last-event-id'] ?? url.searchParams.get('lastEventId'));
    }
  });
  const received = async () => (await serverEvents(page)).map(({ name, status }) => ({ name, status }));
  const lastId = async () => Math.max(0, ...(await serverEvents(page)).map((e) => e.id));

  const ui = new ServersPage(page);
  await page.goto(`${backend.baseURL}/servers`);
  await ui.waitLive();
  await expect.poll(() => resumes).toEqual([null]);

  // A creation is in flight when the backend dies. At speed 10 its CREATING
  // phase (half a simulated minute) ends three seconds after it starts, long
  // enough to see it here before the crash; the whole creation (CREATING,
  // SETUP, RUNNING: a simulated minute) is due after six.
  await simPost(backend.baseURL, 'speed', { speed: 10 });
  const during = uniqueName('during');
  const startedAt = Date.now();
  await wireCall(backend.baseURL, 'CreateServer', createServerRequest(during));
  await expect(ui.status(during)).toHaveText('CREATING');
  const seenBeforeCrash = await lastId();
  expect(seenBeforeCrash).toBeGreaterThan(0);
  await backend.kill();
  await expect(ui.liveIndicator).toHaveText('Reconnecting');
  // Stay down until the creation's due time has passed; nothing is created
  // meanwhile. (Real time: the backend is not there to drive its clock.)
  await page.waitForTimeout(Math.max(0, startedAt + 6_500 - Date.now()));
  await expect(ui.status(during)).toHaveText('CREATING');

  await backend.restart();
  const after = uniqueName('after');
  await wireCall(backend.baseURL, 'CreateServer', createServerRequest(after));

  await expect(ui.liveIndicator).toHaveText('Live');
  await expect(ui.status(during)).toHaveText('HEALTHY');
  await expect(ui.status(after)).toHaveText('HEALTHY');
  // Both arrived through the stream (not only through the snapshot a reopen loads).
  await expect.poll(received).toEqual(
    expect.arrayContaining([
      { name: during, status: 'HEALTHY' },
      { name: after, status: 'CREATING' },
      { name: after, status: 'HEALTHY' },
    ]),
  );
  // The reconnect asked for what came after the last event id seen before the crash.
  const resumed = resumes.slice(1).filter((id): id is string => id !== null).map(journalPosition);
  expect(resumed.length).toBeGreaterThan(0);
  expect(resumed[resumed.length - 1]).toBeGreaterThanOrEqual(seenBeforeCrash);
  // No event twice: each server state arrived once.
  const states = (await received()).map((e) => `${e.name} ${e.status}`);
  expect(states.filter((s) => s === `${during} HEALTHY`)).toHaveLength(1);
  expect(states.filter((s) => s === `${during} CREATING`)).toHaveLength(1);
});
