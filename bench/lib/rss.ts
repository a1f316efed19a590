import type { Report } from './report.js';
import type { WorkerProcess } from './worker-process.js';

/** Records the worker's peak RSS (VmHWM, the figure the goal judges) and its idle RSS when it became ready. */
export function reportRss(report: Report, worker: WorkerProcess): void {
  const peak = worker.peakRss();
  if (peak !== undefined) report.figure('rss', 'peak RSS of the worker (VmHWM)', peak / 2 ** 20, 'MiB');
  if (worker.readyRss !== undefined) report.figure('rss-idle', '  of which idle RSS at start (VmRSS when ready)', worker.readyRss / 2 ** 20, 'MiB');
}
