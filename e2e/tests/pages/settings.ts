// Page objects of the Settings and Tags tabs of the server details page.
import { type Locator, type Page } from '@playwright/test';
import { DetailsPage } from './details';

export class SettingsTab extends DetailsPage {
  readonly maintenanceWindow: Locator;
  readonly backupWindow: Locator;
  readonly automatedBackups: Locator;
  readonly retention: Locator;
  readonly saveButton: Locator;

  constructor(page: Page) {
    super(page);
    this.maintenanceWindow = page.getByLabel('Maintenance window');
    this.backupWindow = page.getByLabel('Backup window');
    this.automatedBackups = page.getByLabel('Automated backups');
    this.retention = page.getByLabel('Backups to keep');
    this.saveButton = page.getByRole('button', { name: 'Save', exact: true });
  }

  fieldError(): Locator {
    return this.page.locator('.field-error');
  }
}

export class TagsTab extends DetailsPage {
  readonly key: Locator;
  readonly value: Locator;

  constructor(page: Page) {
    super(page);
    this.key = page.getByLabel('Tag key');
    this.value = page.getByLabel('Tag value');
  }

  table(): Locator {
    return this.page.getByRole('table', { name: 'Tags' });
  }

  row(key: string): Locator {
    return this.table().locator('tbody tr').filter({ has: this.page.getByRole('rowheader', { name: key, exact: true }) });
  }

  async save(key: string, value: string): Promise<void> {
    await this.key.fill(key);
    await this.value.fill(value);
    await this.page.getByRole('button', { name: 'Save tag' }).click();
  }

  async edit(key: string, value: string): Promise<void> {
    await this.page.getByRole('button', { name: `Edit tag ${key}`, exact: true }).click();
    await this.value.fill(value);
    await this.page.getByRole('button', { name: 'Save tag' }).click();
  }

  async remove(key: string): Promise<void> {
    await this.page.getByRole('button', { name: `Remove tag ${key}`, exact: true }).click();
  }
}
