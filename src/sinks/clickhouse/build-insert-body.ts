import type { TradeRow } from '../trade-row.js';
import { TRADE_COLUMNS } from './trade-columns.js';

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const NULL = '\\N';

/** TabSeparated escaping; validated fields never need it, but the body must be safe regardless. */
function field(value: string): string {
  return NEEDS_ESCAPE.test(value)
    ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : value;
}

/**
 * The INSERT body: one TabSeparated line per row in TRADE_COLUMNS order. Decimals and ts_ns go
 * as their exact text (never through a float); no value is ever spliced into SQL.
 */
export function buildInsertBody(rows: readonly TradeRow[]): string {
  const lines: string[] = new Array(rows.length + 1);
  let i = 0;
  for (const { trade: t, kid } of rows) {
    const v2 = t.schema_version === 2;
    lines[i++] = [
      t.schema_version, t.trade_id, field(t.order_id), t.fill_seq, field(t.symbol), t.side,
      t.price, t.qty, t.order_qty, t.cum_qty, t.order_status, t.ts_ns, field(t.venue), field(t.account), field(kid),
      v2 && t.fee !== undefined ? t.fee : NULL, v2 && t.liquidity !== undefined ? t.liquidity : NULL,
    ].join('\t');
  }
  lines[i] = ''; // trailing newline
  return lines.join('\n');
}

export const INSERT_COLUMNS: readonly string[] = TRADE_COLUMNS;
