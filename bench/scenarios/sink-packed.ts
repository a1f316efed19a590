import { benchEnv } from '../lib/bench-env.js';
import { waitRowsInserted } from '../lib/drain.js';
import type { Scenario } from '../lib/report.js';
import { withResources } from '../lib/resources.js';
import { perSecond } from '../lib/timing.js';
import { fillQueue, generateTrades } from '../lib/trades.js';
import { noteWarnings, verifyPipeline } from '../lib/verify.js';
import { startTradeSyncWorker } from '../lib/worker-process.js';

/** trade-sync with packed jobs (`--pack-size` trades per job): drain of a pre-filled queue by `trade-sync worker`. */
export const sinkPacked: Scenario = {
  name: 'sink-packed',
  title: 'trade-sync, packed jobs',
  async run(options, report) {
    const { env, config } = benchEnv('sinkpk', options.env);
    await withResources(config, { database: true }, async (r) => {
      const n = options.packedTrades;
      await r.trades.pause();
      const trades = generateTrades(n, 4);
      report.mark('generate');
      const fill = await fillQueue(config, trades, options.packSize, this.name);
      report.mark('fill');
      const worker = await startTradeSyncWorker({ label: this.name, env, cpuProfDir: options.cpuProfDir });
      report.mark('start worker');
      try {
        const started = performance.now();
        await r.trades.resume();
        const ended = await waitRowsInserted(r, n, `${this.name}: draining`);
        report.mark('drain');
        report.figure('rate', `drain ${n.toLocaleString('en-US')} trades in ${fill.jobs.toLocaleString('en-US')} jobs of ${options.packSize}`, perSecond(n, ended - started), 'trades/s');
        const rss = worker.peakRss();
        if (rss !== undefined) report.figure('rss', 'peak RSS of the worker (VmHWM)', rss / 2 ** 20, 'MiB');
      } finally {
        const code = await worker.stop();
        report.expect(code === 0, `worker exited with ${code}`);
        report.mark('stop worker');
        noteWarnings(worker, report);
      }
      await verifyPipeline(r, n, report);
      report.mark('verify');
    });
  },
};
