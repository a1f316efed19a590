import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeFill, decodeRecord, encodeFill, encodeRecord } from '../../src/orders/fill-encoding.js';
import type { OrderFill } from '../../src/orders/order-fill.js';
import { makeTrade } from '../helpers/trade-factory.js';

const fields = (f: OrderFill | undefined) => f && [f.trade_id, f.qty, f.price, f.ts_ns, f.order_status, f.cum_qty, f.order_qty, f.symbol, f.side, f.venue];

test('a fill decodes to the fields it was encoded with, in a hash and in a batch record', () => {
  const a = makeTrade({ order_id: 'R-1', account: 'ACC-1', qty: '1.5', cum_qty: '1.5', order_qty: '3', symbol: 'BRK.B', venue: 'X_NAS' });
  const b = makeTrade({ order_id: 'R-2', account: 'ACC-1', order_status: 'cancelled' });
  const c = makeTrade({ order_id: 'R-1', account: 'ACC-1', qty: '1.5', cum_qty: '3', order_qty: '3', order_status: 'filled' });
  assert.deepEqual(fields(decodeFill(a.trade_id, encodeFill(a))), fields(a));
  const decoded = decodeRecord(encodeRecord([{ member: 'ACC-1|R-1', fills: [a] }, { member: 'ACC-1|R-2', fills: [b] }, { member: 'ACC-1|R-1', fills: [c] }]));
  assert.deepEqual([...decoded.keys()], ['ACC-1|R-1', 'ACC-1|R-2']);
  assert.deepEqual(decoded.get('ACC-1|R-1')?.map(fields), [a, c].map(fields));
  assert.deepEqual(decoded.get('ACC-1|R-2')?.map(fields), [fields(b)]);
  assert.equal(decodeRecord('').size, 0, 'an empty record holds no fill');
});
