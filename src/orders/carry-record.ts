import type { OrderFills } from './group-by-order.js';
import type { StagedFill } from './staged-fill.js';

/** Strings per fill: its trade id, then qty, price, ts_ns, order_status, cum_qty, order_qty, symbol, side, venue. */
const PER_FILL = 10;

/**
 * A carry record's value: per order its member, its fill count, then each fill's fields, all in
 * one flat JSON array of strings. A large batch writes thousands of fills per record: the fills'
 * own strings go straight into JSON.stringify, with nothing built per fill (no encoded string,
 * no array), which made writing a record about a third cheaper than [member, id, encoded] rows.
 */
export function encodeCarryRecord(orders: readonly OrderFills[]): string {
  const flat: string[] = [];
  for (const { member, fills } of orders) {
    flat.push(member, String(fills.length));
    for (const f of fills) flat.push(f.trade_id, f.qty, f.price, f.ts_ns, f.order_status, f.cum_qty, f.order_qty, f.symbol, f.side, f.venue);
  }
  return JSON.stringify(flat);
}

/** Fills by order of a carry record (a member repeated across its orders is merged). */
export function decodeCarryRecord(value: string): Map<string, StagedFill[]> {
  const flat = JSON.parse(value) as string[];
  const orders = new Map<string, StagedFill[]>();
  for (let i = 0; i < flat.length; ) {
    const member = flat[i++] as string;
    const count = Number(flat[i++]);
    let fills = orders.get(member);
    if (fills === undefined) orders.set(member, (fills = []));
    for (let n = 0; n < count; n++, i += PER_FILL) {
      const [tradeId = '', qty = '0', price = '0', tsNs = '0', status = 'partial', cumQty = '0', orderQty = '0', symbol = '', side = 'buy', venue = ''] = flat.slice(i, i + PER_FILL);
      fills.push({ trade_id: tradeId, qty, price, ts_ns: tsNs, order_status: status as StagedFill['order_status'], cum_qty: cumQty, order_qty: orderQty, symbol, side: side as StagedFill['side'], venue });
    }
  }
  return orders;
}
