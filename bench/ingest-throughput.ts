/**
 * Ingest throughput and latency: `trade-sync ingest` as its own process (HTTPS, certificates made
 * with openssl in a temp dir), N concurrent keep-alive clients each posting pre-signed NDJSON
 * requests of B trades. Reports accepted trades/s over the timed phase and request latency
 * percentiles (p50/p99/max). Nothing drains the queue, so this measures the ingest path alone
 * (parse, verify, validate, nonces, rate limit, one addBulk per request) up to Redis.
 *
 *   node --import tsx bench/ingest-throughput.ts [--clients 4] [--requests 100] [--batch 1000]
 *
 * Requests are signed before the timed phase, so the bench runs the server with a 10-minute
 * replay window (signing is the engine's cost, not the server's). The queue is obliterated after.
 */
import { spawn } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRedisConnection, createTradesQueue } from '../queues/index.js';
import { loadConfig } from '../src/config/index.js';
import { canonicalBytes } from '../src/trade/signing.js';
import { makeTestCerts } from '../test/helpers/test-certs.js';

const { values } = parseArgs({
  options: { clients: { type: 'string', default: '4' }, requests: { type: 'string', default: '100' }, batch: { type: 'string', default: '1000' } },
});
const CLIENTS = Number(values.clients);
const REQUESTS = Number(values.requests);
const BATCH = Number(values.batch);
const KID = 'bench-k1';
const SECRET = `bench-secret-${randomBytes(16).toString('hex')}`;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

let seq = 0;
function body(): string {
  const sentAtNs = `${Date.now()}000000`;
  const lines: string[] = [];
  for (let i = 0; i < BATCH; i += 1) {
    seq += 1;
    const payload = JSON.stringify({
      schema_version: 1, trade_id: randomUUID(), order_id: `B-${seq}`, fill_seq: 1, symbol: ['AAPL', 'MSFT', 'BTC-USD'][seq % 3], side: seq % 2 ? 'buy' : 'sell',
      price: `${100 + (seq % 1000)}.125`, qty: '10', order_qty: '10', cum_qty: '10', order_status: 'filled',
      ts_ns: (1_763_776_000_000_000_000n + BigInt(seq)).toString(), venue: 'XNAS', account: 'ACC-1',
    });
    const unsigned = { kid: KID, nonce: randomBytes(12).toString('base64url'), sent_at_ns: sentAtNs, payload };
    lines.push(JSON.stringify({ ...unsigned, sig: createHmac('sha256', SECRET).update(canonicalBytes(unsigned)).digest('hex') }));
  }
  return `${lines.join('\n')}\n`;
}

function post(url: URL, agent: Agent, ca: Buffer, text: string): Promise<{ status: number; accepted: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, ca, headers: { 'content-type': 'application/x-ndjson', 'content-length': String(Buffer.byteLength(text)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const reply = JSON.parse(Buffer.concat(chunks).toString()) as { accepted: number };
        resolve({ status: res.statusCode ?? 0, accepted: reply.accepted, ms: performance.now() - started });
      });
    });
    req.on('error', reject);
    req.end(text);
  });
}

const dir = mkdtempSync(join(tmpdir(), 'trade-sync-bench-ingest-'));
const certs = makeTestCerts(dir);
const id = randomBytes(4).toString('hex');
const env: Record<string, string> = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  TRADE_SYNC_REDIS_URL: process.env.TRADE_SYNC_REDIS_URL ?? 'redis://127.0.0.1:6379',
  TRADE_SYNC_QUEUE_PREFIX: 'trade-sync-bench',
  TRADE_SYNC_QUEUE: `bench-ingest-${id}`,
  TRADE_SYNC_DLQ: `bench-ingest-${id}-dlq`,
  TRADE_SYNC_QUEUE_CAPACITY: '100000000',
  TRADE_SYNC_HMAC_KEYS: `${KID}:${SECRET}`,
  TRADE_SYNC_INGEST_TLS_CERT_FILE: certs.server.cert,
  TRADE_SYNC_INGEST_TLS_KEY_FILE: certs.server.key,
  TRADE_SYNC_INGEST_PORT: '0',
  TRADE_SYNC_INGEST_REPLAY_WINDOW_MS: '600000',
  TRADE_SYNC_INGEST_RATE_PER_KID: '100000000',
  TRADE_SYNC_INGEST_BURST_PER_KID: '100000000',
  TRADE_SYNC_INGEST_MAX_TRADES: String(Math.max(10_000, BATCH)),
  TRADE_SYNC_LOG_LEVEL: 'warn',
  TRADE_SYNC_SPILL_DIR: join(dir, 'spill'),
};
const cli = fileURLToPath(new URL('../bin/trade-sync.js', import.meta.url));
const server = spawn(process.execPath, [cli, 'ingest'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
let stdout = '';
const url = await new Promise<string>((resolve, reject) => {
  server.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    const match = /listening on (\S+\/v1\/trades)/.exec(stdout);
    if (match?.[1]) resolve(match[1]);
  });
  server.once('exit', (code) => reject(new Error(`ingest exited with ${code}: ${stdout}`)));
});

const config = loadConfig(env);
const connection = createRedisConnection(config, 'producer');
const queue = createTradesQueue(config, connection);
try {
  process.stderr.write(`signing ${REQUESTS} requests of ${BATCH} trades…\n`);
  const bodies = Array.from({ length: REQUESTS }, body);
  const ca = readFileSync(certs.ca);
  const target = new URL(url);
  // Warm-up: TLS sessions and the server's JIT.
  const warm = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  await Promise.all(Array.from({ length: CLIENTS }, () => post(target, warm, ca, body())));
  warm.destroy();

  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  const latencies: number[] = [];
  let accepted = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let i = next++; i < bodies.length; i = next++) {
        const reply = await post(target, agent, ca, bodies[i] as string);
        if (reply.status !== 200) throw new Error(`request answered ${reply.status}`);
        accepted += reply.accepted;
        latencies.push(reply.ms);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  const queued = await queue.getWaitingCount();
  const result = {
    clients: CLIENTS, requests: REQUESTS, tradesPerRequest: BATCH, accepted, queued,
    seconds: Number(seconds.toFixed(2)),
    tradesPerSecond: Math.round(accepted / seconds),
    requestMs: { p50: Math.round(percentile(sorted, 50)), p99: Math.round(percentile(sorted, 99)), max: Math.round(sorted[sorted.length - 1] ?? 0) },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.stdout.write(`ingest: ${result.tradesPerSecond} trades/s (${CLIENTS} clients × ${BATCH} trades/request), request latency p50 ${result.requestMs.p50} ms, p99 ${result.requestMs.p99} ms\n`);
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  await connection.quit();
  rmSync(dir, { recursive: true, force: true });
}
