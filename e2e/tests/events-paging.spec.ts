// Server details, Events tab: DescribeEvents 25 at a time with NextToken,
// older pages on demand, new events prepended live.
import { expect, test } from './pages/fixtures';
import { DetailsPage } from './pages/details';
import { allEvents, consoleCall, createServer } from './pages/opsworks';

test('events come a page at a time, older ones on demand, new ones live on top', async ({ page, baseURL }) => {
  const name = await createServer(baseURL!, 'ChefAutomate', 'evpage');
  const details = new DetailsPage(page);
  await details.open(name, 'events');
  await expect(details.serverStatus()).toHaveText('HEALTHY');
  // Each UpdateServer writes one event.
  for (let count = 1; count <= 30; count++) {
    await consoleCall(baseURL!, 'UpdateServer', { ServerName: name, BackupRetentionCount: count });
  }
  const events = await allEvents(baseURL!, name);
  expect(events.length).toBeGreaterThan(30);
  expect(events.length).toBeLessThan(50);
  const oldest = events[events.length - 1].Message!;

  await details.open(name, 'events');
  const rows = details.eventsTable().locator('tbody tr');
  await expect(rows).toHaveCount(25);
  await expect(rows.first()).toContainText('BackupRetentionCount=30.');
  await expect(page.getByRole('status').filter({ hasText: 'newest shown' })).toHaveText('25 newest shown');
  await expect(details.eventsTable()).not.toContainText(oldest);

  await page.getByRole('button', { name: 'Load older events' }).click();
  await expect(rows).toHaveCount(events.length);
  await expect(rows.last()).toContainText(oldest);
  await expect(page.getByRole('button', { name: 'Load older events' })).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: 'shown' })).toHaveText(`${events.length} shown, all loaded`);

  // A new event arrives over the live stream: on top, the older pages stay.
  await consoleCall(baseURL!, 'UpdateServer', { ServerName: name, BackupRetentionCount: 99 });
  await expect(rows.first()).toContainText('BackupRetentionCount=99.');
  await expect(rows).toHaveCount(events.length + 1);
  await expect(rows.last()).toContainText(oldest);
});
