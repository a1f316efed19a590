import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupByOrder } from '../../src/orders/group-by-order.js';
import type { OrderRow } from '../../src/orders/order-row.js';
import type { TradeRow } from '../../src/sinks/trade-row.js';
import type { Trade } from '../../src/trade/trade-schema.js';
import { makeTrade } from '../helpers/trade-factory.js';

/** A batch's orders split as the tracker splits them: complete (with their rows) and open. */
function completeInBatch(rows: readonly TradeRow[]): { complete: { row: OrderRow }[]; open: { fills: readonly { trade_id: string }[] }[] } {
  const complete: { row: OrderRow }[] = [];
  const open: { fills: readonly { trade_id: string }[] }[] = [];
  for (const { order } of groupByOrder(rows)) {
    const r = order.row();
    if (r !== undefined) complete.push({ row: r });
    else open.push(order);
  }
  return { complete, open };
}

function row(trade: Trade): TradeRow {
  return { trade, kid: 'k1', source: { jobId: '1', index: 0, envelope: null } };
}

function fill(orderId: string, seq: number, qty: string, cum: string, status: Trade['order_status'], price = '10'): TradeRow {
  return row(makeTrade({ order_id: orderId, fill_seq: seq, qty, cum_qty: cum, order_qty: '6', order_status: status, price }));
}

test('an order with all its fills in the batch is complete at once; a repeated fill counts once', () => {
  const a1 = fill('A', 1, '1', '1', 'partial', '10');
  const a2 = fill('A', 2, '2', '3', 'partial', '11');
  const a3 = fill('A', 3, '3', '6', 'filled', '12');
  const { complete, open } = completeInBatch([a1, a2, a2, a3]);
  assert.equal(open.length, 0);
  assert.equal(complete.length, 1);
  const order = complete[0]!.row;
  assert.equal(order.status, 'filled');
  assert.equal(order.fillCount, 3);
  assert.equal(order.filledQty, '6');
  assert.equal(order.notional, '68'); // 1×10 + 2×11 + 3×12
});

test('an order missing a fill, or without its terminal fill, stays open with all its rows', () => {
  const missing = [fill('B', 2, '2', '3', 'partial'), fill('B', 3, '3', '6', 'filled')];
  const unfinished = [fill('C', 1, '1', '1', 'partial')];
  const done = [fill('D', 1, '6', '6', 'filled')];
  const { complete, open } = completeInBatch([...missing, ...unfinished, ...done]);
  assert.deepEqual(complete.map((c) => c.row.orderId), ['D']);
  assert.deepEqual(open.flatMap((g) => g.fills).map((f) => f.trade_id).sort(), [...missing, ...unfinished].map((r) => r.trade.trade_id).sort());
});

test('a cancelled order whose fills add up to its last cum_qty is complete as cancelled', () => {
  const { complete } = completeInBatch([fill('E', 1, '1', '1', 'partial'), fill('E', 2, '1', '2', 'cancelled')]);
  assert.equal(complete[0]?.row.status, 'cancelled');
  assert.equal(complete[0]?.row.filledQty, '2');
});
