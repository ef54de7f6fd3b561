// Page object of the server details page and its tabs.
import { expect, type Locator, type Page } from '@playwright/test';
import { ConsolePage } from './console';

export class DetailsPage extends ConsolePage {
  readonly tabs: Locator;
  readonly dialog: Locator;

  constructor(page: Page) {
    super(page);
    this.tabs = page.getByRole('navigation', { name: 'Server sections' });
    this.dialog = page.getByRole('dialog');
  }

  async open(
    name: string,
    tab: 'overview' | 'backups' | 'nodes' | 'events' | 'settings' | 'tags' = 'overview',
  ): Promise<void> {
    await this.goto(`/servers/${name}/${tab}`);
    await this.waitLive();
    await expect(this.page.getByRole('heading', { level: 2, name })).toBeVisible();
  }

  tab(label: 'Overview' | 'Backups' | 'Nodes' | 'Events' | 'Settings' | 'Tags'): Locator {
    return this.tabs.getByRole('link', { name: label });
  }

  serverStatus(): Locator {
    return this.page.locator('.page-header .status');
  }

  backupsTable(): Locator {
    return this.page.getByRole('table', { name: /^Backups/ });
  }

  eventsTable(): Locator {
    return this.page.getByRole('table', { name: 'Events' });
  }

  async createBackup(description: string): Promise<void> {
    await this.page.getByRole('button', { name: 'Create backup' }).click();
    const dialog = this.page.getByRole('dialog', { name: /^Create a backup of/ });
    await dialog.getByLabel('Description (optional)').fill(description);
    await dialog.getByRole('button', { name: 'Create backup' }).click();
    await expect(dialog).toHaveCount(0);
  }
}
