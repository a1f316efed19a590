import type { Trade } from '../trade/trade-schema.js';
import { OrderAccumulator } from './order-accumulator.js';
import { orderMember } from './order-fill.js';

/** An order with a batch's fills added. */
export interface BatchOrder {
  readonly order: OrderAccumulator;
  /** How many of its fills it had before this batch (carried from earlier ones). */
  readonly before: number;
}

/**
 * A batch's fills by order, orders in first-seen order, a repeated trade id kept once. The batch
 * is read once, in arrival order, each fill folded into its order's totals at once (a trade's
 * fields are read while they are at hand, not again per order). An order `carried` from earlier
 * batches takes the new fills itself. No member string is built per fill, nor per order unless
 * an order id is shared by two accounts.
 */
export function groupByOrder(rows: readonly { readonly trade: Trade }[], carried?: (account: string, orderId: string) => OrderAccumulator | undefined): BatchOrder[] {
  // Keyed by order id alone (one lookup per fill); an order id that two accounts share goes to
  // a second map by member.
  const byOrderId = new Map<string, OrderAccumulator>();
  let byMember: Map<string, OrderAccumulator> | undefined;
  const out: BatchOrder[] = [];
  const start = (t: Trade, member?: string): OrderAccumulator => {
    const order = carried?.(t.account, t.order_id) ?? new OrderAccumulator(t.account, t.order_id, member);
    out.push({ order, before: order.fills.length });
    return order;
  };
  for (let i = 0; i < rows.length; i++) {
    const t = (rows[i] as { readonly trade: Trade }).trade;
    let order = byOrderId.get(t.order_id);
    if (order === undefined) {
      byOrderId.set(t.order_id, (order = start(t)));
    } else if (order.account !== t.account) {
      const member = orderMember(t.account, t.order_id);
      byMember ??= new Map();
      order = byMember.get(member);
      if (order === undefined) byMember.set(member, (order = start(t, member)));
    }
    order.add(t);
  }
  return out;
}
