// The Simulator panel: faults shape what the wire door does, the clock moves,
// and the account can be reset and seeded.
import { createServerRequest, uniqueName, wireCall } from './pages/console';
import { DetailsPage } from './pages/details';
import { expect, test } from './pages/fixtures';
import { ServersPage } from './pages/servers';
import { SimulatorPanel } from './pages/simulator';

const REASON = 'Subnet has no free addresses';

test('a create-fails fault makes the next creation of that server FAIL, with its reason', async ({ page, baseURL }) => {
  const name = uniqueName('doomed');
  const sim = new SimulatorPanel(page);
  await sim.open();

  await sim.addFault({ kind: 'create-fails', serverName: name, reason: REASON });
  await expect(sim.flash('create-fails fault added')).toBeVisible();
  const row = sim.faultRow(name);
  await expect(row).toContainText('create-fails');
  await expect(row).toContainText(REASON);
  await page.screenshot({ path: 'artifacts/simulator.png', fullPage: true });

  // Create it through the wire door, then watch the list (live, no reload).
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Servers' }).click();
  const servers = new ServersPage(page);
  await servers.filter.fill(name);
  await wireCall(baseURL!, 'CreateServer', createServerRequest(name));
  await expect(servers.status(name)).toHaveText('FAILED');

  await servers.serverRow(name).getByRole('link', { name }).click();
  const details = new DetailsPage(page);
  await details.tab('Events').click();
  await expect(details.eventsTable()).toContainText(REASON);
});

test('inline validation, advancing the clock and removing a fault', async ({ page }) => {
  const sim = new SimulatorPanel(page);
  await sim.open();

  // Inline checks stop bad input before it is sent.
  await sim.addFaultForm.getByLabel('Kind').selectOption('latency');
  await sim.addFaultForm.getByLabel('Probability').fill('2');
  await sim.addFaultForm.getByRole('button', { name: 'Add fault' }).click();
  await expect(sim.addFaultForm.getByLabel('Probability')).toHaveAttribute('aria-invalid', 'true');
  await expect(sim.addFaultForm.getByText('Enter the delay in milliseconds, e.g. 800.')).toBeVisible();
  await sim.addFaultForm.getByLabel('Probability').fill('');
  // A speed the simulator would refuse (it once broke every later creation).
  const speed = page.getByLabel('Speed', { exact: true });
  await speed.fill('1e-12');
  await page.getByRole('button', { name: 'Set speed' }).click();
  await expect(page.getByText('Enter a number from 0.001 to 10000, e.g. 60.')).toBeVisible();
  await speed.fill('');

  // +1 hour moves the displayed time by an hour (time also runs on its own).
  const before = await sim.shownTime();
  await sim.advance('+1 hour');
  await expect(sim.flash('Simulated clock advanced by 1 hour')).toBeVisible();
  await expect.poll(async () => (await sim.shownTime()) - before).toBeGreaterThanOrEqual(3600_000);

  // A latency fault scoped to a server appears, then goes with Remove.
  const scoped = uniqueName('slow');
  await sim.addFault({ kind: 'latency', operation: 'DescribeEvents', serverName: scoped, millis: '800' });
  const row = sim.faultRow(scoped);
  await expect(row).toContainText('800 ms');
  await expect(row).toContainText(`DescribeEvents on ${scoped}`);
  await row.getByRole('button', { name: /^Remove fault/ }).click();
  await expect(sim.flash(/^Fault \d+ removed$/)).toBeVisible();
  await expect(row).toHaveCount(0);

  // A server error comes back as a flash message.
  await sim.addFault({ kind: 'error', code: 'ThrottlingException', count: '1', serverName: uniqueName('x') });
  await expect(sim.flash('error fault added')).toBeVisible();
});

test('reset, seed the demo account (three servers in the list) and change a server\'s health', async ({ page }) => {
  const sim = new SimulatorPanel(page);
  await sim.open();
  await sim.resetAccount();
  await expect(sim.flash('Account reset')).toBeVisible();
  await page.getByRole('button', { name: 'Seed demo account' }).click();
  await expect(sim.flash('Demo account seeded')).toBeVisible();

  // Seeding again is refused: the error comes back as a flash message.
  await page.getByRole('button', { name: 'Seed demo account' }).click();
  await expect(sim.flash('Could not seed the demo account')).toBeVisible();
  await expect(sim.flash(/ResourceAlreadyExistsException/)).toBeVisible();

  // The health form lists the servers of the live store.
  await sim.healthForm.getByLabel('Server').selectOption('chef-dev');
  await sim.healthForm.getByLabel('Status').selectOption('UNHEALTHY');
  await sim.healthForm.getByLabel('Reason').fill('Disk is full');
  await sim.healthForm.getByRole('button', { name: 'Set health' }).click();
  await expect(sim.flash('chef-dev is now UNHEALTHY')).toBeVisible();

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Servers' }).click();
  const servers = new ServersPage(page);
  await expect(servers.status('chef-dev')).toHaveText('UNHEALTHY');
  for (const name of ['chef-prod', 'chef-dev', 'puppet-prod']) {
    await expect(servers.serverRow(name)).toBeVisible();
  }
  await expect(servers.serversTable.locator('tbody tr')).toHaveCount(3);

  // Terminating a server's instance: it does not recover on its own, and
  // nothing but a restore or a deletion changes it.
  await sim.open();
  await sim.healthForm.getByLabel('Server').selectOption('puppet-prod');
  await sim.healthForm.getByLabel('Status').selectOption('TERMINATED');
  await sim.healthForm.getByLabel('Recover after (seconds)').fill('60');
  await sim.healthForm.getByRole('button', { name: 'Set health' }).click();
  await expect(sim.healthForm.getByText('A TERMINATED server does not recover on its own.')).toBeVisible();
  await sim.healthForm.getByLabel('Recover after (seconds)').fill('');
  await sim.healthForm.getByRole('button', { name: 'Set health' }).click();
  await expect(sim.flash('puppet-prod is now TERMINATED')).toBeVisible();
  await sim.healthForm.getByLabel('Status').selectOption('HEALTHY');
  await sim.healthForm.getByRole('button', { name: 'Set health' }).click();
  await expect(sim.flash(/InvalidStateException/)).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Servers' }).click();
  await expect(servers.status('puppet-prod')).toHaveText('TERMINATED');
});

test('the active faults filter, sort by id both ways, and page', async ({ page }) => {
  const sim = new SimulatorPanel(page);
  await sim.open();
  const tag = uniqueName('flt');
  const first = `${tag}-a`;
  const second = `${tag}-b`;
  await sim.addFault({ kind: 'create-fails', serverName: first });
  await expect(sim.faultRow(first)).toHaveCount(1);
  await sim.addFault({ kind: 'backup-fails', serverName: second });
  await expect(sim.faultRow(second)).toHaveCount(1);

  const filter = page.getByRole('searchbox', { name: 'Find faults' });
  await filter.fill(tag);
  await expect(page.getByText(/^\d+ match(es)?$/)).toHaveText('2 matches');
  const kinds = sim.faultsTable.locator('tbody tr td:first-of-type');
  await expect(kinds).toHaveText([/^create-fails/, /^backup-fails/]);
  const byId = sim.faultsTable.getByRole('columnheader', { name: /ID/ });
  await expect(byId).toHaveAttribute('aria-sort', 'ascending');
  await byId.getByRole('button').click();
  await expect(byId).toHaveAttribute('aria-sort', 'descending');
  await expect(kinds).toHaveText([/^backup-fails/, /^create-fails/]);
  await filter.fill(first);
  await expect(page.getByText(/^\d+ match(es)?$/)).toHaveText('1 match');
  await filter.fill(`${tag}-none`);
  await expect(page.getByText('No fault matches the filter.')).toBeVisible();
  await page.getByRole('button', { name: 'Clear filter' }).click();
  await expect(sim.faultRow(first)).toHaveCount(1);
  const pagination = page.getByRole('navigation', { name: 'Pagination' });
  await expect(pagination.getByText(/^Page \d+ of \d+$/)).toHaveText('Page 1 of 1');

  for (const name of [first, second]) {
    await sim.faultRow(name).getByRole('button', { name: /^Remove fault/ }).click();
    await expect(sim.faultRow(name)).toHaveCount(0);
  }
});
