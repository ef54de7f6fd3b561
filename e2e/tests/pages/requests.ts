// Page object of /requests: the calls the wire and console doors answered.
import { expect, type Locator, type Page } from '@playwright/test';

export class RequestsPage {
  readonly page: Page;
  readonly heading: Locator;
  readonly table: Locator;
  readonly filter: Locator;
  readonly service: Locator;
  readonly door: Locator;
  readonly outcome: Locator;

  constructor(page: Page) {
    this.page = page;
    this.heading = page.getByRole('heading', { level: 2, name: /^Requests/ });
    this.table = page.getByRole('table', { name: /^Requests/ });
    this.filter = page.getByRole('searchbox', { name: 'Find requests' });
    this.service = page.getByLabel('Service', { exact: true });
    this.door = page.getByLabel('Door', { exact: true });
    this.outcome = page.getByLabel('Outcome', { exact: true });
  }

  async open(): Promise<void> {
    await this.page.goto('/requests');
    await expect(this.heading).toBeVisible();
  }

  /** The rows of calls whose operation is `operation`. */
  rows(operation: string): Locator {
    return this.table.getByRole('row', { name: new RegExp(`\\b${operation}\\b`) });
  }
}
