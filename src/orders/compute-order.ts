import { OrderAccumulator } from './order-accumulator.js';
import type { OrderRow } from './order-row.js';
import type { OrderFill } from './order-fill.js';

export type { OrderRow } from './order-row.js';

/**
 * The order's state from the fills seen so far (duplicates already removed by trade id). It is
 * complete when a terminal fill is present (status filled or cancelled, or cum_qty = order_qty)
 * and the quantities seen add up to that fill's cum_qty — so fills that arrive out of order
 * still give one correct row. With `force`, an incomplete order is summarized as `incomplete`.
 * Exact: in doubles while every integer stays safe, else in BigInt (OrderAccumulator).
 */
export function computeOrder(account: string, orderId: string, fills: readonly OrderFill[], force = false): OrderRow | undefined {
  const order = new OrderAccumulator(account, orderId);
  for (const f of fills) order.push(f);
  return order.row(force);
}
