// What the console receives and renders: the `server` events its EventSource
// gets, and the Servers table while one server changes (which rows mutate,
// whether any <tr> was replaced, as keyed rows keep theirs), giving the time
// from an event's arrival to its status text in the DOM. A measurement to
// print, never a timed assertion.
import { expect, test, type Page } from '@playwright/test';
import { wireCall } from './console';
import type { ServersPage } from './servers';

interface ProbeResult {
  /** Names of the rows any mutation touched. */
  mutatedRows: string[];
  /** Rows present now that were not there when the probe started. */
  newRows: number;
  /** `event.timeStamp` of each matching `server` event received. */
  eventAt: number[];
  /** `performance.now()` of each DOM mutation putting the status text in the row. */
  domAt: number[];
}

/** A `server` event as the console's EventSource received it. */
export interface ReceivedEvent {
  name: string;
  status: string;
  /** The journal position (`lastEventId` is `EPOCH-POSITION`). */
  id: number;
  /** `event.timeStamp`, on the clock of `performance.now()`. */
  at: number;
}

/** Before the app loads: records every `server` event the console's EventSource receives. */
export async function recordServerEvents(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { serverEvents: ReceivedEvent[] };
    w.serverEvents = [];
    const add = EventSource.prototype.addEventListener;
    EventSource.prototype.addEventListener = function (
      this: EventSource,
      type: string,
      listener: unknown,
      options?: unknown,
    ) {
      if (type === 'server' && typeof listener === 'function') {
        const inner = listener as (event: MessageEvent) => void;
        const noted = (event: MessageEvent) => {
          const server = JSON.parse(event.data);
          w.serverEvents.push({
            name: server.ServerName,
            status: server.Status,
            id: Number(event.lastEventId.split('-').pop()),
            at: event.timeStamp,
          });
          inner.call(this, event);
        };
        return add.call(this, type, noted as EventListener, options as AddEventListenerOptions);
      }
      return add.call(this, type, listener as EventListener, options as AddEventListenerOptions);
    } as typeof EventSource.prototype.addEventListener;
  });
}

/** The `server` events received so far, in order (needs `recordServerEvents`). */
export async function serverEvents(page: Page): Promise<ReceivedEvent[]> {
  return page.evaluate(() => (window as unknown as { serverEvents: ReceivedEvent[] }).serverEvents);
}

/** Marks every row of the table body and starts observing it; `status` is the text to time for `name`. */
async function watchRows(page: Page, name: string, status: string): Promise<void> {
  await page.evaluate(
    ({ name, status }) => {
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
          if (rowName(record.target) === name && record.target.textContent?.includes(status)) {
            domAt.push(now);
          }
        }
      }).observe(tbody, { subtree: true, childList: true, characterData: true, attributes: true });
      for (const row of document.querySelectorAll('table tbody tr')) {
        (row as unknown as Record<string, string>).probe = rowName(row);
      }
      w.liveProbe = { mutatedRows, domAt };
    },
    { name, status },
  );
}

/** What the probe saw since `watchRows`; `eventAt` are the `name`/`status` events' times. */
async function readProbe(page: Page, name: string, status: string): Promise<ProbeResult> {
  const seen = await page.evaluate(() => {
    const w = window as unknown as { liveProbe: { mutatedRows: Set<string>; domAt: number[] } };
    const rows = [...document.querySelectorAll('table tbody tr')];
    return {
      mutatedRows: [...w.liveProbe.mutatedRows],
      newRows: rows.filter((row) => (row as unknown as Record<string, string>).probe === undefined).length,
      domAt: w.liveProbe.domAt,
    };
  });
  const eventAt = (await serverEvents(page)).filter((e) => e.name === name && e.status === status).map((e) => e.at);
  return { ...seen, eventAt };
}

/**
 * Starts maintenance on `name` through the wire door (at `baseURL`) and checks,
 * as it runs and ends, that only its row of the Servers table changes, in
 * place. Prints and attaches the event-to-DOM time (target <= 50 ms): a
 * measurement, not a timed assertion, as the machine is shared and noisy.
 * Needs `recordServerEvents` before the page loaded.
 */
export async function checkOnlyItsRowChanges(ui: ServersPage, baseURL: string, name: string, label: string): Promise<void> {
  await watchRows(ui.page, name, 'UNDER_MAINTENANCE');
  await wireCall(baseURL, 'StartMaintenance', { ServerName: name });
  await expect(ui.status(name)).toHaveText('UNDER_MAINTENANCE');
  await expect(ui.status(name)).toHaveText('HEALTHY');
  await expect(ui.serverRow(name)).toContainText('SUCCESS');

  const result = await readProbe(ui.page, name, 'UNDER_MAINTENANCE');
  // Same <tr> nodes as before (keyed rows), and only the changing row mutated.
  expect(result.newRows).toBe(0);
  expect(result.mutatedRows).toEqual([name]);
  expect(result.eventAt).toHaveLength(1);
  expect(result.domAt.length).toBeGreaterThan(0);
  const ms = result.domAt[0] - result.eventAt[0];
  expect(ms).toBeGreaterThanOrEqual(0);
  test.info().annotations.push({ type: `event-to-DOM latency${label} (ms)`, description: ms.toFixed(1) });
  console.log(`event-to-DOM latency${label}: ${ms.toFixed(1)} ms (target <= 50 ms)`);
}

/** The journal position in an SSE id (`EPOCH-POSITION`). */
export function journalPosition(eventId: string): number {
  return Number(eventId.split('-').pop());
}
