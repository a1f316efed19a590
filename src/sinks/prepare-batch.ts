import type { TradeRow } from './trade-row.js';

function byTime(a: TradeRow, b: TradeRow): number {
  const x = a.trade;
  const y = b.trade;
  if (x.symbol !== y.symbol) return x.symbol < y.symbol ? -1 : 1;
  if (x.ts_ns.length !== y.ts_ns.length) return x.ts_ns.length - y.ts_ns.length;
  return x.ts_ns < y.ts_ns ? -1 : x.ts_ns > y.ts_ns ? 1 : 0;
}

/** Drops repeated trade_ids (first wins) and sorts by (symbol, ts_ns) for the insert. */
export function prepareBatch(rows: readonly TradeRow[]): { unique: TradeRow[]; duplicates: number } {
  const seen = new Set<string>();
  const unique: TradeRow[] = [];
  for (const row of rows) {
    if (seen.has(row.trade.trade_id)) continue;
    seen.add(row.trade.trade_id);
    unique.push(row);
  }
  unique.sort(byTime);
  return { unique, duplicates: rows.length - unique.length };
}
