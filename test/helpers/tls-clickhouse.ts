import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clickhouseServerConfig } from '../../src/local/clickhouse-server-config.js';
import { freePort } from '../../src/local/free-port.js';
import type { CertPair } from './test-certs.js';

export const DEPLOY_USERS_XML = new URL('../../deploy/clickhouse/users.d/trade-sync-writer.xml', import.meta.url);

export interface TlsClickHouse {
  readonly httpUrl: string;
  /** `https://localhost:port` (the server certificate names localhost). */
  readonly httpsUrl: string;
  readonly pid: number;
  stop(): Promise<void>;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * A private clickhouse-server with an HTTPS port (certificate from `server`, client certificates
 * verified against `ca` when `mutual`) and deploy/clickhouse/users.d/trade-sync-writer.xml
 * installed as shipped, with the given passwords and database. Stopped by its pid.
 */
export async function startTlsClickHouse(
  dir: string,
  tls: { ca: string; server: CertPair; mutual: boolean },
  users: { database: string; writerPassword: string; adminPassword: string },
): Promise<TlsClickHouse> {
  const [httpPort, tcpPort, httpsPort] = [await freePort(), await freePort(), await freePort()];
  for (const sub of ['data', 'tmp', 'log', 'user_files', 'format_schemas', 'users.d']) mkdirSync(join(dir, sub), { recursive: true });
  const { config, users: usersXml } = clickhouseServerConfig(dir, httpPort, tcpPort);
  const openSsl = `  <https_port>${httpsPort}</https_port>
  <openSSL><server>
    <certificateFile>${tls.server.cert}</certificateFile>
    <privateKeyFile>${tls.server.key}</privateKeyFile>
    <verificationMode>${tls.mutual ? 'strict' : 'none'}</verificationMode>
    <caConfig>${tls.ca}</caConfig>
    <loadDefaultCAFile>false</loadDefaultCAFile>
    <cacheSessions>true</cacheSessions>
    <disableProtocols>sslv2,sslv3</disableProtocols>
    <preferServerCiphers>true</preferServerCiphers>
  </server></openSSL>
</yandex>`;
  writeFileSync(join(dir, 'config.xml'), config.replace('</yandex>', openSsl));
  writeFileSync(join(dir, 'users.xml'), usersXml);
  const shipped = readFileSync(DEPLOY_USERS_XML, 'utf8')
    .replace('REPLACE_WITH_SHA256_OF_WRITER_PASSWORD', sha256(users.writerPassword))
    .replace('REPLACE_WITH_SHA256_OF_ADMIN_PASSWORD', sha256(users.adminPassword))
    .replaceAll('<database>trade_sync</database>', `<database>${users.database}</database>`);
  writeFileSync(join(dir, 'users.d', 'trade-sync-writer.xml'), shipped);
  const child = spawn('clickhouse-server', [`--config-file=${join(dir, 'config.xml')}`], { cwd: dir, stdio: 'ignore' });
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`clickhouse-server exited with code ${child.exitCode}; see ${dir}/log`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('clickhouse-server did not answer within 30 s');
    }
    try {
      if ((await fetch(`${httpUrl}/ping`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    httpUrl,
    httpsUrl: `https://localhost:${httpsPort}`,
    pid: child.pid ?? -1,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
