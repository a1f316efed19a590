import { spawn } from 'node:child_process';
import { assertRedisReachable } from '../../queues/index.js';
import { TlsMaterial } from '../../src/config/tls-material.js';
import { freePort } from '../../src/local/free-port.js';
import type { CertPair } from './test-certs.js';

export interface TlsRedis {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * A private redis-server that speaks only TLS (`--port 0 --tls-port N`) and requires a client
 * certificate signed by `ca` (`--tls-auth-clients yes`). No persistence; stopped by its pid.
 */
export async function startTlsRedis(dir: string, ca: string, server: CertPair, client: CertPair): Promise<TlsRedis> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    [
      '--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir,
      '--tls-cert-file', server.cert, '--tls-key-file', server.key, '--tls-ca-cert-file', ca, '--tls-auth-clients', 'yes',
    ],
    { stdio: 'ignore' },
  );
  const url = `rediss://127.0.0.1:${port}`;
  const tls = TlsMaterial.fromFiles({ ca: 'ca', cert: 'cert', key: 'key' }, { ca, cert: client.cert, key: client.key });
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    try {
      await assertRedisReachable({ url, urls: [url], cluster: false, prefix: 'probe', ...(tls ? { tls } : {}) }, 500);
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw err;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url,
    pid: child.pid ?? -1,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
