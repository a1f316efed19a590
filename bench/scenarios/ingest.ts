import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devCertificate } from '../../src/local/dev-certificate.js';
import { signTrade } from '../../src/trade/signing.js';
import { benchEnv } from '../lib/bench-env.js';
import type { Scenario } from '../lib/report.js';
import { withResources } from '../lib/resources.js';
import { percentile, perSecond } from '../lib/timing.js';
import { generateTrades } from '../lib/trades.js';
import { CLI, REPO_ROOT } from '../lib/worker-process.js';

const CLIENTS = 4;
const TRADES_PER_REQUEST = 1_000;

/** One POST of an NDJSON body; resolves with the status, the trades the server accepted and the time taken. */
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

/**
 * HTTPS ingest: `trade-sync ingest` as its own process, 4 keep-alive clients posting signed
 * NDJSON requests of 1,000 trades (`--trades` in all, signed before the clock starts: signing is
 * the engine's cost). Nothing drains the queue, so this is the ingest path alone (parse, verify,
 * validate, nonces, rate limit, one addBulk per request) up to Redis.
 */
export const ingest: Scenario = {
  name: 'ingest',
  title: 'HTTPS ingest',
  async run(options, report) {
    const dir = mkdtempSync(join(tmpdir(), 'trade-sync-bench-ingest-'));
    try {
      const cert = devCertificate(dir);
      if (cert === undefined) {
        report.problem('openssl is needed to make the ingest certificate');
        return;
      }
      const { env, config } = benchEnv('ingest', {
        TRADE_SYNC_INGEST_TLS_CERT_FILE: cert.cert,
        TRADE_SYNC_INGEST_TLS_KEY_FILE: cert.key,
        TRADE_SYNC_INGEST_PORT: '0',
        TRADE_SYNC_INGEST_REPLAY_WINDOW_MS: '600000', // requests are signed before the timed phase
        TRADE_SYNC_INGEST_RATE_PER_KID: '100000000',
        TRADE_SYNC_INGEST_BURST_PER_KID: '100000000',
        TRADE_SYNC_QUEUE_CAPACITY: '100000000',
        TRADE_SYNC_LOG_LEVEL: 'warn',
        ...options.env,
      });
      await withResources(config, { database: false }, report, async (r) => {
        const trades = generateTrades(options.trades + CLIENTS * TRADES_PER_REQUEST);
        const bodyOf = (from: number) =>
          `${trades
            .slice(from, from + TRADES_PER_REQUEST)
            .map((t) => JSON.stringify(signTrade(config.keyring, t)))
            .join('\n')}\n`;
        const warmUp = Array.from({ length: CLIENTS }, (_, i) => bodyOf(options.trades + i * TRADES_PER_REQUEST));
        const bodies: string[] = [];
        for (let from = 0; from < options.trades; from += TRADES_PER_REQUEST) bodies.push(bodyOf(from));
        report.mark('sign');

        const server = spawn(process.execPath, [CLI, 'ingest'], { env, cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        server.stdout.on('data', (c: Buffer) => (output += c.toString()));
        server.stderr.on('data', (c: Buffer) => (output += c.toString()));
        try {
          const url = await new Promise<URL>((resolve, reject) => {
            const check = () => {
              const match = /listening on (\S+\/v1\/trades)/.exec(output);
              if (match?.[1]) resolve(new URL(match[1]));
            };
            server.stdout.on('data', check);
            server.once('exit', (code) => reject(new Error(`ingest exited with ${code}: ${output.slice(-500)}`)));
          });
          report.mark('start ingest');
          const ca = readFileSync(cert.cert);
          const warm = new Agent({ keepAlive: true, maxSockets: CLIENTS }); // TLS sessions and the server's JIT
          await Promise.all(warmUp.map((b) => post(url, warm, ca, b)));
          warm.destroy();

          const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
          const latencies: number[] = [];
          let accepted = 0;
          let next = 0;
          const started = performance.now();
          await Promise.all(
            Array.from({ length: CLIENTS }, async () => {
              for (let i = next++; i < bodies.length; i = next++) {
                const reply = await post(url, agent, ca, bodies[i] as string);
                report.expect(reply.status === 200, `a request answered ${reply.status}`);
                accepted += reply.accepted;
                latencies.push(reply.ms);
              }
            }),
          );
          const ms = performance.now() - started;
          agent.destroy();
          report.mark('post');
          const sorted = latencies.sort((a, b) => a - b);
          const queued = await r.trades.getWaitingCount();
          const total = options.trades + CLIENTS * TRADES_PER_REQUEST;
          report.expect(accepted === options.trades, `accepted ${accepted} of ${options.trades} trades`);
          report.expect(queued === total, `${queued} jobs queued, expected ${total} (one per accepted trade)`);
          report.figure('rate', `${options.trades.toLocaleString('en-US')} trades, ${CLIENTS} clients × ${TRADES_PER_REQUEST.toLocaleString('en-US')} trades a request`, perSecond(accepted, ms), 'trades/s');
          report.figure('p50', '  request p50', percentile(sorted, 50), 'ms');
          report.figure('p99', '  request p99', percentile(sorted, 99), 'ms');
        } finally {
          server.kill('SIGTERM');
          if (server.exitCode === null && server.signalCode === null) await once(server, 'exit');
        }
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
