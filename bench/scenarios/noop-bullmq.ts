import { benchEnv } from '../lib/bench-env.js';
import { startCpuMeter } from '../lib/cpu-meter.js';
import { startRedisCpuMeter } from '../lib/redis-cpu-meter.js';
import { reportDrain, waitQueueEmpty } from '../lib/drain.js';
import { failedJobs } from '../lib/queue-counts.js';
import type { Scenario } from '../lib/report.js';
import { withResources } from '../lib/resources.js';
import { reportRss } from '../lib/rss.js';
import { fillQueue, generateTrades } from '../lib/trades.js';
import { STUCK_STOP_MS, startBenchChild } from '../lib/worker-process.js';

/**
 * The BullMQ limit: a queue pre-filled with real signed jobs (the payloads the sink gets: one
 * trade per job, or signed packs of `--pack-size`), drained by a worker process with the sink's
 * options and concurrency and a no-op processor.
 */
function noopWith(name: string, packed: boolean, title: string): Scenario {
  return {
    name,
    title,
    async run(options, report) {
      const { env, config } = benchEnv(packed ? 'nooppk' : 'noop', options.env);
      await withResources(config, { database: false }, report, async (r) => {
        const packSize = packed ? options.packSize : 1;
        const trades = generateTrades(packed ? options.packedTrades : options.trades);
        await r.trades.pause();
        report.mark('generate');
        const fill = await fillQueue(config, trades, packSize, this.name);
        report.mark('fill');
        const [sample] = await r.trades.getJobs(['waiting'], 0, 0);
        const bytes = Buffer.byteLength(JSON.stringify(sample?.data ?? null)).toLocaleString('en-US');
        report.note(`job payload: ${bytes} bytes of JSON (${packed ? `one signed pack of ${packSize} trades` : 'one signed envelope'}, as TradeProducer publishes it)`);
        const worker = await startBenchChild('noop-worker', { label: this.name, env, cpuProfDir: options.cpuProfDir });
        report.mark('start worker');
        try {
          const cpu = startCpuMeter(worker.pid);
          const redisCpu = await startRedisCpuMeter(r.connection);
          const started = performance.now();
          await r.trades.resume();
          const drain = await waitQueueEmpty(r, worker, fill.jobs, `${this.name}: draining`, options.maxWaitS * 1000);
          report.mark('drain');
          const c = `c=${config.worker.concurrency}`;
          if (packed) {
            const label = `drain ${trades.length.toLocaleString('en-US')} trades in ${fill.jobs.toLocaleString('en-US')} jobs of ${packSize} (${c})`;
            reportDrain(report, { ...drain, done: drain.done * packSize }, started, trades.length, { key: 'rate', label, unit: 'trades/s', timeoutS: options.maxWaitS });
            cpu(report, trades.length, 'trade');
            await redisCpu(report, trades.length, 'trade');
          } else {
            reportDrain(report, drain, started, fill.jobs, { key: 'rate', label: `drain ${fill.jobs.toLocaleString('en-US')} one-trade jobs (${c})`, unit: 'jobs/s', timeoutS: options.maxWaitS });
            cpu(report, fill.jobs, 'job');
            await redisCpu(report, fill.jobs, 'job');
          }
          reportRss(report, worker);
        } finally {
          const code = await worker.stop(report.problems.length > 0 ? STUCK_STOP_MS : undefined);
          report.expect(code === 0, `worker exited with ${code}`);
          report.mark('stop worker');
        }
        const processed = Number(worker.reports.find((x) => 'processed' in x)?.processed ?? -1);
        report.expect(processed === fill.jobs, `worker processed ${processed} jobs, expected ${fill.jobs}`);
        const failed = await failedJobs(r.trades);
        report.expect(failed === 0, `${failed} failed jobs`);
      });
    },
  };
}

export const noopBullmq = noopWith('noop-bullmq', false, 'BullMQ drain, no-op processor');

/** The same limit for packed jobs: the most any sink built on BullMQ could take, in trades/s. */
export const noopBullmqPacked = noopWith('noop-bullmq-packed', true, 'BullMQ drain of packed jobs, no-op processor');
