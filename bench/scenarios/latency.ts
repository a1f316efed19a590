import { benchEnv } from '../lib/bench-env.js';
import { startProducer } from '../lib/producer-process.js';
import { progress } from '../lib/progress.js';
import type { Scenario } from '../lib/report.js';
import { withResources } from '../lib/resources.js';
import { reportRss } from '../lib/rss.js';
import { percentile, perSecond } from '../lib/timing.js';
import { noteWarnings, verifyPipeline } from '../lib/verify.js';
import { VisibilityPoller } from '../lib/visibility-poller.js';
import { startTradeSyncWorker } from '../lib/worker-process.js';

/**
 * Publish → queryable latency at a steady offered rate (`--rate` trades/s for `--duration` s),
 * through `trade-sync worker`. The engine (a producer process, bench/children/producer.ts) calls
 * `TradeProducer.publish(trade)` once per trade, never awaiting one call before the next, as an
 * engine publishing each fill would: `latency` with the producer's defaults (calls coalesced
 * into signed packs: TRADE_SYNC_PACK_SIZE, TRADE_SYNC_PRODUCER_LINGER_MS), and
 * `latency-one-job-per-trade` with packSize 1, the explicit one-job-per-trade mode.
 *
 * Each trade's ts_ns is the wall-clock time of its publish call; this process polls ClickHouse
 * every `--poll-ms` (bench/lib/visibility-poller.ts).
 */
function latencyWith(name: string, packSize: number | undefined, title: string): Scenario {
  return {
    name,
    title,
    async run(options, report) {
      const { env, config } = benchEnv(packSize === 1 ? 'latency1' : 'latency', options.env);
      await withResources(config, { database: true }, report, async (r) => {
        const client = r.clickhouse;
        if (client === undefined) throw new Error('no database');
        const total = Math.max(1, Math.round(options.rate * options.durationS));
        const poller = new VisibilityPoller(client, `${r.database}.trades`, options.pollMs);
        const worker = await startTradeSyncWorker({ label: this.name, env, cpuProfDir: options.cpuProfDir });
        const producer = await startProducer(env, (base, count) => poller.sent(base, count));
        report.mark('start processes');
        const bar = progress(`${this.name}: ${options.rate}/s`, total);
        try {
          poller.start(() => {
            bar.update(poller.seen);
            if (worker.exitStatus() === undefined) return false;
            report.problem(`the worker process exited (${worker.exitStatus()}) during the run`);
            return true;
          });
          const offered = await producer.run({ rate: options.rate, count: total, packSize: packSize ?? config.queues.packSize });
          report.mark('publish');
          const allSeen = await poller.waitForSeen(total, options.maxWaitS * 1000);
          await poller.stop(); // a failed poll query fails the scenario here
          bar.stop();
          report.mark('tail');

          const latencies = poller.latencies();
          const pack = packSize === 1 ? 'one job per trade' : `publish(trade) per trade, coalesced into signed packs of ≤ ${config.queues.packSize}`;
          report.figure('offered', `offered rate (target ${options.rate}/s for ${options.durationS} s, ${pack})`, perSecond(offered.sent, offered.ms), 'trades/s');
          report.figure('p50', 'p50 publish → queryable', percentile(latencies, 50), 'ms');
          report.figure('p99', 'p99 publish → queryable', percentile(latencies, 99), 'ms');
          report.figure('max', 'max publish → queryable', latencies[latencies.length - 1] ?? Number.NaN, 'ms');
          report.figure('poll', `resolution: mean ClickHouse poll interval (target ${options.pollMs} ms)`, poller.meanPollMs, 'ms');
          report.expect(offered.sent === total, `the producer published ${offered.sent} of ${total} trades`);
          report.expect(allSeen, `${total - poller.seen} of ${total} trades never became visible within ${options.maxWaitS} s after publishing ended (--max-wait)`);
          reportRss(report, worker);
        } finally {
          bar.stop();
          await poller.stop().catch(() => undefined);
          await producer.stop();
          const code = await worker.stop();
          report.expect(code === 0, `worker exited with ${code}`);
          report.mark('stop processes');
          noteWarnings(worker, report);
        }
        await verifyPipeline(r, total, report);
        report.mark('verify');
      });
    },
  };
}

export const latency = latencyWith('latency', undefined, 'Latency, publish(trade) → queryable (producer defaults)');

/** The explicit one-job-per-trade mode (packSize 1), for comparison. */
export const latencyOneJobPerTrade = latencyWith('latency-one-job-per-trade', 1, 'Latency, publish(trade) → queryable, one job per trade');
