import { signTrade } from '../../src/trade/signing.js';
import type { Trade } from '../../src/trade/trade-schema.js';
import { benchEnv } from '../lib/bench-env.js';
import { ingestCertificate, startIngestProcess, UNLIMITED_INGEST, type IngestProcess } from '../lib/ingest-process.js';
import { progress } from '../lib/progress.js';
import type { Report, Scenario } from '../lib/report.js';
import { reportDrain, waitRowsInserted } from '../lib/drain.js';
import { withResources } from '../lib/resources.js';
import { reportRss } from '../lib/rss.js';
import { percentile, perSecond, sleep } from '../lib/timing.js';
import { generateTrades } from '../lib/trades.js';
import { noteWarnings, verifyPipeline } from '../lib/verify.js';
import { epochNs, VisibilityPoller } from '../lib/visibility-poller.js';
import { startTradeSyncWorker, type WorkerProcess } from '../lib/worker-process.js';
import { INGEST_CLIENTS, postAsFastAsPossible, TRADES_PER_REQUEST } from './ingest.js';

/** Each client posts the trades due every this many ms in the steady phase. */
const CLIENT_TICK_MS = 20;

/**
 * HTTPS ingest → ClickHouse through `trade-sync ingest` and `trade-sync worker`, each a process
 * of its own, in three phases on one queue and database:
 *  1. accept: `--trades` posted as fast as the ingest takes them with no worker running (signed
 *     beforehand, 1,000 a request, 4 clients), as the `ingest` scenario: the accept rate; the
 *     worker then starts and drains them (not timed);
 *  2. steady: 4 clients at `--rate` in all for `--duration` s, each posting the trades due every
 *     20 ms, signed as they are sent, each trade's ts_ns its send time: request → queryable
 *     p50/p99, by polling ClickHouse (bench/lib/visibility-poller.ts);
 *  3. sustained: `--trades` more posted as fast as possible, from the first request until the
 *     last trade is queryable: the rate the whole pipeline sustains, and its ratio to phase 1.
 */
export const ingestE2e: Scenario = {
  name: 'ingest-e2e',
  title: 'HTTPS ingest → ClickHouse',
  async run(options, report) {
    const cert = ingestCertificate();
    if (cert === undefined) {
      report.problem('openssl is needed to make the ingest certificate');
      return;
    }
    const { env, config } = benchEnv('ingest-e2e', { TRADE_SYNC_INGEST_TLS_CERT_FILE: cert.cert, TRADE_SYNC_INGEST_TLS_KEY_FILE: cert.key, ...UNLIMITED_INGEST, ...options.env });
    await withResources(config, { database: true }, report, async (r) => {
      const client = r.clickhouse;
      if (client === undefined) throw new Error('no database');
      const steadyTotal = Math.max(1, Math.round(options.rate * options.durationS));
      const pool = generateTrades(2 * options.trades + steadyTotal);
      const bodyOf = (trades: readonly Trade[]): string => `${trades.map((t) => JSON.stringify(signTrade(config.keyring, t))).join('\n')}\n`;
      const bodies = (from: number) => Array.from({ length: Math.ceil(options.trades / TRADES_PER_REQUEST) }, (_, i) => bodyOf(pool.slice(from + i * TRADES_PER_REQUEST, Math.min(from + options.trades, from + (i + 1) * TRADES_PER_REQUEST))));
      const acceptBodies = bodies(0);
      const sustainedBodies = bodies(options.trades);
      report.mark('sign');
      const poller = new VisibilityPoller(client, `${r.database}.trades`, options.pollMs);
      const server = await startIngestProcess(env, cert, INGEST_CLIENTS);
      let worker: WorkerProcess | undefined;
      try {
        const accept = await postAsFastAsPossible(server, acceptBodies, report);
        const acceptRate = perSecond(accept.accepted, accept.ms);
        report.figure('accept', `accept rate: ${options.trades.toLocaleString('en-US')} trades, ${INGEST_CLIENTS} clients × ${TRADES_PER_REQUEST.toLocaleString('en-US')} a request, no worker`, acceptRate, 'trades/s');
        report.mark('accept');
        worker = await startTradeSyncWorker({ label: this.name, env, cpuProfDir: options.cpuProfDir });
        const backlog = await waitRowsInserted(r, worker, options.trades, `${this.name}: accepted backlog`, options.maxWaitS * 1000);
        report.expect(!backlog.timedOut, `the accepted backlog was not drained within ${options.maxWaitS} s (--max-wait): ${backlog.done} of ${options.trades}`);
        report.mark('drain backlog');

        poller.start(() => worker?.exitStatus() !== undefined);
        const steadyPool = pool.slice(2 * options.trades);
        const steady = await postSteadily(server, steadyPool, options.rate, (base, count) => poller.sent(base, count), config.keyring, report, this.name);
        const allSeen = await poller.waitForSeen(steadyTotal, options.maxWaitS * 1000);
        await poller.stop();
        report.mark('steady');
        const latencies = poller.latencies();
        report.figure('offered', `steady: offered rate (target ${options.rate}/s for ${options.durationS} s, ${INGEST_CLIENTS} clients, a request every ${CLIENT_TICK_MS} ms each)`, perSecond(steady.sent, steady.ms), 'trades/s');
        report.figure('p50', 'steady: p50 request sent → queryable', percentile(latencies, 50), 'ms');
        report.figure('p99', 'steady: p99 request sent → queryable', percentile(latencies, 99), 'ms');
        report.figure('poll', `resolution: mean ClickHouse poll interval (target ${options.pollMs} ms)`, poller.meanPollMs, 'ms');
        report.expect(allSeen, `${steadyTotal - poller.seen} of ${steadyTotal} steady trades never became visible within ${options.maxWaitS} s (--max-wait)`);

        const started = performance.now();
        const baseline = options.trades + steadyTotal;
        await postAsFastAsPossible(server, sustainedBodies, report);
        const drain = await waitRowsInserted(r, worker, baseline + options.trades, `${this.name}: sustained`, options.maxWaitS * 1000, baseline);
        reportDrain(report, drain, started, options.trades, { key: 'sustained', label: `sustained: ${options.trades.toLocaleString('en-US')} trades posted as fast as possible → all queryable`, unit: 'trades/s', timeoutS: options.maxWaitS });
        report.figure('sustained_ratio', 'sustained ÷ accept rate', perSecond(drain.done, drain.endedAt - started) / acceptRate, '');
        report.mark('sustained');
        reportRss(report, worker);
      } finally {
        await poller.stop().catch(() => undefined);
        await server.stop();
        if (worker !== undefined) {
          const code = await worker.stop();
          report.expect(code === 0, `worker exited with ${code}`);
          noteWarnings(worker, report);
        }
        report.mark('stop processes');
      }
      await verifyPipeline(r, 2 * options.trades + steadyTotal, report);
      report.mark('verify');
    });
  },
};

/**
 * INGEST_CLIENTS clients at `rate` trades/s in all: every CLIENT_TICK_MS each posts the trades
 * due (signed now, ts_ns = now), without waiting for its previous request to be answered.
 */
async function postSteadily(
  server: IngestProcess,
  pool: readonly Trade[],
  rate: number,
  sent: (base: bigint, count: number) => void,
  keyring: Parameters<typeof signTrade>[0],
  report: Report,
  name: string,
): Promise<{ sent: number; ms: number }> {
  const bar = progress(`${name}: ${rate}/s`, pool.length);
  const perClient = rate / INGEST_CLIENTS;
  const requests: Promise<void>[] = [];
  let next = 0;
  let lastNs = 0n;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: INGEST_CLIENTS }, async (_, client) => {
      let mine = 0;
      for (let tick = 1; next < pool.length; tick++) {
        const wait = started + tick * CLIENT_TICK_MS + (client * CLIENT_TICK_MS) / INGEST_CLIENTS - performance.now();
        if (wait > 0) await sleep(wait);
        const due = Math.min(pool.length - next, Math.floor(((performance.now() - started) / 1000) * perClient) - mine);
        if (due <= 0) continue;
        const now = epochNs();
        const base = now > lastNs ? now : lastNs + 1n;
        lastNs = base + BigInt(due - 1);
        const trades = pool.slice(next, next + due).map((t, k) => ({ ...t, ts_ns: (base + BigInt(k)).toString() }));
        next += due;
        mine += due;
        sent(base, due);
        const body = `${trades.map((t) => JSON.stringify(signTrade(keyring, t))).join('\n')}\n`;
        requests.push(server.post(body).then((reply) => report.expect(reply.status === 200, `a steady request answered ${reply.status}`)));
        bar.update(next);
      }
    }),
  );
  await Promise.all(requests);
  bar.stop();
  return { sent: next, ms: performance.now() - started };
}
