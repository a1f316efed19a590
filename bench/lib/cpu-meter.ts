import { procCpuSeconds } from './proc-status.js';
import type { Report } from './report.js';

/**
 * CPU time a worker process spends per item over a phase (user + system, all its threads).
 * Wall-clock rates on a shared 2-core box swing with whatever else runs; CPU per item moves only
 * when the code does, so it is the figure to compare before/after a change.
 */
export function startCpuMeter(pid: number): (report: Report, items: number, unit: 'trade' | 'job') => void {
  const before = procCpuSeconds(pid);
  return (report, items, unit) => {
    const after = procCpuSeconds(pid);
    if (before === undefined || after === undefined || items <= 0) return;
    report.figure('cpu', `worker CPU per ${unit} during the drain (user + sys)`, ((after - before) * 1e6) / items, `µs/${unit}`);
  };
}
