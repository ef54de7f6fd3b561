// The Servers list: filter, sort, pagination, and live updates that touch
// only the row that changed, measured from the event's arrival to the DOM.
import { createServerOnWire, wireCall } from './pages/console';
import { expect, test } from './pages/fixtures';
import { ServersPage } from './pages/servers';

test('filters with a match count, sorts and paginates', async ({ page, baseURL }) => {
  const first = await createServerOnWire(baseURL!, 'alpha');
  const second = await createServerOnWire(baseURL!, 'omega');
  const ui = new ServersPage(page);
  await ui.open();
  await expect(ui.serverRow(first)).toBeVisible();
  await expect(ui.serverRow(second)).toBeVisible();

  await ui.filter.fill(first);
  await expect(ui.matchCount).toHaveText('1 match');
  await expect(ui.serverRow(second)).toHaveCount(0);
  await ui.filter.fill('no-such-server');
  await expect(page.getByText('No matches')).toBeVisible();
  await page.getByRole('button', { name: 'Clear filter' }).click();
  await expect(ui.serverRow(second)).toBeVisible();

  const nameHeader = ui.serversTable.getByRole('columnheader', { name: /Name/ });
  await nameHeader.getByRole('button').click();
  await expect(nameHeader).toHaveAttribute('aria-sort', 'ascending');
  await nameHeader.getByRole('button').click();
  await expect(nameHeader).toHaveAttribute('aria-sort', 'descending');

  const pagination = page.getByRole('navigation', { name: 'Pagination' });
  await page.getByLabel('Page size').selectOption('100');
  await expect(pagination).toContainText('Page 1 of 1');
  await expect(pagination.getByRole('button', { name: 'Next page' })).toBeDisabled();

  // Selection enables the action stripe.
  await expect(ui.viewDetailsButton).toBeDisabled();
  await ui.select(first);
  await expect(ui.viewDetailsButton).toBeEnabled();
  await ui.viewDetailsButton.click();
  await expect(page).toHaveURL(new RegExp(`/servers/${first}$`));
});

test('a status change re-renders only its row (and its event-to-DOM latency is measured)', async ({ page, baseURL }) => {
  const changing = await createServerOnWire(baseURL!, 'moving');
  const steady = await createServerOnWire(baseURL!, 'steady');
  // Before the app loads: note when the console's own EventSource receives
  // each `server` event (the event's timeStamp), for the server we change.
  await page.addInitScript((name) => {
    const w = window as unknown as { eventAt: number[] };
    w.eventAt = [];
    const add = EventSource.prototype.addEventListener;
    EventSource.prototype.addEventListener = function (this: EventSource, type: string, listener: unknown, options?: unknown) {
      if (type === 'server' && typeof listener === 'function') {
        const inner = listener as (event: MessageEvent) => void;
        const timed = (event: MessageEvent) => {
          const server = JSON.parse(event.data);
          if (server.ServerName === name && server.Status === 'UNDER_MAINTENANCE') w.eventAt.push(event.timeStamp);
          inner.call(this, event);
        };
        return add.call(this, type, timed as EventListener, options as AddEventListenerOptions);
      }
      return add.call(this, type, listener as EventListener, options as AddEventListenerOptions);
    } as typeof EventSource.prototype.addEventListener;
  }, changing);
  const ui = new ServersPage(page);
  await ui.open();
  await expect(ui.status(changing)).toHaveText('HEALTHY');
  await expect(ui.status(steady)).toHaveText('HEALTHY');

  // Watch the table body: which rows mutate, and when the status text changes.
  await page.evaluate((name) => {
    const w = window as unknown as Record<string, unknown>;
    const mutatedRows = new Set<string>();
    const domAt: number[] = [];
    const rowName = (node: Node | null) =>
      (node instanceof Element ? node : node?.parentElement)?.closest('tr')?.querySelector('th')?.textContent ?? '?';
    const tbody = document.querySelector('table tbody')!;
    new MutationObserver((records) => {
      const now = performance.now();
      for (const record of records) {
        mutatedRows.add(rowName(record.target));
        if (rowName(record.target) === name && record.target.textContent?.includes('UNDER_MAINTENANCE')) {
          domAt.push(now);
        }
      }
    }).observe(tbody, { subtree: true, childList: true, characterData: true, attributes: true });
    for (const row of document.querySelectorAll('table tbody tr')) {
      (row as unknown as Record<string, string>).probe = rowName(row);
    }
    w.liveProbe = { mutatedRows, domAt };
  }, changing);

  await wireCall(baseURL!, 'StartMaintenance', { ServerName: changing });
  await expect(ui.status(changing)).toHaveText('UNDER_MAINTENANCE');
  await expect(ui.status(changing)).toHaveText('HEALTHY');

  const result = await page.evaluate(() => {
    const w = window as unknown as { eventAt: number[]; liveProbe: { mutatedRows: Set<string>; domAt: number[] } };
    const rows = [...document.querySelectorAll('table tbody tr')].map(
      (row) => (row as unknown as Record<string, string>).probe ?? 'new',
    );
    return { mutated: [...w.liveProbe.mutatedRows], domAt: w.liveProbe.domAt, eventAt: w.eventAt, rows };
  });
  // Same <tr> nodes as before (keyed rows), and only the changing row mutated.
  expect(result.rows).not.toContain('new');
  expect(result.mutated).toEqual([changing]);
  expect(result.eventAt).toHaveLength(1);
  expect(result.domAt.length).toBeGreaterThan(0);
  const latency = result.domAt[0] - result.eventAt[0];
  test.info().annotations.push({ type: 'event-to-DOM latency (ms)', description: latency.toFixed(1) });
  // A measurement, not a timed assertion: this machine is shared and noisy.
  // The figure (target <= 50 ms) is printed and attached to the report.
  console.log(`event-to-DOM latency: ${latency.toFixed(1)} ms (target <= 50 ms)`);
  expect(latency).toBeGreaterThanOrEqual(0);
});
