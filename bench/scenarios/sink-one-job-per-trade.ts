import { benchEnv } from '../lib/bench-env.js';
import { waitRowsInserted } from '../lib/drain.js';
import type { Scenario } from '../lib/report.js';
import { withResources } from '../lib/resources.js';
import { perSecond } from '../lib/timing.js';
import { fillQueue, generateTrades } from '../lib/trades.js';
import { noteWarnings, verifyPipeline } from '../lib/verify.js';
import { startTradeSyncWorker } from '../lib/worker-process.js';
import { TradeProducer } from '../../src/producer/trade-producer.js';

/**
 * trade-sync, one job per trade, through the real worker process (`trade-sync worker`):
 * 1. drain a pre-filled queue (the figure compared with the no-op BullMQ drain);
 * 2. then, with the same worker, trades/s end to end while a producer publishes as fast as it can.
 */
export const sinkOneJobPerTrade: Scenario = {
  name: 'sink-one-job-per-trade',
  title: 'trade-sync, one job per trade',
  async run(options, report) {
    const { env, config } = benchEnv('sink1', options.env);
    await withResources(config, { database: true }, async (r) => {
      const n = options.trades;
      const trades = generateTrades(2 * n, 3);
      await r.trades.pause();
      report.mark('generate');
      await fillQueue(config, trades.slice(0, n), 1, this.name);
      report.mark('fill');
      const worker = await startTradeSyncWorker({ label: this.name, env, cpuProfDir: options.cpuProfDir });
      report.mark('start worker');
      try {
        // 1. pre-filled queue
        let started = performance.now();
        await r.trades.resume();
        let ended = await waitRowsInserted(r, n, `${this.name}: draining`);
        report.mark('drain');
        report.figure('rate', `drain ${n.toLocaleString('en-US')} pre-filled one-trade jobs`, perSecond(n, ended - started), 'trades/s');

        // 2. producer publishing concurrently (1,000 trades per publish call, 2 calls in flight)
        const producer = new TradeProducer(config);
        let published = 0;
        let publishedAt = 0;
        started = performance.now();
        const publishing = (async () => {
          let next = n;
          await Promise.all(
            Array.from({ length: 2 }, async () => {
              while (next < 2 * n) {
                const slice = trades.slice(next, Math.min(next + 1_000, 2 * n));
                next += slice.length;
                await producer.publish(slice, { packSize: 1, backpressure: 'wait' });
                published += slice.length;
              }
            }),
          );
          publishedAt = performance.now();
        })();
        try {
          ended = await waitRowsInserted(r, 2 * n, `${this.name}: live`, { baseline: n });
        } finally {
          await publishing;
          await producer.close();
        }
        report.mark('live');
        report.figure('live', `${n.toLocaleString('en-US')} trades while a producer publishes`, perSecond(n, ended - started), 'trades/s');
        report.figure('publish', 'the producer alone, same run (publish rate)', perSecond(published, publishedAt - started), 'trades/s');
        const rss = worker.peakRss();
        if (rss !== undefined) report.figure('rss', 'peak RSS of the worker (VmHWM)', rss / 2 ** 20, 'MiB');
      } finally {
        const code = await worker.stop();
        report.expect(code === 0, `worker exited with ${code}`);
        report.mark('stop worker');
        noteWarnings(worker, report);
      }
      await verifyPipeline(r, 2 * n, report);
      report.mark('verify');
    });
  },
};
