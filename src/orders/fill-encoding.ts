import type { OrderFill } from './order-fill.js';

/**
 * The one encoding of a fill in Redis: its fields but the trade id, joined by '|' (validated
 * trade fields never hold '|' nor a line break). An order's hash holds it under the trade id; a
 * batch record holds `account|order_id|trade_id|<this>` per line.
 */
export function encodeFill(f: OrderFill): string {
  return `${f.qty}|${f.price}|${f.ts_ns}|${f.order_status}|${f.cum_qty}|${f.order_qty}|${f.symbol}|${f.side}|${f.venue}`;
}

export function decodeFill(tradeId: string, encoded: string): OrderFill {
  return fillOf(tradeId, encoded.split('|'), 0);
}

function fillOf(tradeId: string, p: readonly string[], at: number): OrderFill {
  const [qty = '0', price = '0', tsNs = '0', status = 'partial', cumQty = '0', orderQty = '0', symbol = '', side = 'buy', venue = ''] = p.slice(at, at + 9);
  return { trade_id: tradeId, qty, price, ts_ns: tsNs, order_status: status as OrderFill['order_status'], cum_qty: cumQty, order_qty: orderQty, symbol, side: side as OrderFill['side'], venue };
}

/** One order's fills, by its member (`account|order_id`). */
export interface OrderFills {
  readonly member: string;
  readonly fills: readonly OrderFill[];
}

/** A batch record's value: one line per fill, `member|trade_id|encodeFill(fill)`. */
export function encodeRecord(orders: readonly OrderFills[]): string {
  const lines: string[] = [];
  for (const { member, fills } of orders) for (const f of fills) lines.push(`${member}|${f.trade_id}|${encodeFill(f)}`);
  return lines.join('\n');
}

/** A batch record's fills by order, in the order they were written. */
export function decodeRecord(value: string): Map<string, OrderFill[]> {
  const orders = new Map<string, OrderFill[]>();
  if (value === '') return orders;
  for (const line of value.split('\n')) {
    const p = line.split('|');
    const member = `${p[0]}|${p[1]}`;
    let fills = orders.get(member);
    if (fills === undefined) orders.set(member, (fills = []));
    fills.push(fillOf(p[2] ?? '', p, 3));
  }
  return orders;
}
