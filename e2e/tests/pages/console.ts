// Page objects of the console: what a user sees, found by role and label.
import { expect, type Locator, type Page } from '@playwright/test';

export const WIRE_TARGET_PREFIX = 'OpsWorksCM_V2016_11_01';

/** The frame every page shares: top bar, live indicator, flash messages. */
export class ConsolePage {
  readonly page: Page;
  readonly banner: Locator;
  readonly heading: Locator;
  readonly environment: Locator;
  readonly liveIndicator: Locator;
  readonly serversHeading: Locator;
  readonly serversTable: Locator;
  readonly refreshButton: Locator;
  readonly emptyState: Locator;
  readonly errorBanner: Locator;

  constructor(page: Page) {
    this.page = page;
    this.banner = page.getByRole('banner');
    this.heading = page.getByRole('heading', { level: 1, name: 'cmconsole' });
    this.environment = page.getByLabel('Environment');
    this.liveIndicator = page.getByRole('status', { name: 'Live updates' });
    this.serversHeading = page.getByRole('heading', { level: 2, name: /^Servers/ });
    this.serversTable = page.getByRole('table', { name: /^Servers/ });
    this.refreshButton = page.getByRole('button', { name: 'Refresh' });
    this.emptyState = page.getByText('No servers yet');
    this.errorBanner = page.getByRole('alert');
  }

  async goto(path = '/'): Promise<void> {
    await this.page.goto(path);
    await expect(this.heading).toBeVisible();
  }

  /** Waits until the live stream is connected (events will not be missed). */
  async waitLive(): Promise<void> {
    await expect(this.liveIndicator).toHaveText('Live');
  }

  /** The value shown next to a label in the top bar, e.g. "Region". */
  environmentValue(label: string): Locator {
    return this.environment.locator('div', { has: this.page.getByText(label, { exact: true }) }).locator('dd');
  }

  /** The table row of a server, by its name (the row header). */
  serverRow(name: string): Locator {
    return this.serversTable.getByRole('row', { name: new RegExp(`\\b${name}\\b`) });
  }

  async refresh(): Promise<void> {
    await this.refreshButton.click();
  }

  /** A flash message (alert for errors, status otherwise) containing `text`. */
  flash(text: string | RegExp): Locator {
    return this.page.locator('.flashbar').getByText(text);
  }
}

/** Calls an OpsWorks CM operation through the wire door, as an AWS SDK would. */
export async function wireCall<T = unknown>(
  baseURL: string,
  operation: string,
  body: Record<string, unknown>,
): Promise<T> {
  return postToWireDoor<T>(baseURL, `${WIRE_TARGET_PREFIX}.${operation}`, {}, body);
}

/**
 * POSTs an AWS JSON request for `target` to the wire door with `headers`
 * besides the target and content type. The wire door throttles like the
 * service (5/s, burst 10): a throttled call backs off and retries as SDKs do.
 */
export async function postToWireDoor<T>(
  baseURL: string,
  target: string,
  headers: Record<string, string>,
  body: Record<string, unknown>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(`${baseURL}/`, {
      method: 'POST',
      headers: { 'X-Amz-Target': target, 'Content-Type': 'application/x-amz-json-1.1', ...headers },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.ok) {
      return JSON.parse(text) as T;
    }
    if (attempt < 5 && text.includes('ThrottlingException')) {
      await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
      continue;
    }
    throw new Error(`${target} failed: HTTP ${response.status}: ${text}`);
  }
}

/**
 * Sorts a table by the column `header` twice and checks each turn: first
 * ascending, showing `sorted` in `shown`, then descending, showing it reversed.
 */
export async function expectSortsBothWays(header: Locator, shown: Locator, sorted: string[]): Promise<void> {
  await header.getByRole('button').click();
  await expect(header).toHaveAttribute('aria-sort', 'ascending');
  await expect(shown).toHaveText(sorted);
  await header.getByRole('button').click();
  await expect(header).toHaveAttribute('aria-sort', 'descending');
  await expect(shown).toHaveText([...sorted].reverse());
}

/**
 * Keeps a handle on every EventSource the console opens (as
 * `window.sources`), so a test can cut the live stream. Call before the
 * page loads.
 */
export async function keepEventSources(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const sources: EventSource[] = [];
    (window as unknown as { sources: EventSource[] }).sources = sources;
    window.EventSource = class extends EventSource {
      constructor(url: string | URL, init?: EventSourceInit) {
        super(url, init);
        sources.push(this);
      }
    };
  });
}

/** Minimal CreateServer request for a Chef Automate server. */
export function createServerRequest(name: string): Record<string, unknown> {
  return {
    Engine: 'ChefAutomate',
    ServerName: name,
    InstanceProfileArn: 'arn:aws:iam::123456789012:instance-profile/aws-opsworks-cm-ec2-role',
    InstanceType: 'm5.large',
    ServiceRoleArn: 'arn:aws:iam::123456789012:role/aws-opsworks-cm-service-role',
  };
}

/** Creates a Chef server through the wire door and returns its name. */
export async function createServerOnWire(baseURL: string, prefix: string): Promise<string> {
  const name = uniqueName(prefix);
  await wireCall(baseURL, 'CreateServer', createServerRequest(name));
  return name;
}

/** A server name unlikely to collide with other tests. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
}
