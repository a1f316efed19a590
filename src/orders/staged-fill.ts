import { compareDecimal } from '../trade/decimal.js';
import type { Trade } from '../trade/trade-schema.js';

/** What the order tracker keeps of one fill in Redis. */
export interface StagedFill {
  readonly tradeId: string;
  readonly qty: string;
  readonly price: string;
  readonly tsNs: string;
  readonly status: Trade['order_status'];
  readonly cumQty: string;
  readonly orderQty: string;
  readonly symbol: string;
  readonly side: Trade['side'];
  readonly venue: string;
}

/** Validated trade fields never contain '|', so it separates them safely. */
export function encodeFill(t: Trade): string {
  return [t.qty, t.price, t.ts_ns, t.order_status, t.cum_qty, t.order_qty, t.symbol, t.side, t.venue].join('|');
}

export function decodeFill(tradeId: string, encoded: string): StagedFill {
  const [qty = '0', price = '0', tsNs = '0', status = 'partial', cumQty = '0', orderQty = '0', symbol = '', side = 'buy', venue = ''] = encoded.split('|');
  return { tradeId, qty, price, tsNs, status: status as StagedFill['status'], cumQty, orderQty, symbol, side: side as StagedFill['side'], venue };
}

/**
 * A fill that ends its order: status filled or cancelled, or cum_qty equal to order_qty.
 * Both are validated decimal strings, so they compare exactly.
 */
export function isTerminalFill(status: Trade['order_status'], cumQty: string, orderQty: string): boolean {
  return status !== 'partial' || compareDecimal(cumQty, orderQty) === 0;
}

/** The order a trade belongs to: account and order id, joined by '|'. */
export function orderMemberOf(t: Pick<Trade, 'account' | 'order_id'>): string {
  return `${t.account}|${t.order_id}`;
}
