import { benchEnv } from '../lib/bench-env.js';
import { startCpuMeter } from '../lib/cpu-meter.js';
import { listeningPid, startPipelineCpu } from '../lib/machine-cpu.js';
import { startRedisCpuMeter } from '../lib/redis-cpu-meter.js';
import { reportDrain, waitRowsInserted } from '../lib/drain.js';
import type { Scenario } from '../lib/report.js';
import { withResources } from '../lib/resources.js';
import { reportRss } from '../lib/rss.js';
import { fillQueue, generateTrades } from '../lib/trades.js';
import { noteWarnings, verifyPipeline } from '../lib/verify.js';
import { STUCK_STOP_MS, startTradeSyncWorker, type WorkerProcess } from '../lib/worker-process.js';

/**
 * trade-sync with packed jobs (`--pack-size` trades per job): drain of a pre-filled queue by
 * `processes` × `trade-sync worker` on the same queue.
 */
function sinkPackedWith(name: string, processes: number, title: string): Scenario {
  return {
    name,
    title,
    async run(options, report) {
      const { env, config } = benchEnv(processes === 1 ? 'sinkpk' : `sinkpk${processes}`, options.env);
      await withResources(config, { database: true }, report, async (r) => {
        const n = options.packedTrades;
        await r.trades.pause();
        const trades = generateTrades(n);
        report.mark('generate');
        const fill = await fillQueue(config, trades, options.packSize, this.name);
        report.mark('fill');
        const workers: WorkerProcess[] = [];
        for (let i = 0; i < processes; i++) workers.push(await startTradeSyncWorker({ label: i === 0 ? this.name : `${this.name}-${i + 1}`, env, cpuProfDir: options.cpuProfDir }));
        report.mark('start worker');
        try {
          const cpu = startCpuMeter(...workers.map((w) => w.pid));
          const pipelineCpu = startPipelineCpu([...workers.map((w) => w.pid), listeningPid(config.redis.url), listeningPid(config.clickhouse.url)]);
          const redisCpu = await startRedisCpuMeter(r.connection);
          const started = performance.now();
          await r.trades.resume();
          const anyExit = { exitStatus: () => workers.map((w) => w.exitStatus()).find((s) => s !== undefined) };
          const drain = await waitRowsInserted(r, anyExit, n, `${this.name}: draining`, options.maxWaitS * 1000);
          report.mark('drain');
          const by = processes === 1 ? '' : ` by ${processes} worker processes`;
          reportDrain(report, drain, started, n, { key: 'rate', label: `drain ${n.toLocaleString('en-US')} trades in ${fill.jobs.toLocaleString('en-US')} jobs of ${options.packSize}${by}`, unit: 'trades/s', timeoutS: options.maxWaitS });
          cpu(report, n, 'trade');
          const all = pipelineCpu(n);
          if (all !== undefined) report.figure('cpu-pipeline', 'CPU per trade of worker, Redis, ClickHouse and this poller, all cores', all, 'µs/trade');
          await redisCpu(report, n, 'trade');
          reportRss(report, ...workers);
        } finally {
          for (const worker of workers) {
            const code = await worker.stop(report.problems.length > 0 ? STUCK_STOP_MS : undefined);
            report.expect(code === 0, `${worker.label} exited with ${code}`);
            noteWarnings(worker, report);
          }
          report.mark('stop worker');
        }
        if (!report.problems.some((p) => p.includes('--max-wait'))) await verifyPipeline(r, n, report);
        report.mark('verify');
      });
    },
  };
}

/** One worker process: the figure the goals judge. */
export const sinkPacked = sinkPackedWith('sink-packed', 1, 'trade-sync, packed jobs');

/** Two worker processes on one queue, as `trade-sync up` runs them: how far a second core carries it. */
export const sinkPacked2 = sinkPackedWith('sink-packed-x2', 2, 'trade-sync, packed jobs, 2 worker processes');
