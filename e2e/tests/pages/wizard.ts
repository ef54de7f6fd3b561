// Page object of the create-server wizard.
import { expect, type Locator, type Page } from '@playwright/test';
import { ConsolePage } from './console';

export class WizardPage extends ConsolePage {
  readonly stepCount: Locator;
  readonly next: Locator;
  readonly reviewAndCreate: Locator;
  readonly create: Locator;
  readonly secretsHeading: Locator;

  constructor(page: Page) {
    super(page);
    this.stepCount = page.getByText(/^Step \d of 4$/);
    this.next = page.getByRole('button', { name: 'Next' });
    this.reviewAndCreate = page.getByRole('button', { name: 'Review and create' });
    this.create = page.getByRole('button', { name: 'Create server' });
    this.secretsHeading = page.getByRole('heading', { name: /is being created$/ });
  }

  async open(): Promise<void> {
    await this.goto('/servers/new');
    await this.waitLive();
    await expect(this.stepCount).toHaveText('Step 1 of 4');
  }

  async chooseEngine(engine: 'Chef Automate' | 'Puppet Enterprise'): Promise<void> {
    await this.page.getByLabel(engine).check();
  }

  field(label: string | RegExp): Locator {
    return this.page.getByLabel(label, { exact: typeof label === 'string' });
  }

  /** The inline error shown under a field. */
  fieldError(id: string): Locator {
    return this.page.locator(`#${id}-error`);
  }

  /** Walks the four steps with defaults except the name, up to the review page. */
  async fillToReview(name: string): Promise<void> {
    await this.toServerStep('Chef Automate', name);
    await this.toReview();
  }

  /** Chooses the engine and goes to step 2, where it types the server name. */
  async toServerStep(engine: 'Chef Automate' | 'Puppet Enterprise', name: string): Promise<void> {
    await this.chooseEngine(engine);
    await this.next.click();
    await expect(this.stepCount).toHaveText('Step 2 of 4');
    await this.field('Server name').fill(name);
    await expect(this.field('Instance profile ARN')).toHaveValue(
      'arn:aws:iam::123456789012:instance-profile/aws-opsworks-cm-ec2-role',
    );
  }

  /** From step 2, the remaining steps with defaults (maintenance on Mondays) to the review page. */
  async toReview(): Promise<void> {
    await this.next.click();
    await expect(this.stepCount).toHaveText('Step 3 of 4');
    await this.next.click();
    await expect(this.stepCount).toHaveText('Step 4 of 4');
    await this.field('Maintenance window (optional)').fill('Mon:08:00');
    await this.reviewAndCreate.click();
    await expect(this.page.getByRole('heading', { level: 2, name: 'Review and create' })).toBeVisible();
  }

  /** Reads a file into a PEM field through its file chooser (the browser's File API). */
  async upload(label: string, file: string): Promise<void> {
    await this.page.getByLabel(label, { exact: true }).setInputFiles(file);
  }

  /** One review section, by its step title (e.g. "Configure server"). */
  reviewSection(title: string): Locator {
    return this.page.getByRole('region', { name: title });
  }

  /** The value shown for `term` in a review section. */
  reviewValue(title: string, term: string): Locator {
    return this.reviewSection(title)
      .locator('div', { has: this.page.locator('dt', { hasText: new RegExp(`^${term}$`) }) })
      .locator('dd');
  }

  /** The AWS CLI command of the review page (opens "Copy as CLI"). */
  async cliCommand(): Promise<Locator> {
    await this.page.getByText('Copy as CLI').click();
    return this.page.getByLabel('AWS CLI command');
  }
}
