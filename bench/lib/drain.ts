import { countRows } from './clickhouse-queries.js';
import { progress } from './progress.js';
import { pendingJobs } from './queue-counts.js';
import type { ScenarioResources } from './resources.js';
import { pollUntil } from './timing.js';

/** How often the throughput scenarios look at Redis / ClickHouse to see the end of a drain. */
export const DRAIN_POLL_MS = 20;

/** Resolves with performance.now() of the first poll that saw the trades queue with no unfinished job. */
export async function waitQueueEmpty(r: ScenarioResources, totalJobs: number, label: string, timeoutMs = 300_000): Promise<number> {
  const bar = progress(label, totalJobs, 'jobs');
  let left = totalJobs;
  try {
    return await pollUntil(
      async () => {
        left = await pendingJobs(r.trades);
        bar.update(totalJobs - left);
        return left === 0;
      },
      { intervalMs: DRAIN_POLL_MS, timeoutMs, what: `${label}: queue to drain`, progress: () => `${left} jobs left` },
    );
  } finally {
    bar.stop();
  }
}

/**
 * Resolves with performance.now() of the first poll that saw at least `targetRows` rows in the
 * trades table and no unfinished job (a job completes only after its rows are inserted).
 */
export async function waitRowsInserted(r: ScenarioResources, targetRows: number, label: string, options: { baseline?: number; timeoutMs?: number } = {}): Promise<number> {
  const client = r.clickhouse;
  if (client === undefined) throw new Error('waitRowsInserted needs a database');
  const baseline = options.baseline ?? 0;
  const bar = progress(label, targetRows - baseline);
  let rows = 0;
  let left = -1;
  try {
    return await pollUntil(
      async () => {
        rows = await countRows(client, r.database);
        bar.update(rows - baseline);
        if (rows < targetRows) return false;
        left = await pendingJobs(r.trades);
        return left === 0;
      },
      { intervalMs: DRAIN_POLL_MS, timeoutMs: options.timeoutMs ?? 300_000, what: `${label}: ${targetRows} rows`, progress: () => `${rows} rows, ${left} jobs unfinished` },
    );
  } finally {
    bar.stop();
  }
}
