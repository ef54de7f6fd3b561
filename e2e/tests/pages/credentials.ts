// Page object of the Settings tab's Credentials and Node userdata panels.
import { expect, type Download, type Locator, type Page } from '@playwright/test';
import { DetailsPage } from './details';

export class CredentialsPanels extends DetailsPage {
  readonly credentials: Locator;
  readonly userdata: Locator;

  constructor(page: Page) {
    super(page);
    this.credentials = page.getByRole('region', { name: 'Credentials' });
    this.userdata = page.getByRole('region', { name: 'Node userdata' });
  }

  /** The one-time secret panel titled `title` ("New pivotal key", "New admin password"). */
  secret(title: string): Locator {
    return this.page.getByRole('region', { name: title, exact: true });
  }

  /** Resets the Chef pivotal key through the confirmation dialog. */
  async resetPivotalKey(): Promise<void> {
    await this.credentials.getByRole('button', { name: 'Reset pivotal key' }).click();
    const confirm = this.dialog.getByRole('button', { name: 'Reset' });
    await this.dialog.getByLabel(/To confirm deletion, type/).fill('confirm');
    await confirm.click();
  }

  passwordRule(text: string): Locator {
    return this.credentials.getByRole('listitem').filter({ hasText: text });
  }

  async resetPassword(): Promise<void> {
    await this.credentials.getByRole('button', { name: 'Reset admin password' }).click();
  }

  /** Clicks a Download button and returns the file. */
  async download(button: Locator): Promise<Download> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), button.click()]);
    return download;
  }

  /** Opens the "Copy as CLI" section inside `container` and returns its command. */
  async cliCommand(container: Locator): Promise<Locator> {
    await container.getByText('Copy as CLI').click();
    const command = container.getByLabel('AWS CLI command');
    await expect(command).toBeVisible();
    return command;
  }
}
