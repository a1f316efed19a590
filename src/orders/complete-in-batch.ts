import type { Trade } from '../trade/trade-schema.js';
import type { OrderRow } from './compute-order.js';
import { groupByOrder, type BatchOrder, type OrderFills } from './group-by-order.js';

/** An order whose fills make it complete, with its row. */
export interface CompleteOrder extends OrderFills {
  readonly row: OrderRow;
}

export interface BatchOrders {
  /** Orders whose every fill is in this batch: their final rows, ready to insert. */
  readonly complete: CompleteOrder[];
  /** Fills of every other order, by order: they must be staged until the rest of their fills arrive. */
  readonly open: OrderFills[];
}

/**
 * Splits a batch's fills by order. Most orders fill within milliseconds, so all their fills are
 * in one batch: computeOrder on those fills alone (duplicates by trade id removed) is already
 * complete, exactly as it would be from Redis, and they need no staging at all. The rest go to
 * the Redis path. A fill that was also staged earlier (a redelivered job) leaves a pending entry
 * that the tracker forgets once the order is written.
 */
export function completeInBatch(rows: readonly { readonly trade: Trade }[]): BatchOrders {
  return completeInGroups(groupByOrder(rows));
}

/** completeInBatch on fills already grouped by order. */
export function completeInGroups(groups: readonly BatchOrder[]): BatchOrders {
  const complete: CompleteOrder[] = [];
  const open: OrderFills[] = [];
  for (const { order } of groups) {
    const row = order.row();
    if (row !== undefined) complete.push({ member: order.member, fills: order.fills, row });
    else open.push(order);
  }
  return { complete, open };
}
