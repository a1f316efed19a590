import { benchEnv } from '../lib/bench-env.js';
import { startCpuMeter } from '../lib/cpu-meter.js';
import { reportDrain, waitRowsInserted } from '../lib/drain.js';
import type { Scenario } from '../lib/report.js';
import { withResources } from '../lib/resources.js';
import { reportRss } from '../lib/rss.js';
import { fillQueue, generateTrades } from '../lib/trades.js';
import { noteWarnings, verifyPipeline } from '../lib/verify.js';
import { STUCK_STOP_MS, startTradeSyncWorker } from '../lib/worker-process.js';

/** trade-sync with packed jobs (`--pack-size` trades per job): drain of a pre-filled queue by `trade-sync worker`. */
export const sinkPacked: Scenario = {
  name: 'sink-packed',
  title: 'trade-sync, packed jobs',
  async run(options, report) {
    const { env, config } = benchEnv('sinkpk', options.env);
    await withResources(config, { database: true }, report, async (r) => {
      const n = options.packedTrades;
      await r.trades.pause();
      const trades = generateTrades(n);
      report.mark('generate');
      const fill = await fillQueue(config, trades, options.packSize, this.name);
      report.mark('fill');
      const worker = await startTradeSyncWorker({ label: this.name, env, cpuProfDir: options.cpuProfDir });
      report.mark('start worker');
      try {
        const cpu = startCpuMeter(worker.pid);
        const started = performance.now();
        await r.trades.resume();
        const drain = await waitRowsInserted(r, worker, n, `${this.name}: draining`, options.maxWaitS * 1000);
        report.mark('drain');
        reportDrain(report, drain, started, n, { key: 'rate', label: `drain ${n.toLocaleString('en-US')} trades in ${fill.jobs.toLocaleString('en-US')} jobs of ${options.packSize}`, unit: 'trades/s', timeoutS: options.maxWaitS });
        cpu(report, n, 'trade');
        reportRss(report, worker);
      } finally {
        const code = await worker.stop(report.problems.length > 0 ? STUCK_STOP_MS : undefined);
        report.expect(code === 0, `worker exited with ${code}`);
        report.mark('stop worker');
        noteWarnings(worker, report);
      }
      if (!report.problems.some((p) => p.includes('--max-wait'))) await verifyPipeline(r, n, report);
      report.mark('verify');
    });
  },
};
