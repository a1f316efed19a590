import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CertPair {
  readonly cert: string;
  readonly key: string;
}

export interface TestCerts {
  readonly dir: string;
  /** The CA that signed the server and every client certificate. */
  readonly ca: string;
  /** CN=localhost, SAN DNS:localhost and IP:127.0.0.1. */
  readonly server: CertPair;
  /** One certificate per requested client name (as CN and as a DNS SAN). */
  readonly clients: Readonly<Record<string, CertPair>>;
}

function openssl(dir: string, args: readonly string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function issue(dir: string, name: string, cn: string, san: string, caName: string): CertPair {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.crt`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n`);
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', join(dir, `${name}.csr`), '-subj', `/CN=${cn}`]);
  openssl(dir, [
    'x509', '-req', '-in', join(dir, `${name}.csr`), '-CA', join(dir, `${caName}.crt`), '-CAkey', join(dir, `${caName}.key`),
    '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-days', '2', '-sha256', '-extfile', ext, '-out', cert,
  ]);
  return { cert, key };
}

/** A CA of its own, made by openssl in `dir`. */
export function makeTestCa(dir: string, name = 'ca'): string {
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.crt`), '-days', '2', '-sha256', '-subj', `/CN=trade-sync test ${name}`]);
  return join(dir, `${name}.crt`);
}

/**
 * A test PKI made with the openssl command line in `dir`: a CA, a server certificate for
 * localhost / 127.0.0.1, and one client certificate per name.
 */
export function makeTestCerts(dir: string, clientNames: readonly string[] = [], caName = 'ca'): TestCerts {
  const ca = makeTestCa(dir, caName);
  const server = issue(dir, `${caName}-server`, 'localhost', 'DNS:localhost,IP:127.0.0.1', caName);
  const clients: Record<string, CertPair> = {};
  for (const client of clientNames) clients[client] = issue(dir, `${caName}-client-${client}`, client, `DNS:${client}`, caName);
  return { dir, ca, server, clients };
}
