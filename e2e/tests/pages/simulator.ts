// Page object of the Simulator panel (simulator mode only).
import { expect, type Locator, type Page } from '@playwright/test';
import { ConsolePage } from './console';

export class SimulatorPanel extends ConsolePage {
  readonly navLink: Locator;
  readonly time: Locator;
  readonly faultsTable: Locator;
  readonly addFaultForm: Locator;
  readonly healthForm: Locator;
  readonly dialog: Locator;

  constructor(page: Page) {
    super(page);
    this.navLink = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Simulator' });
    this.time = page.getByTestId('sim-time');
    this.faultsTable = page.getByRole('table', { name: /^Active faults/ });
    this.addFaultForm = page.getByRole('form', { name: 'Add fault' });
    this.healthForm = page.getByRole('form', { name: 'Server health' });
    this.dialog = page.getByRole('dialog');
  }

  /** Opens the panel through the header link, as a user would. */
  async open(): Promise<void> {
    await this.goto('/servers');
    await this.waitLive();
    await this.navLink.click();
    await expect(this.page).toHaveURL(/\/simulator$/);
    await expect(this.page.getByRole('heading', { level: 2, name: 'Simulator' })).toBeVisible();
    await expect(this.time).not.toHaveText('…');
  }

  /** The simulated time shown, in epoch milliseconds. */
  async shownTime(): Promise<number> {
    return Date.parse((await this.time.textContent()) ?? '');
  }

  async advance(label: '+1 minute' | '+1 hour' | '+1 day'): Promise<void> {
    await this.page.getByRole('group', { name: 'Advance the clock' }).getByRole('button', { name: label }).click();
  }

  /** Fills and submits the Add fault form; blank fields are left alone. */
  async addFault(fault: {
    kind: string;
    operation?: string;
    serverName?: string;
    count?: string;
    probability?: string;
    code?: string;
    millis?: string;
    reason?: string;
    recover?: string;
  }): Promise<void> {
    const form = this.addFaultForm;
    await form.getByLabel('Kind').selectOption(fault.kind);
    if (fault.operation) await form.getByLabel('Operation').selectOption(fault.operation);
    if (fault.serverName) await form.getByLabel('Server name').fill(fault.serverName);
    if (fault.count) await form.getByLabel('Count').fill(fault.count);
    if (fault.probability) await form.getByLabel('Probability').fill(fault.probability);
    if (fault.code) await form.getByLabel('Error code').fill(fault.code);
    if (fault.millis) await form.getByLabel('Delay (milliseconds)').fill(fault.millis);
    if (fault.reason) await form.getByLabel('Reason').fill(fault.reason);
    if (fault.recover) await form.getByLabel('Recover after (seconds)').fill(fault.recover);
    await form.getByRole('button', { name: 'Add fault' }).click();
  }

  /** The row of a fault, found by a text in it (e.g. its server name). */
  faultRow(text: string): Locator {
    return this.faultsTable.getByRole('row').filter({ hasText: text });
  }

  /** Resets the account through the modal, typing `confirm`. */
  async resetAccount(): Promise<void> {
    await this.page.getByRole('button', { name: 'Reset account' }).click();
    await expect(this.dialog).toBeVisible();
    const confirmButton = this.dialog.getByRole('button', { name: 'Reset' });
    await expect(confirmButton).toBeDisabled();
    await this.dialog.getByLabel(/To confirm deletion, type/).fill('confirm');
    await confirmButton.click();
    await expect(this.dialog).toHaveCount(0);
  }
}
