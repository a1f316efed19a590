import { benchEnv } from '../lib/bench-env.js';
import { startCpuMeter } from '../lib/cpu-meter.js';
import { startRedisCpuMeter } from '../lib/redis-cpu-meter.js';
import { reportDrain, waitRowsInserted, type Drain } from '../lib/drain.js';
import type { Scenario } from '../lib/report.js';
import { withResources } from '../lib/resources.js';
import { reportRss } from '../lib/rss.js';
import { perSecond } from '../lib/timing.js';
import { fillQueue, generateTrades } from '../lib/trades.js';
import { noteWarnings, verifyPipeline } from '../lib/verify.js';
import { STUCK_STOP_MS, startTradeSyncWorker } from '../lib/worker-process.js';
import { TradeProducer } from '../../src/producer/trade-producer.js';

/**
 * trade-sync, one job per trade, through the real worker process (`trade-sync worker`):
 * 1. drain a pre-filled queue (the figure compared with the no-op BullMQ drain);
 * 2. then, with the same worker, trades/s end to end while a producer publishes half as many
 *    again as fast as it can (from the first publish to the last row in ClickHouse).
 */
export const sinkOneJobPerTrade: Scenario = {
  name: 'sink-one-job-per-trade',
  title: 'trade-sync, one job per trade',
  async run(options, report) {
    const { env, config } = benchEnv('sink1', options.env);
    await withResources(config, { database: true }, report, async (r) => {
      const n = options.trades;
      const live = Math.max(1, Math.round(n / 2));
      const trades = generateTrades(n + live);
      await r.trades.pause();
      report.mark('generate');
      await fillQueue(config, trades.slice(0, n), 1, this.name);
      report.mark('fill');
      const worker = await startTradeSyncWorker({ label: this.name, env, cpuProfDir: options.cpuProfDir });
      report.mark('start worker');
      try {
        // 1. pre-filled queue
        const cpu = startCpuMeter(worker.pid);
        const redisCpu = await startRedisCpuMeter(r.connection);
        const started = performance.now();
        await r.trades.resume();
        const drain = await waitRowsInserted(r, worker, n, `${this.name}: draining`, options.maxWaitS * 1000);
        report.mark('drain');
        reportDrain(report, drain, started, n, { key: 'rate', label: `drain ${n.toLocaleString('en-US')} pre-filled one-trade jobs`, unit: 'trades/s', timeoutS: options.maxWaitS });
        cpu(report, n, 'trade');
        await redisCpu(report, n, 'trade');
        if (drain.timedOut) return;

        // 2. a producer publishing concurrently (1,000 trades per publish call, 2 calls in flight)
        const producer = new TradeProducer(config);
        let published = 0;
        let publishedAt = 0;
        const liveStarted = performance.now();
        const publishing = (async () => {
          let next = n;
          await Promise.all(
            Array.from({ length: 2 }, async () => {
              while (next < n + live) {
                const slice = trades.slice(next, Math.min(next + 1_000, n + live));
                next += slice.length;
                await producer.publish(slice, { packSize: 1, backpressure: 'wait' });
                published += slice.length;
              }
            }),
          );
          publishedAt = performance.now();
        })();
        let liveDrain: Drain;
        try {
          liveDrain = await waitRowsInserted(r, worker, n + live, `${this.name}: live`, options.maxWaitS * 1000, n);
        } finally {
          await publishing;
          await producer.close();
        }
        report.mark('live');
        reportDrain(report, liveDrain, liveStarted, live, { key: 'live', label: `${live.toLocaleString('en-US')} trades while a producer publishes them`, unit: 'trades/s', timeoutS: options.maxWaitS });
        if (liveDrain.timedOut) return;
        report.figure('publish', "that producer's publish rate (same phase)", perSecond(published, publishedAt - liveStarted), 'trades/s');
        reportRss(report, worker);
      } finally {
        const code = await worker.stop(report.problems.length > 0 ? STUCK_STOP_MS : undefined);
        report.expect(code === 0, `worker exited with ${code}`);
        report.mark('stop worker');
        noteWarnings(worker, report);
      }
      await verifyPipeline(r, n + live, report);
      report.mark('verify');
    });
  },
};
