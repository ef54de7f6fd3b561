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
  // The wire door throttles like the service (5/s, burst 10): back off and retry as SDKs do.
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(`${baseURL}/`, {
      method: 'POST',
      headers: {
        'X-Amz-Target': `${WIRE_TARGET_PREFIX}.${operation}`,
        'Content-Type': 'application/x-amz-json-1.1',
      },
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
    throw new Error(`${operation} failed: HTTP ${response.status}: ${text}`);
  }
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
