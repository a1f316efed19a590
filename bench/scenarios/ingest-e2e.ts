import { availableParallelism } from 'node:os';
import { signTrade } from '../../src/trade/signing.js';
import type { Trade } from '../../src/trade/trade-schema.js';
import { benchEnv } from '../lib/bench-env.js';
import { ingestCertificate, startIngestProcess, UNLIMITED_INGEST } from '../lib/ingest-process.js';
import type { Scenario } from '../lib/report.js';
import { reportDrain, waitRowsInserted } from '../lib/drain.js';
import { withResources } from '../lib/resources.js';
import { reportRss } from '../lib/rss.js';
import { percentile, perSecond } from '../lib/timing.js';
import { generateTrades } from '../lib/trades.js';
import { noteWarnings, verifyPipeline } from '../lib/verify.js';
import { VisibilityPoller } from '../lib/visibility-poller.js';
import { listeningPid, startPipelineCpu } from '../lib/machine-cpu.js';
import { startTradeSyncWorker, type WorkerProcess } from '../lib/worker-process.js';
import { startProducer } from '../lib/producer-process.js';
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
 *     p50/p99, by polling ClickHouse (bench/lib/visibility-poller.ts). The clients run in a
 *     process of their own (bench/children/ingest-client.ts), as the latency scenario's producer
 *     does, so signing and TLS do not delay the poller that measures;
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
      const pool = generateTrades(2 * options.trades);
      const bodyOf = (trades: readonly Trade[]): string => `${trades.map((t) => JSON.stringify(signTrade(config.keyring, t))).join('\n')}\n`;
      const bodies = (from: number) => Array.from({ length: Math.ceil(options.trades / TRADES_PER_REQUEST) }, (_, i) => bodyOf(pool.slice(from + i * TRADES_PER_REQUEST, Math.min(from + options.trades, from + (i + 1) * TRADES_PER_REQUEST))));
      const acceptBodies = bodies(0);
      const sustainedBodies = bodies(options.trades);
      report.mark('sign');
      const poller = new VisibilityPoller(client, `${r.database}.trades`, options.pollMs);
      const server = await startIngestProcess(env, cert, INGEST_CLIENTS);
      let worker: WorkerProcess | undefined;
      try {
        const services = [listeningPid(config.redis.url), listeningPid(config.clickhouse.url)];
        const acceptCpu = startPipelineCpu([server.pid, ...services]);
        const accept = await postAsFastAsPossible(server, acceptBodies, report);
        const acceptCpuPerTrade = acceptCpu(accept.accepted);
        const acceptRate = perSecond(accept.accepted, accept.ms);
        report.figure('accept', `accept rate: ${options.trades.toLocaleString('en-US')} trades, ${INGEST_CLIENTS} clients × ${TRADES_PER_REQUEST.toLocaleString('en-US')} a request, no worker`, acceptRate, 'trades/s');
        report.mark('accept');
        worker = await startTradeSyncWorker({ label: this.name, env, cpuProfDir: options.cpuProfDir });
        const backlog = await waitRowsInserted(r, worker, options.trades, `${this.name}: accepted backlog`, options.maxWaitS * 1000);
        report.expect(!backlog.timedOut, `the accepted backlog was not drained within ${options.maxWaitS} s (--max-wait): ${backlog.done} of ${options.trades}`);
        report.mark('drain backlog');

        const clients = await startProducer({ ...env, BENCH_INGEST_URL: server.url.href, BENCH_INGEST_CA: cert.cert }, (base, count) => poller.sent(base, count), 'ingest-client');
        let steady: { sent: number; ms: number };
        try {
          poller.start(() => worker?.exitStatus() !== undefined);
          steady = await clients.run({ rate: options.rate, count: steadyTotal });
        } finally {
          await clients.stop();
        }
        const allSeen = await poller.waitForSeen(steadyTotal, options.maxWaitS * 1000);
        await poller.stop();
        report.mark('steady');
        const latencies = poller.latencies();
        report.figure('offered', `steady: offered rate (target ${options.rate}/s for ${options.durationS} s, ${INGEST_CLIENTS} clients, a request every ${CLIENT_TICK_MS} ms each)`, perSecond(steady.sent, steady.ms), 'trades/s');
        report.figure('p50', 'steady: p50 request sent → queryable', percentile(latencies, 50), 'ms');
        report.figure('p99', 'steady: p99 request sent → queryable', percentile(latencies, 99), 'ms');
        report.figure('poll', `resolution: mean ClickHouse poll interval (target ${options.pollMs} ms)`, poller.meanPollMs, 'ms');
        report.expect(allSeen, `${steadyTotal - poller.seen} of ${steadyTotal} steady trades never became visible within ${options.maxWaitS} s (--max-wait)`);

        const sustainedCpu = startPipelineCpu([server.pid, worker.pid, ...services]);
        const started = performance.now();
        const baseline = options.trades + steadyTotal;
        await postAsFastAsPossible(server, sustainedBodies, report);
        const drain = await waitRowsInserted(r, worker, baseline + options.trades, `${this.name}: sustained`, options.maxWaitS * 1000, baseline);
        reportDrain(report, drain, started, options.trades, { key: 'sustained', label: `sustained: ${options.trades.toLocaleString('en-US')} trades posted as fast as possible → all queryable`, unit: 'trades/s', timeoutS: options.maxWaitS });
        report.figure('sustained_ratio', 'sustained ÷ accept rate', perSecond(drain.done, drain.endedAt - started) / acceptRate, '');
        // Whatever runs in parallel, the pipeline can go no faster than this machine's cores divided
        // by its CPU per trade (clients, ingest, worker, Redis, ClickHouse): a ceiling on the ratio.
        const sustainedCpuPerTrade = sustainedCpu(drain.done);
        if (acceptCpuPerTrade !== undefined) report.figure('cpu-accept', '  CPU per trade while accepting (clients, ingest, Redis)', acceptCpuPerTrade, 'µs/trade');
        if (sustainedCpuPerTrade !== undefined) {
          report.figure('cpu-sustained', '  CPU per trade posted → queryable (the same, the worker and ClickHouse)', sustainedCpuPerTrade, 'µs/trade');
          report.figure('sustained_ceiling', `  ceiling of sustained ÷ accept on ${availableParallelism()} cores: (cores ÷ CPU per trade posted → queryable) ÷ accept rate`, (availableParallelism() * 1e6) / sustainedCpuPerTrade / acceptRate, '');
        }
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
