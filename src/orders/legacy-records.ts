import { decodeFill } from './fill-encoding.js';
import type { OrderFill } from './order-fill.js';

/**
 * Batch records written by releases before the order book (0.x up to this change): `whole:<id>`
 * indexed in `whole-records` (JSON [member, trade id, encoded fill] rows) and `carry:<id>`
 * indexed in `carry-records` (a flat JSON array: member, fill count, then ten strings per fill).
 * The sweep recovers them like its own records (src/orders/README.md, rolling upgrades); drop
 * this file once no such release runs.
 */
export const LEGACY_RECORDS = [
  { index: 'whole-records', prefix: 'whole:', decode: decodeWholeRecord },
  { index: 'carry-records', prefix: 'carry:', decode: decodeCarryRecord },
] as const;

function decodeWholeRecord(value: string): Map<string, OrderFill[]> {
  const orders = new Map<string, OrderFill[]>();
  for (const [member, tradeId, encoded] of JSON.parse(value) as [string, string, string][]) add(orders, member, decodeFill(tradeId, encoded));
  return orders;
}

function decodeCarryRecord(value: string): Map<string, OrderFill[]> {
  const flat = JSON.parse(value) as string[];
  const orders = new Map<string, OrderFill[]>();
  for (let i = 0; i < flat.length; ) {
    const member = flat[i++] as string;
    const count = Number(flat[i++]);
    for (let n = 0; n < count; n++, i += 10) add(orders, member, decodeFill(flat[i] as string, flat.slice(i + 1, i + 10).join('|')));
  }
  return orders;
}

function add(orders: Map<string, OrderFill[]>, member: string, fill: OrderFill): void {
  const fills = orders.get(member);
  if (fills === undefined) orders.set(member, [fill]);
  else fills.push(fill);
}
