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

test('loaded events filter by message, sort oldest first, and page ten at a time', async ({ page, baseURL }) => {
  const name = await createServer(baseURL!, 'ChefAutomate', 'evlist');
  const details = new DetailsPage(page);
  await details.open(name, 'events');
  await expect(details.serverStatus()).toHaveText('HEALTHY');
  for (let count = 1; count <= 12; count++) {
    await consoleCall(baseURL!, 'UpdateServer', { ServerName: name, BackupRetentionCount: count });
  }
  const events = await allEvents(baseURL!, name);
  expect(events.length).toBeLessThanOrEqual(25);
  await details.open(name, 'events');
  const table = details.eventsTable();
  const rows = table.locator('tbody tr');
  // Every loaded event on one page, newest first, until a page size is chosen.
  await expect(rows).toHaveCount(events.length);
  await expect(rows.first()).toContainText('BackupRetentionCount=12.');

  const byTime = table.getByRole('columnheader', { name: /Time/ });
  await expect(byTime).toHaveAttribute('aria-sort', 'descending');
  await byTime.getByRole('button').click();
  await expect(byTime).toHaveAttribute('aria-sort', 'ascending');
  await expect(rows.first()).toContainText(events[events.length - 1].Message!);
  await expect(rows.last()).toContainText('BackupRetentionCount=12.');

  const filter = page.getByRole('searchbox', { name: 'Find events' });
  await filter.fill('BackupRetentionCount=7.');
  await expect(page.getByText(/^\d+ match(es)?$/)).toHaveText('1 match');
  await expect(rows).toHaveCount(1);
  await filter.fill('no such event');
  await expect(page.getByText('No matches')).toBeVisible();
  await page.getByRole('button', { name: 'Clear filter' }).click();
  await expect(rows).toHaveCount(events.length);

  const pagination = page.getByRole('navigation', { name: 'Pagination' });
  await pagination.getByLabel('Page size').selectOption('10');
  await expect(rows).toHaveCount(10);
  await expect(pagination.getByText(/^Page \d+ of \d+$/)).toHaveText(`Page 1 of ${Math.ceil(events.length / 10)}`);
  await pagination.getByRole('button', { name: 'Next page' }).click();
  await expect(rows).toHaveCount(Math.min(10, events.length - 10));
});
