import { benchEnv } from '../lib/bench-env.js';
import { countFinal, countRows, queryText } from '../lib/clickhouse-queries.js';
import { progress } from '../lib/progress.js';
import { allJobs, failedJobs, pendingJobs } from '../lib/queue-counts.js';
import type { Scenario } from '../lib/report.js';
import { withResources } from '../lib/resources.js';
import { perSecond, sleep } from '../lib/timing.js';
import { fillQueue, generateTrades } from '../lib/trades.js';
import { noteWarnings } from '../lib/verify.js';
import { startBenchChild } from '../lib/worker-process.js';

/** Jobs to pre-fill: more than the naive peer can take in the time bound. */
const NAIVE_JOBS_PER_SECOND_CEILING = 1_500;

/**
 * The naive peer: a BullMQ worker doing one single-row INSERT per job, bounded by time
 * (`--duration`), not count. Rate = rows in ClickHouse at the deadline / elapsed time; then the
 * worker drains gracefully and every completed job must be exactly one row.
 */
export const naivePeer: Scenario = {
  name: 'naive-peer',
  title: 'Naive peer: one INSERT per job',
  async run(options, report) {
    const { env, config } = benchEnv('naive', options.env);
    await withResources(config, { database: true }, report, async (r) => {
      const client = r.clickhouse;
      if (client === undefined) throw new Error('no database');
      const total = Math.min(options.trades, Math.ceil(options.durationS * NAIVE_JOBS_PER_SECOND_CEILING));
      await r.trades.pause();
      const trades = generateTrades(total);
      report.mark('generate');
      await fillQueue(config, trades, 1, this.name);
      report.mark('fill');
      const worker = await startBenchChild('naive-worker', { label: this.name, env, cpuProfDir: options.cpuProfDir }, ['--concurrency', String(options.naiveConcurrency)]);
      report.mark('start worker');
      const bar = progress(`${this.name}: ${options.durationS} s`, Math.round(options.durationS), 's');
      try {
        const started = performance.now();
        await r.trades.resume();
        const deadline = started + options.durationS * 1000;
        let drained = false;
        while (performance.now() < deadline) {
          await sleep(Math.min(250, Math.max(0, deadline - performance.now())));
          bar.update(Math.floor((performance.now() - started) / 1000));
          if (worker.exitStatus() !== undefined) {
            report.problem(`the naive worker exited (${worker.exitStatus()}) during the run`);
            break;
          }
          if ((await pendingJobs(r.trades)) === 0) {
            drained = true;
            break;
          }
        }
        const rows = await countRows(client, r.database);
        const ms = performance.now() - started;
        const [[parts = '0'] = []] = await queryText(client, `SELECT count() FROM system.parts WHERE database = '${r.database}' AND table = 'trades' AND active`);
        bar.stop();
        if (drained) report.note(`queue drained before the time bound: raise --trades above ${total} for a longer run`);
        report.mark('run');
        report.expect(rows > 0, 'the naive peer inserted nothing');
        report.figure('rate', `${rows.toLocaleString('en-US')} rows in ${(ms / 1000).toFixed(1)} s, c=${options.naiveConcurrency}`, perSecond(rows, ms), 'trades/s');
        // Past parts_to_delay_insert (150 by default) active parts, ClickHouse slows every INSERT down.
        report.figure('parts', 'active parts of its table at the deadline (ClickHouse delays INSERTs past 150)', Number(parts), 'parts');
      } finally {
        bar.stop();
        const code = await worker.stop();
        report.expect(code === 0, `worker exited with ${code}`);
        report.mark('stop worker');
        noteWarnings(worker, report);
      }
      // Every job that left the queue completed: each must be exactly one row.
      const [pending, failed, final, dlq] = await Promise.all([pendingJobs(r.trades), failedJobs(r.trades), countFinal(client, r.database), allJobs(r.dlq)]);
      const completed = total - pending - failed;
      report.expect(final === completed, `count() FINAL = ${final}, but ${completed} jobs completed (${final < completed ? 'lost' : 'duplicated'} ${Math.abs(final - completed)})`);
      report.expect(failed === 0, `${failed} failed jobs`);
      report.expect(dlq === 0, `DLQ holds ${dlq} jobs`);
      const inserted = Number(worker.reports.find((x) => 'inserted' in x)?.inserted ?? -1);
      report.mark('verify');
      report.expect(inserted === final, `worker reports ${inserted} inserts, ClickHouse has ${final} rows`);
    });
  },
};
