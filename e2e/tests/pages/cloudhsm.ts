// The CloudHSM section: setting the stage through the console door
// (`POST /api/cloudhsmv2/<Operation>` with `X-Cmconsole-Region`) and the wire
// door (`X-Amz-Target: BaldrApiService.<Operation>`, the region in the SigV4
// credential scope, as an SDK sends it), and page objects of the clusters
// and backups pages, found by role and label.
import { expect, type Locator, type Page } from '@playwright/test';
import { ConsolePage, postToWireDoor } from './console';
import { signWithNewCa } from './openssl';

export const HSM_TARGET_PREFIX = 'BaldrApiService';
/** Two subnets in one VPC: one per Availability Zone (a, b). */
export const SUBNETS = ['subnet-0a1b2c3d', 'subnet-4e5f6a7b'];

export type Backup = {
  BackupId: string;
  BackupState?: string;
  ClusterId?: string;
  NeverExpires?: boolean;
  CreateTimestamp?: number;
  DeleteTimestamp?: number;
  SourceRegion?: string;
  SourceBackup?: string;
  SourceCluster?: string;
};

export type Cluster = {
  ClusterId: string;
  State?: string;
  Hsms?: { HsmId: string; State?: string; EniId?: string; EniIp?: string }[];
  Certificates?: { ClusterCsr?: string };
  SourceBackupId?: string;
  VpcId?: string;
};

/** Calls a CloudHSM operation through the console door in `region`; throws with the error envelope. */
export async function hsmCall<T = unknown>(
  baseURL: string,
  region: string,
  operation: string,
  body: Record<string, unknown>,
): Promise<T> {
  const response = await fetch(`${baseURL}/api/cloudhsmv2/${operation}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Cmconsole-Region': region },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${operation} in ${region} failed: HTTP ${response.status}: ${text}`);
  }
  return JSON.parse(text) as T;
}

/**
 * Calls a CloudHSM operation through the wire door, as an AWS SDK would: the
 * region is the one of the SigV4 credential scope (the backend does not
 * require signatures by default, so the signature itself is not checked).
 */
export async function hsmWireCall<T = unknown>(
  baseURL: string,
  region: string,
  operation: string,
  body: Record<string, unknown>,
): Promise<T> {
  const headers = {
    'X-Amz-Date': '20261124T120000Z',
    Authorization:
      `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261124/${region}/cloudhsm/aws4_request, ` +
      'SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=' +
      '0'.repeat(64),
  };
  return postToWireDoor<T>(baseURL, `${HSM_TARGET_PREFIX}.${operation}`, headers, body);
}

/** Moves the simulated clock forward; what falls due completes. */
export async function advance(baseURL: string, seconds: number): Promise<number> {
  const response = await fetch(`${baseURL}/api/sim/clock/advance`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ seconds }),
  });
  const text = await response.text();
  expect(response.ok, text).toBe(true);
  return (JSON.parse(text) as { now: number }).now;
}

/** The simulated time, epoch seconds. */
export async function simNow(baseURL: string): Promise<number> {
  const response = await fetch(`${baseURL}/api/sim/clock`);
  return ((await response.json()) as { now: number }).now;
}

export async function describeCluster(baseURL: string, region: string, id: string): Promise<Cluster> {
  const page = await hsmCall<{ Clusters: Cluster[] }>(baseURL, region, 'DescribeClusters', {
    Filters: { clusterIds: [id] },
  });
  expect(page.Clusters).toHaveLength(1);
  return page.Clusters[0];
}

export async function backupsOf(baseURL: string, region: string, filters: Record<string, string[]>): Promise<Backup[]> {
  const page = await hsmCall<{ Backups: Backup[] }>(baseURL, region, 'DescribeBackups', { Filters: filters });
  return page.Backups;
}

/**
 * An ACTIVE cluster of `region` with one ACTIVE HSM and its first backup
 * READY, made as a customer does: CreateCluster, CreateHsm, sign the
 * cluster's CSR with a CA of our own, InitializeCluster. The clock is
 * advanced past each step instead of waiting.
 */
export async function activeClusterWithBackup(
  baseURL: string,
  region: string,
): Promise<{ clusterId: string; backupId: string }> {
  const created = await hsmCall<{ Cluster: Cluster }>(baseURL, region, 'CreateCluster', {
    HsmType: 'hsm2m.medium',
    SubnetIds: SUBNETS,
  });
  const clusterId = created.Cluster.ClusterId;
  await advance(baseURL, 61);
  await hsmCall(baseURL, region, 'CreateHsm', { ClusterId: clusterId, AvailabilityZone: `${region}a` });
  await advance(baseURL, 61);
  const csr = (await describeCluster(baseURL, region, clusterId)).Certificates?.ClusterCsr;
  expect(csr, 'the first ACTIVE HSM makes the CSR').toBeTruthy();
  const { signed, anchor } = signWithNewCa(csr!);
  await hsmCall(baseURL, region, 'InitializeCluster', { ClusterId: clusterId, SignedCert: signed, TrustAnchor: anchor });
  // Initialized, activated, then its first backup READY.
  for (const seconds of [31, 11, 31]) await advance(baseURL, seconds);
  expect((await describeCluster(baseURL, region, clusterId)).State).toBe('ACTIVE');
  const backups = await backupsOf(baseURL, region, { clusterIds: [clusterId] });
  expect(backups.map((b) => b.BackupState)).toEqual(['READY']);
  return { clusterId, backupId: backups[0].BackupId };
}

/** `2026-12-01 10:00:00 UTC` → epoch seconds. */
export function parseShownTime(text: string): number {
  const match = /(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) UTC/.exec(text);
  expect(match, `a time in ${text}`).toBeTruthy();
  return Date.parse(`${match![1]}T${match![2]}Z`) / 1000;
}

/** What every CloudHSM page shares: section tabs, region picker, Copy as CLI. */
export class HsmPage extends ConsolePage {
  readonly sections: Locator;
  readonly region: Locator;
  readonly dialog: Locator;

  constructor(page: Page) {
    super(page);
    this.sections = page.getByRole('navigation', { name: 'CloudHSM sections' });
    this.region = page.getByLabel('Region', { exact: true });
    this.dialog = page.getByRole('dialog');
  }

  /** Opens `path` (absolute URL of the test's backend) and waits for the live stream. */
  async open(url: string): Promise<void> {
    await this.goto(url);
    await this.waitLive();
  }

  /** Opens a "Copy as CLI" section inside `scope` and returns the command shown. */
  async cliCommand(scope: Locator): Promise<Locator> {
    await scope.getByText('Copy as CLI').click();
    return scope.getByLabel('AWS CLI command');
  }
}

export class HsmBackupsPage extends HsmPage {
  readonly table: Locator;
  readonly stateFilter: Locator;
  readonly filter: Locator;
  readonly toolbar: Locator;

  constructor(page: Page) {
    super(page);
    this.table = page.getByRole('table', { name: /^Backups/ });
    this.stateFilter = page.getByLabel('State', { exact: true });
    this.filter = page.getByRole('searchbox', { name: 'Find backups' });
    this.toolbar = page.getByRole('toolbar', { name: 'Backup actions' });
  }

  /** Selects a backup's row: the action stripe works on it. */
  async select(backupId: string): Promise<void> {
    await this.row(backupId).getByRole('radio', { name: `Select ${backupId}` }).check();
  }

  /** An action of the stripe: `Restore`, `Copy to region`, `Create cluster`, `Delete`. */
  action(name: string): Locator {
    return this.toolbar.getByRole(name === 'Create cluster' ? 'link' : 'button', { name, exact: true });
  }

  row(backupId: string): Locator {
    return this.table.locator('tbody tr').filter({ has: this.page.getByRole('rowheader', { name: backupId }) });
  }

  state(backupId: string): Locator {
    return this.row(backupId).locator('.status');
  }

  async deleteBackup(backupId: string): Promise<void> {
    await this.select(backupId);
    await this.action('Delete').click();
    await expect(this.dialog).toBeVisible();
    const confirm = this.dialog.getByRole('button', { name: 'Delete' });
    await expect(confirm).toBeDisabled();
    await this.dialog.getByLabel(/To confirm deletion, type/).fill('confirm');
    await confirm.click();
    await expect(this.dialog).toHaveCount(0);
  }
}

export class HsmClusterPage extends HsmPage {
  readonly heading: Locator;
  readonly status: Locator;
  readonly details: Locator;
  readonly hsms: Locator;
  readonly createHsmForm: Locator;
  readonly initializeForm: Locator;
  readonly modifyForm: Locator;
  readonly backups: Locator;

  constructor(page: Page) {
    super(page);
    this.heading = page.getByRole('heading', { level: 2 }).filter({ hasText: /^cluster-/ });
    this.status = page.locator('.page-header .status');
    this.details = page.getByRole('region', { name: 'Details' });
    this.hsms = page.getByRole('table', { name: /^HSMs/ });
    this.createHsmForm = page.getByRole('form', { name: 'Create HSM' });
    this.initializeForm = page.getByRole('form', { name: 'Initialize cluster' });
    this.modifyForm = page.getByRole('form', { name: 'Backup retention and HSM type' });
    this.backups = page.getByRole('table', { name: /^Backups/ });
  }

  /** The value next to a label of the Details panel. */
  detail(label: string): Locator {
    return this.details.locator('div', { has: this.page.getByText(label, { exact: true }) }).locator('dd');
  }
}
