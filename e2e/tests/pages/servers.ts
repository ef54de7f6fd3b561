// Page object of the Servers list.
import { expect, type Locator, type Page } from '@playwright/test';
import { ConsolePage } from './console';

export class ServersPage extends ConsolePage {
  readonly filter: Locator;
  readonly matchCount: Locator;
  readonly createServerButton: Locator;
  readonly viewDetailsButton: Locator;
  readonly createBackupButton: Locator;
  readonly startMaintenanceButton: Locator;
  readonly deleteButton: Locator;
  readonly dialog: Locator;
  readonly pagination: Locator;
  readonly pageIndicator: Locator;
  readonly pageSize: Locator;

  constructor(page: Page) {
    super(page);
    const toolbar = page.getByRole('toolbar', { name: 'Server actions' });
    this.filter = page.getByRole('searchbox', { name: 'Find servers' });
    this.matchCount = page.getByText(/^\d+ match(es)?$/);
    this.createServerButton = toolbar.getByRole('button', { name: 'Create server' });
    this.viewDetailsButton = toolbar.getByRole('button', { name: 'View details' });
    this.createBackupButton = toolbar.getByRole('button', { name: 'Create backup' });
    this.startMaintenanceButton = toolbar.getByRole('button', { name: 'Start maintenance' });
    this.deleteButton = toolbar.getByRole('button', { name: 'Delete' });
    this.dialog = page.getByRole('dialog');
    this.pagination = page.getByRole('navigation', { name: 'Pagination' });
    this.pageIndicator = this.pagination.getByText(/^Page \d+ of \d+$/);
    this.pageSize = page.getByLabel('Page size');
  }

  /** The rows of the page shown. */
  rows(): Locator {
    return this.serversTable.locator('tbody tr');
  }

  async nextPage(): Promise<void> {
    await this.pagination.getByRole('button', { name: 'Next page' }).click();
  }

  async previousPage(): Promise<void> {
    await this.pagination.getByRole('button', { name: 'Previous page' }).click();
  }

  async open(): Promise<void> {
    await this.goto('/servers');
    await this.waitLive();
  }

  /** The status cell text of a server's row. */
  status(name: string): Locator {
    return this.serverRow(name).locator('.status');
  }

  async select(name: string): Promise<void> {
    await this.serverRow(name).getByRole('radio', { name: `Select ${name}` }).check();
  }

  /** Deletes the server through the modal, typing `confirm`. */
  async deleteServer(name: string): Promise<void> {
    await this.select(name);
    await this.deleteButton.click();
    await expect(this.dialog).toBeVisible();
    const confirmButton = this.dialog.getByRole('button', { name: 'Delete' });
    await expect(confirmButton).toBeDisabled();
    await this.dialog.getByLabel(/To confirm deletion, type/).fill('confirm');
    await confirmButton.click();
    await expect(this.dialog).toHaveCount(0);
  }
}
