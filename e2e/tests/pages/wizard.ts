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
    await this.chooseEngine('Chef Automate');
    await this.next.click();
    await expect(this.stepCount).toHaveText('Step 2 of 4');
    await this.field('Server name').fill(name);
    await expect(this.field('Instance profile ARN')).toHaveValue(
      'arn:aws:iam::123456789012:instance-profile/aws-opsworks-cm-ec2-role',
    );
    await this.next.click();
    await expect(this.stepCount).toHaveText('Step 3 of 4');
    await this.next.click();
    await expect(this.stepCount).toHaveText('Step 4 of 4');
    await this.field('Maintenance window (optional)').fill('Mon:08:00');
    await this.reviewAndCreate.click();
    await expect(this.page.getByRole('heading', { level: 2, name: 'Review and create' })).toBeVisible();
  }
}
