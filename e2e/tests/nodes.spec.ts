// Server details, Nodes tab: associate Puppet and Chef nodes with real key
// material, follow the status live, download a signed certificate, disassociate.
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from './pages/fixtures';
import { NodesTab } from './pages/nodes';
import { certificateSubject, makeCsr, makeKeyPair } from './pages/openssl';
import { createServer } from './pages/opsworks';

test('Puppet: a node CSR from a file and one pasted are signed; the certificate downloads; disassociate', async ({
  page,
  baseURL,
}, testInfo) => {
  const name = await createServer(baseURL!, 'Puppet', 'pupnodes');
  const nodes = new NodesTab(page);
  await nodes.open(name, 'nodes');
  await expect(nodes.tab('Nodes')).toHaveAttribute('aria-current', 'page');
  await expect(nodes.serverStatus()).toHaveText('HEALTHY');
  await expect(nodes.associations).toContainText('No node requests yet');

  // Uploaded from a file.
  const csrPath = testInfo.outputPath('node1.csr');
  writeFileSync(csrPath, makeCsr('node1.example.com'));
  await nodes.associatePuppetFromFile('node1.example.com', csrPath);
  await expect(nodes.associateForm).toContainText('Read from node1.csr');
  await expect(nodes.status('node1.example.com')).toHaveText('SUCCESS');

  const download = await nodes.downloadCertificate('node1.example.com');
  expect(download.suggestedFilename()).toBe('node1.example.com.pem');
  const certificate = readFileSync(await download.path(), 'utf8');
  expect(certificate).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
  expect(certificateSubject(certificate)).toContain('CN = node1.example.com');

  // Pasted; the command the form would send names the Puppet attribute.
  const csr = makeCsr('node2.example.com');
  await nodes.nodeName().fill('node2.example.com');
  await nodes.csr().fill(csr);
  const command = await nodes.cliCommand(nodes.associateForm);
  await expect(command).toContainText(`aws opsworks-cm associate-node --cli-input-json '{"ServerName":"${name}","NodeName":"node2.example.com"`);
  await expect(command).toContainText('"Name":"PUPPET_NODE_CSR","Value":"-----BEGIN CERTIFICATE REQUEST-----');
  await nodes.submitAssociation();
  await expect(nodes.status('node2.example.com')).toHaveText('SUCCESS');
  const second = await nodes.downloadCertificate('node2.example.com');
  expect(certificateSubject(readFileSync(await second.path(), 'utf8'))).toContain('CN = node2.example.com');
  await page.screenshot({ path: 'artifacts/nodes.png', fullPage: true });

  // Disassociate node1 from its row: a new request in the list that succeeds.
  await nodes.row('node1.example.com').getByRole('button', { name: 'Disassociate node1.example.com' }).click();
  await expect(nodes.dialog).toContainText(`Node node1.example.com will be disassociated from ${name}`);
  await nodes.confirmDisassociation();
  await expect(nodes.status('node1.example.com', 'Disassociate')).toHaveText('SUCCESS');
  const rows = nodes.associations.locator('tbody tr');
  await expect(rows).toHaveCount(3);

  // The requests list sorts, filters and pages like every list.
  const byNode = nodes.associations.getByRole('columnheader', { name: /Node/ });
  await byNode.getByRole('button').click();
  await expect(byNode).toHaveAttribute('aria-sort', 'ascending');
  await expect(rows.locator('th')).toHaveText(['node1.example.com', 'node1.example.com', 'node2.example.com']);
  await byNode.getByRole('button').click();
  await expect(rows.first().locator('th')).toHaveText('node2.example.com');
  const filter = nodes.associations.getByRole('searchbox', { name: 'Find node requests' });
  await filter.fill('disassociate');
  await expect(nodes.associations.getByText(/^\d+ match(es)?$/)).toHaveText('1 match');
  await expect(rows).toHaveCount(1);
  await filter.fill('nothing like it');
  await nodes.associations.getByRole('button', { name: 'Clear filter' }).click();
  await expect(rows).toHaveCount(3);
  await expect(
    nodes.associations.getByRole('navigation', { name: 'Pagination' }).getByText(/^Page \d+ of \d+$/),
  ).toHaveText('Page 1 of 1');

  // The service's own record agrees: disassociating node1 again is refused, in the form.
  await nodes.disassociateForm.getByLabel('Node to disassociate').fill('node1.example.com');
  await nodes.disassociateForm.getByRole('button', { name: 'Disassociate node' }).click();
  await nodes.confirmDisassociation();
  await expect(nodes.disassociateForm.getByRole('alert')).toContainText(
    `ResourceNotFoundException: Node node1.example.com is not associated with server ${name}.`,
  );
});

test('Puppet: a malformed CSR is caught before sending, a CSR the CA cannot sign is refused by the service', async ({
  page,
  baseURL,
}) => {
  const name = await createServer(baseURL!, 'Puppet', 'pupbad');
  const nodes = new NodesTab(page);
  const sent = await nodes.openRecordingAssociations(name);

  await nodes.associatePuppetByPaste('bad node', 'not a CSR');
  await expect(nodes.nodeName()).toHaveAttribute('aria-invalid', 'true');
  await expect(nodes.associateForm.locator('.field-error')).toHaveCount(2);
  await expect(nodes.csr()).toHaveAttribute('aria-invalid', 'true');

  // Well-formed PEM armour around garbage passes the form and is refused by the CA.
  await nodes.nodeName().fill('node-x');
  await nodes.csr().fill('-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n');
  await expect(nodes.associateForm.locator('.field-error')).toHaveCount(0);
  await nodes.submitAssociation();
  await expect(nodes.associateForm.getByRole('alert')).toContainText('ValidationException');
  // Only the second attempt reached the service.
  expect(sent).toHaveLength(1);
  await expect(nodes.associations).toContainText('No node requests yet');
});

test('Chef: a node associates with a real public key; a private key is refused; disassociate with the organization', async ({
  page,
  baseURL,
}, testInfo) => {
  const name = await createServer(baseURL!, 'ChefAutomate', 'chefnodes');
  const nodes = new NodesTab(page);
  const sent = await nodes.openRecordingAssociations(name);
  await expect(nodes.organization()).toHaveValue('default');
  const { privateKey, publicKey } = makeKeyPair();

  await nodes.associateChef('i-0123456789abcdef0', privateKey);
  await expect(nodes.associateForm.locator('.field-error')).toContainText('This is a private key');

  // An organization other than default is the service's refusal, shown in the form.
  await nodes.organization().fill('engineering');
  await nodes.publicKey().fill(publicKey);
  await nodes.submitAssociation();
  await expect(nodes.associateForm.getByRole('alert')).toContainText(
    "ValidationException: CHEF_ORGANIZATION 'engineering' does not exist",
  );

  await nodes.organization().fill('default');
  const keyPath = testInfo.outputPath('client.pub');
  writeFileSync(keyPath, publicKey);
  await nodes.associateForm.getByLabel('Upload public key file').setInputFiles(keyPath);
  await expect(nodes.publicKey()).toHaveValue(publicKey);
  await nodes.submitAssociation();
  await expect(nodes.status('i-0123456789abcdef0')).toHaveText('SUCCESS');
  await expect(nodes.row('i-0123456789abcdef0').getByRole('button', { name: /Download certificate/ })).toHaveCount(0);
  // The private key never left the browser: two requests, both after it was replaced.
  expect(sent).toHaveLength(2);

  const command = await nodes.cliCommand(nodes.disassociateForm);
  await nodes.disassociateForm.getByLabel('Node to disassociate').fill('i-0123456789abcdef0');
  await expect(command).toHaveText(
    `aws opsworks-cm disassociate-node --cli-input-json '{"ServerName":"${name}","NodeName":"i-0123456789abcdef0","EngineAttributes":[{"Name":"CHEF_ORGANIZATION","Value":"default"}]}'`,
  );
  await nodes.disassociateForm.getByRole('button', { name: 'Disassociate node' }).click();
  await nodes.confirmDisassociation();
  await expect(nodes.status('i-0123456789abcdef0', 'Disassociate')).toHaveText('SUCCESS');
});
