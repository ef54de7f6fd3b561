// Real key material for the node and CloudHSM tests, made with the openssl command line
// (`cargo xtask test` installs it with the other apt packages).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

function openssl(args: string[], input?: string): string {
  // stderr is kept in the error, not printed (openssl chats there, e.g. "Certificate request self-signature ok").
  return execFileSync('openssl', args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

/** A PEM certificate signing request for `commonName` (RSA 2048, key thrown away). */
export function makeCsr(commonName: string): string {
  return openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', '/dev/null', '-subj', `/CN=${commonName}`]);
}

/** An RSA key pair as PEM: the private key and its public key (`openssl rsa -pubout`). */
export function makeKeyPair(): { privateKey: string; publicKey: string } {
  const privateKey = openssl(['genrsa', '2048']);
  const publicKey = openssl(['rsa', '-pubout'], privateKey);
  return { privateKey, publicKey };
}

/** `openssl x509 -noout -subject` of a PEM certificate, e.g. `subject=CN = node1`. */
export function certificateSubject(certificatePem: string): string {
  return openssl(['x509', '-noout', '-subject'], certificatePem).trim();
}

/**
 * Signs a PEM CSR with a fresh ECDSA P-256 certificate authority, as a
 * customer's CA signs a CloudHSM cluster's CSR: the signed certificate and
 * the CA's own certificate (the trust anchor), both PEM.
 */
export function signWithNewCa(csr: string): { signed: string; anchor: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'cmconsole-ca-'));
  try {
    const [key, anchor, request, signed] = ['ca.key', 'ca.pem', 'cluster.csr', 'cluster.crt'].map((f) =>
      path.join(dir, f),
    );
    writeFileSync(request, csr);
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key]);
    openssl(['req', '-x509', '-new', '-key', key, '-out', anchor, '-days', '30', '-subj', '/CN=cmconsole e2e CA']);
    openssl(['x509', '-req', '-in', request, '-CA', anchor, '-CAkey', key, '-CAcreateserial', '-out', signed, '-days', '30']);
    return { signed: readFileSync(signed, 'utf8'), anchor: readFileSync(anchor, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
