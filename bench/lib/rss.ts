import type { Report } from './report.js';
import type { WorkerProcess } from './worker-process.js';

/** Records the worker's peak RSS (VmHWM, the figure the goal judges) and its idle RSS when it became ready (the largest, for several). */
export function reportRss(report: Report, ...workers: WorkerProcess[]): void {
  const largest = (values: (number | undefined)[]) => (values.some((v) => v === undefined) ? undefined : Math.max(...(values as number[])));
  const peak = largest(workers.map((w) => w.peakRss()));
  const ready = largest(workers.map((w) => w.readyRss));
  const of = workers.length === 1 ? 'the worker' : `the largest of ${workers.length} workers`;
  if (peak !== undefined) report.figure('rss', `peak RSS of ${of} (VmHWM)`, peak / 2 ** 20, 'MiB');
  if (ready !== undefined) report.figure('rss-idle', '  of which idle RSS at start (VmRSS when ready)', ready / 2 ** 20, 'MiB');
}
