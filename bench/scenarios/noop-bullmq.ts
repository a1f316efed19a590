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
 * The BullMQ limit: a queue pre-filled with real signed one-trade jobs (same payload as the sink
 * gets), drained by a worker process with the sink's options and concurrency and a no-op processor.
 */
export const noopBullmq: Scenario = {
  name: 'noop-bullmq',
  title: 'BullMQ drain, no-op processor',
  async run(options, report) {
    const { env, config } = benchEnv('noop', options.env);
    await withResources(config, { database: false }, report, async (r) => {
      const trades = generateTrades(options.trades);
      await r.trades.pause();
      report.mark('generate');
      const fill = await fillQueue(config, trades, 1, this.name);
      report.mark('fill');
      const [sample] = await r.trades.getJobs(['waiting'], 0, 0);
      report.note(`job payload: ${Buffer.byteLength(JSON.stringify(sample?.data ?? null))} bytes of JSON (one signed envelope, as TradeProducer publishes it)`);
      const worker = await startBenchChild('noop-worker', { label: this.name, env, cpuProfDir: options.cpuProfDir });
      report.mark('start worker');
      try {
        const cpu = startCpuMeter(worker.pid);
        const redisCpu = await startRedisCpuMeter(r.connection);
        const started = performance.now();
        await r.trades.resume();
        const drain = await waitQueueEmpty(r, worker, fill.jobs, `${this.name}: draining`, options.maxWaitS * 1000);
        report.mark('drain');
        reportDrain(report, drain, started, fill.jobs, { key: 'rate', label: `drain ${fill.jobs.toLocaleString('en-US')} one-trade jobs (c=${config.worker.concurrency})`, unit: 'jobs/s', timeoutS: options.maxWaitS });
        cpu(report, fill.jobs, 'job');
        await redisCpu(report, fill.jobs, 'job');
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
