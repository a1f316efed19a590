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
  let body = '';
  for (const { trade: t, kid } of rows) {
    const fee = t.schema_version === 2 && t.fee !== undefined ? t.fee : NULL;
    const liquidity = t.schema_version === 2 && t.liquidity !== undefined ? t.liquidity : NULL;
    body +=
      `${t.schema_version}\t${t.trade_id}\t${field(t.order_id)}\t${t.fill_seq}\t${field(t.symbol)}\t${t.side}\t` +
      `${t.price}\t${t.qty}\t${t.order_qty}\t${t.cum_qty}\t${t.order_status}\t${t.ts_ns}\t` +
      `${field(t.venue)}\t${field(t.account)}\t${field(kid)}\t${fee}\t${liquidity}\n`;
  }
  return body;
}

export const INSERT_COLUMNS: readonly string[] = TRADE_COLUMNS;
