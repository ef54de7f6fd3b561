// The Requests page: every call of the wire door (SDKs, the CLI) and the
// console door, newest first, arriving live; filters by service, door,
// outcome and text; each call links to the resource it named or made.
import { expect, test } from './pages/fixtures';
import { createServerRequest, uniqueName, wireCall } from './pages/console';
import { hsmWireCall } from './pages/cloudhsm';
import { RequestsPage } from './pages/requests';

test('calls arrive live and link to the resource they made', async ({ page, baseURL }) => {
  const ui = new RequestsPage(page);
  await ui.open();

  const name = uniqueName('logged');
  await wireCall(baseURL!, 'CreateServer', createServerRequest(name));
  await ui.filter.fill(name);
  const created = ui.rows('CreateServer');
  await expect(created).toHaveCount(1);
  await expect(created).toContainText('wire');
  await expect(created).toContainText('opsworks-cm');
  await expect(created).toContainText('200');
  await expect(created).toContainText('us-east-1');

  await page.screenshot({ path: 'artifacts/requests.png', fullPage: true });
  await created.getByRole('link', { name }).click();
  await expect(page).toHaveURL(new RegExp(`/servers/${name}$`));
  await expect(page.getByRole('heading', { level: 2, name })).toBeVisible();
});

test('filters by outcome, service and door, and keeps what was logged before it opened', async ({
  page,
  baseURL,
}) => {
  const missing = uniqueName('missing');
  // Logged before the page opens: the list brings it.
  await expect(wireCall(baseURL!, 'DescribeServers', { ServerName: missing })).rejects.toThrow(
    /ResourceNotFoundException/,
  );
  const ui = new RequestsPage(page);
  await ui.open();
  await ui.filter.fill(missing);
  const failed = ui.rows('DescribeServers');
  await expect(failed).toHaveCount(1);
  await expect(failed).toContainText('400 ResourceNotFoundException');

  await ui.outcome.selectOption('successes');
  await expect(failed).toHaveCount(0);
  await expect(page.getByText('No request matches the filters.')).toBeVisible();
  await ui.outcome.selectOption('errors');
  await expect(failed).toHaveCount(1);
  await ui.door.selectOption('console');
  await expect(failed).toHaveCount(0);
  await ui.door.selectOption('');
  await ui.outcome.selectOption('all');

  // A CloudHSM call in another region, through the wire door.
  await ui.filter.fill('');
  await ui.service.selectOption('cloudhsmv2');
  await hsmWireCall(baseURL!, 'ap-south-1', 'DescribeClusters', {});
  const clusters = ui.rows('DescribeClusters').filter({ hasText: 'ap-south-1' });
  await expect(clusters.first()).toBeVisible();
  await expect(ui.rows('DescribeServers')).toHaveCount(0);
});
