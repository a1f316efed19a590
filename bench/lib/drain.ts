import { countFinal, countRows } from './clickhouse-queries.js';
import { progress } from './progress.js';
import { pendingJobs } from './queue-counts.js';
import type { Report } from './report.js';
import type { ScenarioResources } from './resources.js';
import type { WorkerProcess } from './worker-process.js';
import { perSecond, pollUntil } from './timing.js';

/** How often the throughput scenarios look at Redis / ClickHouse to see the end of a drain. */
export const DRAIN_POLL_MS = 20;

export interface Drain {
  /** performance.now() of the poll that saw the end, or of the last poll on a timeout. */
  readonly endedAt: number;
  readonly timedOut: boolean;
  /** Units done at `endedAt` (all of them unless timed out). */
  readonly done: number;
  /** Jobs still unfinished at `endedAt`. */
  readonly jobsLeft: number;
  /** Set when the worker process died before the drain ended. */
  readonly workerExit?: number | string;
}

/** Records a drain's rate as a figure; a timed-out drain also becomes a problem (its rate is partial). */
export function reportDrain(report: Report, drain: Drain, startedAt: number, total: number, what: { key: string; label: string; unit: string; timeoutS: number }): void {
  report.figure(what.key, what.label + (drain.timedOut ? ' (partial)' : ''), perSecond(drain.done, drain.endedAt - startedAt), what.unit);
  if (drain.workerExit !== undefined) report.problem(`${what.label}: the worker process exited (${drain.workerExit}) with ${drain.done} of ${total} done`);
  else if (drain.timedOut) report.problem(`${what.label}: not finished after the ${what.timeoutS} s limit (--max-wait): ${drain.done} of ${total} done, ${drain.jobsLeft} jobs unfinished`);
}

/** Waits until the trades queue holds no unfinished job. */
export async function waitQueueEmpty(r: ScenarioResources, worker: WorkerProcess, totalJobs: number, label: string, timeoutMs: number): Promise<Drain> {
  const bar = progress(label, totalJobs, 'jobs');
  let left = totalJobs;
  try {
    const at = await pollUntil(
      async () => {
        left = await pendingJobs(r.trades);
        bar.update(totalJobs - left);
        return left === 0 || worker.exitStatus() !== undefined;
      },
      { intervalMs: DRAIN_POLL_MS, timeoutMs },
    );
    const workerExit = left === 0 ? undefined : worker.exitStatus();
    return { endedAt: at ?? performance.now(), timedOut: at === undefined || workerExit !== undefined, done: totalJobs - left, jobsLeft: left, ...(workerExit === undefined ? {} : { workerExit }) };
  } finally {
    bar.stop();
  }
}

/**
 * Waits until the trades table holds at least `targetRows` rows and the queue no unfinished job
 * (a job completes only after its rows are inserted). `baseline` rows were there before.
 */
export async function waitRowsInserted(r: ScenarioResources, worker: Pick<WorkerProcess, 'exitStatus'>, targetRows: number, label: string, timeoutMs: number, baseline = 0): Promise<Drain> {
  const client = r.clickhouse;
  if (client === undefined) throw new Error('waitRowsInserted needs a database');
  const bar = progress(label, targetRows - baseline);
  let rows = baseline;
  let left = -1;
  try {
    const at = await pollUntil(
      async () => {
        rows = await countRows(client, r.database);
        bar.update(rows - baseline);
        if (worker.exitStatus() !== undefined) return true;
        if (rows < targetRows) return false;
        left = await pendingJobs(r.trades);
        return left === 0;
      },
      { intervalMs: DRAIN_POLL_MS, timeoutMs },
    );
    const endedAt = at ?? performance.now();
    if (at === undefined || left < 0) left = await pendingJobs(r.trades);
    const finished = rows >= targetRows && left === 0;
    const workerExit = finished ? undefined : worker.exitStatus();
    // Physical rows may include re-inserted duplicates until merged: an unfinished drain counts distinct trades.
    const done = finished ? targetRows : Math.min(await countFinal(client, r.database), targetRows);
    return { endedAt, timedOut: !finished, done: done - baseline, jobsLeft: left, ...(workerExit === undefined ? {} : { workerExit }) };
  } finally {
    bar.stop();
  }
}
