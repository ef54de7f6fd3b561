// The Backups page's list controls: a filter with its match count, sorting
// by a column both ways, the "No matches" state and its way back, and the
// pagination every list shares.
import { createServerOnWire, wireCall } from './pages/console';
import { expect, test } from './pages/fixtures';
import { ServersPage } from './pages/servers';

interface Described {
  Servers?: { Status?: string }[];
  Backups?: { Status?: string }[];
}

/** Waits (through the wire door) until `check` holds for `operation`'s answer. */
async function waitFor(baseURL: string, operation: string, body: Record<string, unknown>, check: (d: Described) => boolean) {
  await expect
    .poll(async () => check(await wireCall<Described>(baseURL, operation, body)), { timeout: 60_000 })
    .toBe(true);
}

/** A HEALTHY server with two backups, `first` and `second`, made in that order. */
async function serverWithTwoBackups(baseURL: string, prefix: string): Promise<string> {
  const name = await createServerOnWire(baseURL, prefix);
  const healthy = (d: Described) => d.Servers?.[0]?.Status === 'HEALTHY';
  await waitFor(baseURL, 'DescribeServers', { ServerName: name }, healthy);
  for (const description of ['first', 'second']) {
    await wireCall(baseURL, 'CreateBackup', { ServerName: name, Description: description });
    await waitFor(baseURL, 'DescribeServers', { ServerName: name }, healthy);
  }
  return name;
}

test('the Backups list filters, sorts both ways and pages', async ({ page, baseURL }) => {
  const name = await serverWithTwoBackups(baseURL!, 'bakls');

  const ui = new ServersPage(page);
  await ui.goto('/backups');
  await ui.waitLive();
  const table = page.getByRole('table', { name: /^Backups/ });
  const filter = page.getByRole('searchbox', { name: 'Find backups' });
  const descriptions = table.locator('tbody tr td:last-child');

  await filter.fill(name);
  await expect(ui.matchCount).toHaveText('2 matches');
  // Newest first until a column says otherwise.
  await expect(descriptions).toHaveText(['second', 'first']);
  const created = table.getByRole('columnheader', { name: /Created/ });
  await expect(created).toHaveAttribute('aria-sort', 'descending');
  await created.getByRole('button').click();
  await expect(created).toHaveAttribute('aria-sort', 'ascending');
  await expect(descriptions).toHaveText(['first', 'second']);

  // The filter looks in descriptions too.
  await filter.fill(`second`);
  await expect(table.getByRole('row', { name: new RegExp(name) })).toHaveCount(1);

  await filter.fill(`${name}-none`);
  await expect(page.getByText('No matches')).toBeVisible();
  await page.getByRole('button', { name: 'Clear filter' }).click();
  await expect(filter).toHaveValue('');

  await expect(ui.pageSize).toHaveValue('10');
  await expect(ui.pageIndicator).toHaveText(/^Page 1 of \d+$/);
  await ui.pageSize.selectOption('All');
  await expect(ui.pageIndicator).toHaveText('Page 1 of 1');
  await expect(table.getByRole('row', { name: new RegExp(name) })).toHaveCount(2);
});

test("a server's Backups tab filters, sorts and pages its own backups", async ({ page, baseURL }) => {
  const name = await serverWithTwoBackups(baseURL!, 'baktab');
  const ui = new ServersPage(page);
  await ui.goto(`/servers/${name}/backups`);
  await ui.waitLive();
  const table = page.getByRole('table', { name: /^Backups/ });
  const descriptions = table.locator('tbody tr td:nth-child(5)');
  await expect(descriptions).toHaveText(['second', 'first']);

  const created = table.getByRole('columnheader', { name: /Created/ });
  await created.getByRole('button').click();
  await expect(created).toHaveAttribute('aria-sort', 'ascending');
  await expect(descriptions).toHaveText(['first', 'second']);

  const filter = page.getByRole('searchbox', { name: 'Find backups' });
  await filter.fill('second');
  await expect(ui.matchCount).toHaveText('1 match');
  await expect(descriptions).toHaveText(['second']);
  await filter.fill('none-such');
  await page.getByRole('button', { name: 'Clear filter' }).click();
  await expect(descriptions).toHaveCount(2);
  await expect(ui.pageIndicator).toHaveText('Page 1 of 1');
});
