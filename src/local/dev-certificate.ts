import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A self-signed certificate for localhost in `dir` (made once with openssl, reused after), so
 * `trade-sync up` serves ingest over HTTPS without any setup. Returns undefined without openssl.
 */
export function devCertificate(dir: string): { cert: string; key: string } | undefined {
  const cert = join(dir, 'localhost.crt');
  const key = join(dir, 'localhost.key');
  if (existsSync(cert) && existsSync(key)) return { cert, key };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '365', '-keyout', key, '-out', cert,
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ], { stdio: 'ignore' });
    return { cert, key };
  } catch {
    return undefined;
  }
}
