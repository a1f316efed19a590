import type { TradeRow } from '../sinks/trade-row.js';
import { computeOrder, type OrderRow } from './compute-order.js';
import { orderMemberOf, type StagedFill } from './staged-fill.js';

/** What the order computation needs of a trade (the same fields Redis stages). */
function fillOf(row: TradeRow): StagedFill {
  const t = row.trade;
  return { tradeId: t.trade_id, qty: t.qty, price: t.price, tsNs: t.ts_ns, status: t.order_status, cumQty: t.cum_qty, orderQty: t.order_qty, symbol: t.symbol, side: t.side, venue: t.venue };
}

export interface BatchOrders {
  /** Orders whose every fill is in this batch: their final rows, ready to insert. */
  readonly complete: { readonly member: string; readonly row: OrderRow; readonly fills: TradeRow[] }[];
  /** Rows of every other order: they must be staged until the rest of their fills arrive. */
  readonly open: TradeRow[];
}

/**
 * Splits a batch's fills by order. Most orders fill within milliseconds, so all their fills are
 * in one batch: computeOrder on those fills alone (duplicates by trade id removed) is already
 * complete, exactly as it would be from Redis, and they need no staging at all. The rest go to
 * the Redis path. A fill that was also staged earlier (a redelivered job) leaves a pending entry
 * the tracker's sweep settles: it finds the order complete in ClickHouse and forgets it.
 */
export function completeInBatch(rows: readonly TradeRow[]): BatchOrders {
  const byOrder = new Map<string, Map<string, TradeRow>>();
  for (const row of rows) {
    const member = orderMemberOf(row.trade);
    let fills = byOrder.get(member);
    if (fills === undefined) byOrder.set(member, (fills = new Map()));
    fills.set(row.trade.trade_id, row);
  }
  const complete: BatchOrders['complete'] = [];
  const open: TradeRow[] = [];
  for (const [member, fills] of byOrder) {
    const list = [...fills.values()];
    const first = list[0] as TradeRow;
    const order = computeOrder(first.trade.account, first.trade.order_id, list.map(fillOf));
    if (order !== undefined) complete.push({ member, row: order, fills: list });
    else open.push(...list);
  }
  return { complete, open };
}
