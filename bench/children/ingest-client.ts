/**
 * HTTPS ingest clients for the ingest-e2e scenario's steady phase: CLIENTS keep-alive clients at
 * `rate` trades/s in all; every TICK_MS each posts the trades due as NDJSON of envelopes signed
 * per trade (as an engine in another language signs them), each trade's ts_ns its send time,
 * without waiting for its previous request's answer. Same IPC as producer.ts; the ingest URL and
 * its CA come from BENCH_INGEST_URL and BENCH_INGEST_CA.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { loadConfig } from '../../src/config/index.js';
import { SyntheticEngine } from '../../src/demo/synthetic-engine.js';
import { signTrade } from '../../src/trade/signing.js';

interface Start {
  type: 'start';
  rate: number;
  count: number;
}

const CLIENTS = 4;
const TICK_MS = 20;
const send = (message: unknown) => process.send?.(message);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const epochMicros = (): bigint => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));

const config = loadConfig();
const url = new URL(process.env.BENCH_INGEST_URL ?? '');
const ca = readFileSync(process.env.BENCH_INGEST_CA ?? '');
// A client that does not wait for its previous answer needs a connection for each request in flight.
const agent = new Agent({ keepAlive: true });
const engine = new SyntheticEngine(7);

function post(body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, ca, headers: { 'content-type': 'application/x-ndjson', 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function run({ rate, count }: Start): Promise<void> {
  const started = performance.now();
  let sent = 0;
  let lastNs = 0n;
  const requests: Promise<void>[] = [];
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      let mine = 0;
      for (let tick = 1; sent < count; tick++) {
        const wait = started + tick * TICK_MS + (client * TICK_MS) / CLIENTS - performance.now();
        if (wait > 0) await sleep(wait);
        const due = Math.min(count - sent, Math.floor(((performance.now() - started) / 1000) * (rate / CLIENTS)) - mine);
        if (due <= 0) continue;
        const now = epochMicros() * 1000n;
        const base = now > lastNs ? now : lastNs + 1n;
        lastNs = base + BigInt(due - 1);
        const body = Array.from({ length: due }, (_, k) => `${JSON.stringify(signTrade(config.keyring, { ...engine.next(), ts_ns: (base + BigInt(k)).toString() }))}\n`).join('');
        sent += due;
        mine += due;
        send({ type: 'published', base: base.toString(), count: due });
        requests.push(
          post(body).then((status) => {
            if (status !== 200) throw new Error(`a steady request answered ${status}`);
          }),
        );
      }
    }),
  );
  await Promise.all(requests);
  send({ type: 'done', sent, ms: performance.now() - started });
}

process.on('message', (message: Start) => {
  if (message?.type !== 'start') return;
  run(message).then(
    () => agent.destroy(),
    (err: unknown) => {
      process.stderr.write(`ingest-client: ${(err as Error).message}\n`);
      process.exit(1);
    },
  ).then(() => process.disconnect?.());
});
send({ type: 'ready' });
