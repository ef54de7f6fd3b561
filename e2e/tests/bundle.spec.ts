// The console's first load stays within its budget (250 KB, compressed as
// served), and the pages outside it arrive as WASM chunks on their first
// visit; a chunk that cannot be fetched is explained, not a dead app.
import type { Page } from '@playwright/test';
import { expect, test } from './pages/fixtures';
import { ServersPage } from './pages/servers';

const BUDGET = 250_000;

/** One finished response: its file name, encoding and body bytes on the wire. */
type Fetched = { file: string; encoding: string; bytes: number };

/** Records every finished response of `page` from now on. */
function recordResponses(page: Page): Fetched[] {
  const fetched: Fetched[] = [];
  page.on('requestfinished', async (request) => {
    const response = await request.response();
    if (!response) return;
    const sizes = await request.sizes();
    fetched.push({
      file: new URL(request.url()).pathname,
      encoding: response.headers()['content-encoding'] ?? 'identity',
      bytes: sizes.responseBodySize,
    });
  });
  return fetched;
}

const isAsset = (f: Fetched) => /\.(wasm|js|css)$/.test(f.file) || !f.file.startsWith('/api/');

test('the first load is within budget and brotli-compressed; the wizard arrives as a chunk on its first visit', async ({
  page,
}) => {
  const fetched = recordResponses(page);
  const ui = new ServersPage(page);
  await ui.open();
  await expect(page.getByRole('heading', { level: 2, name: /^Servers/ })).toBeVisible();

  const firstLoad = fetched.filter(isAsset);
  const total = firstLoad.reduce((sum, f) => sum + f.bytes, 0);
  console.log(
    `first load: ${total} bytes (budget ${BUDGET})\n` +
      firstLoad.map((f) => `  ${String(f.bytes).padStart(7)}  ${f.encoding}  ${f.file}`).join('\n'),
  );
  expect(firstLoad.map((f) => f.file)).toEqual(
    expect.arrayContaining([expect.stringMatching(/_bg\.wasm$/), expect.stringMatching(/\.css$/)]),
  );
  for (const f of firstLoad) expect(f.encoding, f.file).toBe('br');
  expect(total).toBeLessThanOrEqual(BUDGET);
  // Lazily loaded pages are not part of it.
  expect(firstLoad.filter((f) => /split_/.test(f.file))).toEqual([]);

  // The wizard's chunk is fetched when the wizard is first opened, and the
  // wizard works from it.
  const before = fetched.length;
  await page.getByRole('button', { name: 'Create server' }).first().click();
  await expect(page.getByText('Step 1 of 4')).toBeVisible();
  // Responses are recorded asynchronously (their sizes are read first), so
  // the chunk's entry may land a moment after the wizard shows.
  await expect
    .poll(() => fetched.slice(before).map((f) => f.file))
    .toEqual(expect.arrayContaining([expect.stringMatching(/split_wizard\.wasm$/)]));
  await page.getByRole('radio', { name: 'Puppet Enterprise' }).check();
  await expect(page.getByRole('radio', { name: 'Puppet Enterprise' })).toBeChecked();
});

test('a page whose chunk cannot be fetched says so and offers Reload, which recovers', async ({
  page,
  pageErrors,
}) => {
  await page.route(/split_account_pages\.wasm$/, (route) => route.abort('connectionrefused'));
  const ui = new ServersPage(page);
  await ui.open();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();

  const alert = page.getByRole('alert').filter({ hasText: 'This page could not be loaded' });
  await expect(alert).toBeVisible();
  // The rest of the console still works, and a failed load is tried again.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Servers' }).click();
  await expect(page.getByRole('heading', { level: 2, name: /^Servers/ })).toBeVisible();
  await page.goBack();
  await expect(alert).toBeVisible();

  await page.unroute(/split_account_pages\.wasm$/);
  await alert.getByRole('button', { name: 'Reload' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Account limits' })).toBeVisible();

  // The chunk loader logs each refused fetch; those are this test's doing.
  const refused = (e: string) => e.startsWith('console.error: TypeError: Failed to fetch') && e.includes('__wasm_split.js');
  expect(pageErrors.filter(refused)).toHaveLength(2);
  pageErrors.splice(0, pageErrors.length, ...pageErrors.filter((e) => !refused(e)));
});
