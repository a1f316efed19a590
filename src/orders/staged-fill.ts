import { compareDecimal } from '../trade/decimal.js';
import type { Trade } from '../trade/trade-schema.js';

/**
 * What the order tracker needs of one fill, and keeps of it in Redis: a trade's own fields, so
 * a trade is one as it is (no copy per fill on the hot path).
 */
export type StagedFill = Pick<Trade, 'trade_id' | 'qty' | 'price' | 'ts_ns' | 'order_status' | 'cum_qty' | 'order_qty' | 'symbol' | 'side' | 'venue'>;

/** Validated trade fields never contain '|', so it separates them safely. */
export function encodeFill(t: StagedFill): string {
  return `${t.qty}|${t.price}|${t.ts_ns}|${t.order_status}|${t.cum_qty}|${t.order_qty}|${t.symbol}|${t.side}|${t.venue}`;
}

export function decodeFill(tradeId: string, encoded: string): StagedFill {
  const [qty = '0', price = '0', tsNs = '0', status = 'partial', cumQty = '0', orderQty = '0', symbol = '', side = 'buy', venue = ''] = encoded.split('|');
  return {
    trade_id: tradeId,
    qty,
    price,
    ts_ns: tsNs,
    order_status: status as StagedFill['order_status'],
    cum_qty: cumQty,
    order_qty: orderQty,
    symbol,
    side: side as StagedFill['side'],
    venue,
  };
}

/**
 * A fill that ends its order: status filled or cancelled, or cum_qty equal to order_qty.
 * Both are validated decimal strings, so they compare exactly.
 */
export function isTerminalFill(status: Trade['order_status'], cumQty: string, orderQty: string): boolean {
  return status !== 'partial' || compareDecimal(cumQty, orderQty) === 0;
}

/** The order a trade belongs to (its member in Redis): account and order id, joined by '|' (neither holds one). */
export function orderMember(account: string, orderId: string): string {
  return `${account}|${orderId}`;
}

/** orderMember's account and order id back. */
export function splitOrderMember(member: string): [account: string, orderId: string] {
  const bar = member.indexOf('|');
  return [member.slice(0, bar), member.slice(bar + 1)];
}
