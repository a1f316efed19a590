import type { Goal } from './goals.js';
import type { ScenarioResult } from './report.js';

const group = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A figure as printed: thousands separators for rates, one decimal for ms, two for ratios. */
export function formatValue(value: number | undefined, unit: string): string {
  if (value === undefined || !Number.isFinite(value)) return 'n/a';
  switch (unit) {
    case 'ms':
      return `${value.toFixed(1)} ms`;
    case 'MiB':
      return `${value.toFixed(0)} MiB`;
    case 'MiB/s':
    case 'µs/trade':
    case 'µs/job':
      return `${value.toFixed(1)} ${unit}`;
    case '':
      return value.toFixed(2);
    case '×':
      return `${value.toFixed(1)}×`;
    default:
      return `${group.format(value)} ${unit}`;
  }
}

function formatBare(value: number, unit: string): string {
  if (unit === 'ms' || unit === 'MiB') return value.toFixed(unit === 'ms' ? 1 : 0);
  if (unit === '') return value.toFixed(2);
  if (unit === '×') return `${value.toFixed(1)}×`;
  return group.format(value);
}

/** "0.74 ≥ 0.70 ✓", "412 ≤ 256 MiB ✗", or "n/a (needs naive-peer)". */
export function formatGoal(g: Goal): string {
  if (g.info) return g.value === undefined ? `n/a (${g.missing ?? 'no value'})` : '';
  const op = g.op === '>=' ? '≥' : '≤';
  const target = `${formatBare(g.target, g.unit)}${g.unit === 'MiB' || g.unit === 'ms' ? ` ${g.unit}` : ''}`;
  if (g.value === undefined) return `${op} ${target}: n/a (${g.missing ?? 'no value'})`;
  return `${formatBare(g.value, g.unit)} ${op} ${target} ${g.met ? '✓' : '✗'}`;
}

/** Renders rows as a box-drawn table; the first row is the header. `null` rows are separators. */
export function renderTable(rows: readonly (readonly string[] | null)[]): string {
  const cells = rows.filter((r): r is readonly string[] => r !== null);
  const widths = (cells[0] ?? []).map((_, c) => Math.max(...cells.map((r) => [...(r[c] ?? '')].length)));
  const pad = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - [...text].length));
  const line = (l: string, m: string, r: string) => `${l}${widths.map((w) => '─'.repeat(w + 2)).join(m)}${r}`;
  const out = [line('┌', '┬', '┐')];
  rows.forEach((row, i) => {
    if (row === null) out.push(line('├', '┼', '┤'));
    else out.push(`│${widths.map((w, c) => ` ${pad(row[c] ?? '', w)} `).join('│')}│`);
    if (i === 0) out.push(line('├', '┼', '┤'));
  });
  out.push(line('└', '┴', '┘'));
  return out.join('\n');
}

/** The one results table: every figure of every scenario, with the goals next to the figures they judge. */
export function resultsTable(results: readonly ScenarioResult[], goals: readonly Goal[]): string {
  const rows: (string[] | null)[] = [['scenario', 'measure', 'value', 'goal', 'counts']];
  results.forEach((r, index) => {
    if (index > 0) rows.push(null);
    const mine = goals.filter((g) => g.scenario === r.name);
    const status = r.status === 'ok' ? 'OK' : 'FAIL';
    let first = true;
    const push = (measure: string, value: string, goal: string) => {
      rows.push([first ? r.name : '', measure, value, goal, first ? status : '']);
      first = false;
    };
    for (const f of r.figures) {
      const g = mine.find((x) => x.figureKey === f.key);
      push(f.label, formatValue(f.value, f.unit), g ? formatGoal(g) : '');
    }
    const printed = (g: Goal) => g.figureKey !== undefined && r.figures.some((f) => f.key === g.figureKey);
    for (const g of mine.filter((x) => !printed(x))) push(g.label, formatValue(g.value, g.unit), formatGoal(g));
    if (first) push(r.title, r.status === 'ok' ? '' : 'no figures', '');
  });
  return renderTable(rows);
}
