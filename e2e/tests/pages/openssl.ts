// Real key material for the node tests, made with the openssl command line
// (`cargo xtask test` installs it with the other apt packages).
import { execFileSync } from 'node:child_process';

function openssl(args: string[], input?: string): string {
  return execFileSync('openssl', args, { input, encoding: 'utf8' });
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
