import { compareDecimal } from '../trade/decimal.js';
import type { Trade } from '../trade/trade-schema.js';

/**
 * What the orders need of one fill: a trade's own fields, so a trade is one as it is (no copy
 * per fill on the hot path).
 */
export type OrderFill = Pick<Trade, 'trade_id' | 'qty' | 'price' | 'ts_ns' | 'order_status' | 'cum_qty' | 'order_qty' | 'symbol' | 'side' | 'venue'>;

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
