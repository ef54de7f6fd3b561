// Follow-ups in the console: a backup started from the list is followed to OK
// (or FAILED) in its flash message; the Simulator panel offers every fault
// kind with the inputs it takes. (/simulator in upstream mode is checked
// against a real upstream backend in upstream.spec.ts.)
import { createServerOnWire } from './pages/console';
import { expect, test } from './pages/fixtures';
import { ServersPage } from './pages/servers';
import { SimulatorPanel } from './pages/simulator';
import { simPost } from './support/sim';

test('a backup from the list stays in progress until it is OK, and a failed one offers Retry', async ({ page, baseURL }) => {
  const name = await createServerOnWire(baseURL!, 'flashbak');
  const ui = new ServersPage(page);
  await ui.open();
  await expect(ui.status(name)).toHaveText('HEALTHY');
  await ui.select(name);
  try {
    // Backups take 5 s at speed 6: long enough to see the flash wait.
    await simPost(baseURL!, 'speed', { speed: 6 });
    await ui.createBackupButton.click();
    const running = page.locator('.flash-in-progress', { hasText: `Backup of ${name} started` });
    await expect(running).toBeVisible();
    await expect(ui.status(name)).toHaveText('BACKING_UP');
    const done = page.locator('.flash-success .flash-title');
    await expect(done).toHaveText(new RegExp(`Backup ${name}-\\d{17} of ${name} completed$`), { timeout: 15_000 });
    await expect(running).toHaveCount(0);
    await page.locator('.flash-success').getByRole('button', { name: 'Dismiss' }).click();
    await expect(done).toHaveCount(0);
  } finally {
    await simPost(baseURL!, 'speed', { speed: 60 });
  }

  // The next backup of this server fails: the flash turns into an error with the reason.
  await simPost(baseURL!, 'faults', { kind: 'backup-fails', serverName: name, count: 1, reason: 'The S3 bucket is full' });
  await expect(ui.status(name)).toHaveText('HEALTHY');
  await ui.createBackupButton.click();
  const failed = page.getByRole('alert').filter({ hasText: `Could not back up ${name}` });
  await expect(failed).toContainText('The S3 bucket is full');
  await expect(ui.status(name)).toHaveText('HEALTHY');
  await failed.getByRole('button', { name: 'Retry' }).click();
  await expect(failed).toHaveCount(0);
  await expect(page.locator('.flash-success .flash-title')).toHaveText(new RegExp(`Backup ${name}-\\d{17} of ${name} completed$`));
});

test('the fault menu offers every kind with its own inputs; an unhealthy fault comes and goes', async ({ page, baseURL }) => {
  const name = await createServerOnWire(baseURL!, 'sick');
  const sim = new SimulatorPanel(page);
  await sim.open();
  const form = sim.addFaultForm;
  const kind = form.getByLabel('Kind');
  await expect(kind.locator('option')).toHaveCount(9);
  expect(await kind.locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value))).toEqual([
    'error',
    'latency',
    'create-fails',
    'backup-fails',
    'maintenance-fails',
    'restore-fails',
    'node-association-fails',
    'unhealthy',
    'connection-lost',
  ]);

  // Which inputs each kind shows (server, count and probability are always there).
  const inputs = {
    operation: form.getByLabel('Operation'),
    code: form.getByLabel('Error code'),
    delay: form.getByLabel('Delay (milliseconds)'),
    reason: form.getByLabel('Reason'),
    recover: form.getByLabel('Recover after (seconds)'),
  };
  const expected: Record<string, (keyof typeof inputs)[]> = {
    error: ['operation', 'code'],
    latency: ['operation', 'delay'],
    'backup-fails': ['reason'],
    'node-association-fails': ['reason'],
    unhealthy: ['reason', 'recover'],
    'connection-lost': ['reason', 'recover'],
  };
  for (const [value, shown] of Object.entries(expected)) {
    await kind.selectOption(value);
    for (const [input, locator] of Object.entries(inputs)) {
      await expect(locator, `${value}: ${input}`).toHaveCount(shown.includes(input as keyof typeof inputs) ? 1 : 0);
    }
  }

  // Wait for HEALTHY (health faults act on HEALTHY servers), then make it sick
  // for two seconds of simulated time (recovery is not scaled by --speed).
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Servers' }).click();
  const servers = new ServersPage(page);
  await expect(servers.status(name)).toHaveText('HEALTHY');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Simulator' }).click();
  await sim.addFault({ kind: 'unhealthy', serverName: name, count: '1', reason: 'Disk is full', recover: '2' });
  await expect(sim.flash('unhealthy fault added')).toBeVisible();
  const row = sim.faultRow(name);
  await expect(row).toContainText('Disk is full; recovers after 2 s');
  await expect(row).toContainText(`health checks on ${name}`);

  // At the next health check (a simulated minute) it goes UNHEALTHY, then recovers.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Servers' }).click();
  await expect(servers.status(name)).toHaveText('UNHEALTHY');
  await expect(servers.status(name)).toHaveText('HEALTHY');
});
