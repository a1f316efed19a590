/** Renders rows as an aligned text table with a header line. Values are shown with String(). */
export function renderTable(columns: readonly string[], rows: readonly (readonly unknown[])[]): string[] {
  const text = rows.map((r) => r.map((v) => (v === null || v === undefined ? 'NULL' : String(v))));
  const widths = columns.map((c, i) => Math.max(c.length, ...text.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...text.map(line)];
}
