// Page object of the sign-in page, shown instead of the console when the
// backend needs a session this browser does not have.
import { type Locator, type Page } from '@playwright/test';

export class SignInPage {
  readonly page: Page;
  readonly heading: Locator;
  readonly token: Locator;
  readonly signIn: Locator;
  readonly refusal: Locator;
  readonly rejectedLink: Locator;

  constructor(page: Page) {
    this.page = page;
    this.heading = page.getByRole('heading', { level: 2, name: 'Sign in to cmconsole' });
    this.token = page.getByLabel('Console token');
    this.signIn = page.getByRole('button', { name: 'Sign in' });
    this.refusal = page.getByRole('alert').filter({ hasText: 'Could not sign in' });
    this.rejectedLink = page.getByRole('alert').filter({ hasText: "The link's token was not accepted" });
  }

  async submit(token: string): Promise<void> {
    await this.token.fill(token);
    await this.signIn.click();
  }
}

/** The sign-in URL a backend printed at start (`open the console: URL`). */
export function printedSignInURL(log: string): string {
  const match = /open the console: (http:\/\/\S+\?token=\S+)/.exec(log);
  if (!match) throw new Error(`no sign-in URL in:\n${log}`);
  return match[1];
}
