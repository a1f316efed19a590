import { procCpuSeconds } from './proc-status.js';
import type { Report } from './report.js';

/**
 * CPU time worker processes spend per item over a phase (user + system, all their threads).
 * Wall-clock rates on a shared 2-core VM swing by ±30% between runs; CPU per item swings less
 * (±15% here), so it is the better figure to compare before/after a change, run back to back.
 */
export function startCpuMeter(...pids: number[]): (report: Report, items: number, unit: 'trade' | 'job') => void {
  const total = (): number | undefined => {
    const each = pids.map(procCpuSeconds);
    return each.some((s) => s === undefined) ? undefined : each.reduce<number>((a, s) => a + (s as number), 0);
  };
  const before = total();
  return (report, items, unit) => {
    const after = total();
    if (before === undefined || after === undefined || items <= 0) return;
    const whose = pids.length === 1 ? 'worker CPU' : `CPU of the ${pids.length} workers`;
    report.figure('cpu', `${whose} per ${unit} during the drain (user + sys)`, ((after - before) * 1e6) / items, `µs/${unit}`);
  };
}
