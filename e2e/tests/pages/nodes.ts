// Page object of the Nodes tab: the associate and disassociate forms and the
// list of node requests started in this browser session.
import { expect, type Download, type Locator, type Page } from '@playwright/test';
import { DetailsPage } from './details';

export class NodesTab extends DetailsPage {
  readonly associateForm: Locator;
  readonly disassociateForm: Locator;
  readonly associations: Locator;

  constructor(page: Page) {
    super(page);
    this.associateForm = page.getByRole('region', { name: 'Associate a node', exact: true });
    this.disassociateForm = page.getByRole('region', { name: 'Disassociate a node', exact: true });
    this.associations = page.getByRole('region', { name: /^Node associations/ });
  }

  /**
   * Opens the Nodes tab of the HEALTHY server `name`, recording each
   * AssociateNode call the console sends from then on (the array fills as
   * calls go out).
   */
  async openRecordingAssociations(name: string): Promise<string[]> {
    const sent: string[] = [];
    this.page.on('request', (request) => {
      if (request.url().endsWith('/api/opsworks-cm/AssociateNode')) sent.push(request.url());
    });
    await this.open(name, 'nodes');
    await expect(this.serverStatus()).toHaveText('HEALTHY');
    return sent;
  }

  nodeName(): Locator {
    return this.associateForm.getByLabel('Node name');
  }

  csr(): Locator {
    return this.associateForm.getByLabel('Certificate signing request (CSR)');
  }

  publicKey(): Locator {
    return this.associateForm.getByLabel('Node public key');
  }

  organization(): Locator {
    return this.associateForm.getByLabel('Chef organization');
  }

  async submitAssociation(): Promise<void> {
    await this.associateForm.getByRole('button', { name: 'Associate node' }).click();
  }

  /** Puppet: associates `node` with the CSR read from the file at `csrPath`. */
  async associatePuppetFromFile(node: string, csrPath: string): Promise<void> {
    await this.nodeName().fill(node);
    await this.associateForm.getByLabel('Upload CSR file').setInputFiles(csrPath);
    await expect(this.csr()).toHaveValue(/-----BEGIN CERTIFICATE REQUEST-----/);
    await this.submitAssociation();
  }

  /** Puppet: associates `node` with a pasted CSR. */
  async associatePuppetByPaste(node: string, csr: string): Promise<void> {
    await this.nodeName().fill(node);
    await this.csr().fill(csr);
    await this.submitAssociation();
  }

  /** Chef: associates `node` with a pasted public key (organization as prefilled). */
  async associateChef(node: string, publicKey: string): Promise<void> {
    await this.nodeName().fill(node);
    await this.publicKey().fill(publicKey);
    await this.submitAssociation();
  }

  /** The list row of a request: `Associate` or `Disassociate` of `node`. */
  row(node: string, request: 'Associate' | 'Disassociate' = 'Associate'): Locator {
    return this.associations
      .locator('tbody tr')
      .filter({ has: this.page.getByRole('rowheader', { name: node, exact: true }) })
      .filter({ has: this.page.getByRole('cell', { name: request, exact: true }) });
  }

  status(node: string, request: 'Associate' | 'Disassociate' = 'Associate'): Locator {
    return this.row(node, request).locator('.status');
  }

  /** Downloads the signed certificate of a Puppet node from its row. */
  async downloadCertificate(node: string): Promise<Download> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      this.row(node).getByRole('button', { name: `Download certificate of ${node}` }).click(),
    ]);
    return download;
  }

  /** Confirms the open disassociation dialog by typing `confirm`. */
  async confirmDisassociation(): Promise<void> {
    const confirm = this.dialog.getByRole('button', { name: 'Disassociate' });
    await expect(confirm).toBeDisabled();
    await this.dialog.getByLabel(/To confirm deletion, type/).fill('confirm');
    await confirm.click();
  }

  /** The "Copy as CLI" command of a form, opened. */
  async cliCommand(form: Locator): Promise<Locator> {
    await form.getByText('Copy as CLI').click();
    return form.getByLabel('AWS CLI command');
  }
}
