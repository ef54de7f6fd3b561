// The Servers list across pages: twelve servers made through the wire door,
// ten a page, page 2 and back, a server arriving live on the last page, and
// the page size that shows them all.
import { createServerRequest, uniqueName, wireCall } from './pages/console';
import { expect, test } from './pages/fixtures';
import { ServersPage } from './pages/servers';

test('pages through twelve servers ten at a time', async ({ page, baseURL }) => {
  const prefix = uniqueName('paged');
  const names = Array.from({ length: 12 }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}`);
  const late = `${prefix}-12`;
  try {
    for (const name of names) {
      await wireCall(baseURL!, 'CreateServer', createServerRequest(name));
    }
    const ui = new ServersPage(page);
    await ui.open();
    // Other tests' servers share the backend: look at this test's only.
    await ui.filter.fill(prefix);
    await expect(ui.matchCount).toHaveText('12 matches');
    await ui.serversTable.getByRole('columnheader', { name: /Name/ }).getByRole('button').click();
    await expect(ui.pageSize).toHaveValue('10');

    await expect(ui.pageIndicator).toHaveText('Page 1 of 2');
    await expect(ui.rows()).toHaveCount(10);
    await expect(ui.rows().locator('th')).toHaveText(names.slice(0, 10));
    await expect(ui.pagination.getByRole('button', { name: 'Previous page' })).toBeDisabled();

    await ui.nextPage();
    await expect(ui.pageIndicator).toHaveText('Page 2 of 2');
    await expect(ui.rows().locator('th')).toHaveText(names.slice(10));
    await expect(ui.pagination.getByRole('button', { name: 'Next page' })).toBeDisabled();

    // A server created meanwhile lands on the page it sorts into, live.
    await wireCall(baseURL!, 'CreateServer', createServerRequest(late));
    await expect(ui.rows().locator('th')).toHaveText([...names.slice(10), late]);
    await expect(ui.pageIndicator).toHaveText('Page 2 of 2');
    await expect(ui.matchCount).toHaveText('13 matches');

    await ui.previousPage();
    await expect(ui.pageIndicator).toHaveText('Page 1 of 2');
    await expect(ui.rows()).toHaveCount(10);

    await ui.pageSize.selectOption('All');
    await expect(ui.pageIndicator).toHaveText('Page 1 of 1');
    await expect(ui.rows()).toHaveCount(13);
  } finally {
    // The shared backend has a server limit: leave nothing behind.
    for (const name of [...names, late]) {
      await wireCall(baseURL!, 'DeleteServer', { ServerName: name }).catch(() => undefined);
    }
  }
});
