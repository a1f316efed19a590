import { countFinal, countRows } from './clickhouse-queries.js';
import { allJobs, failedJobs, pendingJobs } from './queue-counts.js';
import type { Report } from './report.js';
import type { ScenarioResources } from './resources.js';
import type { WorkerProcess } from './worker-process.js';

/**
 * The end-of-scenario check: count() FINAL equals `expected` (nothing lost, nothing duplicated),
 * the trades queue has no unfinished or failed job, and the DLQ is empty. Problems go to `report`.
 */
export async function verifyPipeline(r: ScenarioResources, expected: number, report: Report, options: { pendingAllowed?: boolean } = {}): Promise<void> {
  if (r.clickhouse === undefined) throw new Error('verifyPipeline needs a database');
  const [final, physical, pending, failed, dlq] = await Promise.all([
    countFinal(r.clickhouse, r.database),
    countRows(r.clickhouse, r.database),
    pendingJobs(r.trades),
    failedJobs(r.trades),
    allJobs(r.dlq),
  ]);
  if (final !== expected) {
    report.problem(`count() FINAL = ${final}, expected ${expected} (${final < expected ? `${expected - final} lost` : `${final - expected} duplicated`})`);
  }
  if (physical > final) report.note(`${physical - final} physical duplicate rows (a re-inserted batch; FINAL collapses them)`);
  if (!options.pendingAllowed) report.expect(pending === 0, `${pending} jobs still unfinished in the trades queue`);
  report.expect(failed === 0, `${failed} failed jobs in the trades queue`);
  report.expect(dlq === 0, `DLQ holds ${dlq} jobs`);
}

/** Copies the child worker's warnings (job failures, dead letters) into the report's notes. */
export function noteWarnings(worker: WorkerProcess, report: Report): void {
  if (worker.warnings.length === 0) return;
  report.note(`${worker.label} logged ${worker.warnings.length} warnings; first: ${worker.warnings[0]}`);
}
