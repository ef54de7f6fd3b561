// The Servers list: filter, sort, pagination, and live updates that touch
// only the row that changed, measured from the event's arrival to the DOM.
import { createServerOnWire } from './pages/console';
import { expect, test } from './pages/fixtures';
import { checkOnlyItsRowChanges, recordServerEvents } from './pages/row-probe';
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
  await recordServerEvents(page);
  const ui = new ServersPage(page);
  await ui.open();
  await expect(ui.status(changing)).toHaveText('HEALTHY');
  await expect(ui.status(steady)).toHaveText('HEALTHY');

  await checkOnlyItsRowChanges(ui, baseURL!, changing, '');
  await expect(ui.status(steady)).toHaveText('HEALTHY');
});
