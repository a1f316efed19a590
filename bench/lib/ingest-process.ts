import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devCertificate } from '../../src/local/dev-certificate.js';
import { CLI, REPO_ROOT } from './worker-process.js';

/** Settings every ingest scenario runs with: no rate limit, no backpressure, a wide replay window. */
export const UNLIMITED_INGEST = {
  TRADE_SYNC_INGEST_PORT: '0',
  TRADE_SYNC_INGEST_REPLAY_WINDOW_MS: '600000', // some requests are signed before the timed phase
  TRADE_SYNC_INGEST_RATE_PER_KID: '100000000',
  TRADE_SYNC_INGEST_BURST_PER_KID: '100000000',
  TRADE_SYNC_QUEUE_CAPACITY: '100000000',
} as const;

export interface IngestProcess {
  readonly url: URL;
  readonly pid: number;
  /** One POST of an NDJSON body on a keep-alive connection: status, trades accepted, time taken. */
  post(body: string): Promise<{ status: number; accepted: number; ms: number }>;
  /** Closes the client connections, stops the server (SIGTERM) and removes its certificate. */
  stop(): Promise<void>;
}

/** The HTTPS certificate of a scenario's ingest: made with openssl in a temp dir, or undefined without openssl. */
export function ingestCertificate(): { cert: string; key: string; dir: string } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'trade-sync-bench-ingest-'));
  const cert = devCertificate(dir);
  if (cert === undefined) rmSync(dir, { recursive: true, force: true });
  return cert === undefined ? undefined : { ...cert, dir };
}

/** Starts `trade-sync ingest` as its own process (env must name the certificate) and resolves once it listens. */
export async function startIngestProcess(env: Record<string, string>, cert: { cert: string; dir: string }, clients: number): Promise<IngestProcess> {
  const server: ChildProcess = spawn(process.execPath, [CLI, 'ingest'], { env, cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  server.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  server.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const stopServer = async () => {
    if (server.exitCode === null && server.signalCode === null) {
      server.kill('SIGTERM');
      await once(server, 'exit');
    }
    rmSync(cert.dir, { recursive: true, force: true });
  };
  let url: URL;
  try {
    url = await new Promise<URL>((resolve, reject) => {
      const check = () => {
        const match = /listening on (\S+\/v1\/trades)/.exec(output);
        if (match?.[1]) resolve(new URL(match[1]));
      };
      server.stdout?.on('data', check);
      server.once('exit', (code) => reject(new Error(`ingest exited with ${code}: ${output.slice(-500)}`)));
    });
  } catch (err) {
    await stopServer();
    throw err;
  }
  const ca = readFileSync(cert.cert);
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  return {
    url,
    pid: server.pid ?? -1,
    post: (body) => post(url, agent, ca, body),
    async stop() {
      agent.destroy();
      await stopServer();
    },
  };
}

function post(url: URL, agent: Agent, ca: Buffer, body: string): Promise<{ status: number; accepted: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, ca, headers: { 'content-type': 'application/x-ndjson', 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          const reply = JSON.parse(Buffer.concat(chunks).toString()) as { accepted?: number };
          resolve({ status: res.statusCode ?? 0, accepted: reply.accepted ?? 0, ms: performance.now() - started });
        } catch (err) {
          reject(err);
        }
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
