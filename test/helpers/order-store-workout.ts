import assert from 'node:assert/strict';
import type { OrderStore } from '../../src/orders/order-store.js';
import { makeTrade } from './trade-factory.js';

const fill = (orderId: string, qty: string, cum: string, status: 'partial' | 'filled') => makeTrade({ order_id: orderId, qty, cum_qty: cum, order_qty: '3', order_status: status });

/**
 * Calls every method of the store once or more, on four orders whose members hold braces of their
 * own, asserting what each returns; leaves only `incomplete-total` behind.
 */
export async function orderStoreWorkout(store: OrderStore): Promise<void> {
  const now = Date.now();
  const members = ['ACC-{1}|O-1', 'ACC-1|{O}-2', 'ACC-}{|O-3', 'ACC-1|O-4'];
  const [m1, m2, m3, m4] = members as [string, string, string, string];
  const due = await store.stage(
    [
      { member: m1, firstSeen: now, fills: [fill('O-1', '1', '1', 'partial')] },
      { member: m2, firstSeen: now, fills: [fill('O-2', '3', '3', 'filled')] },
      { member: m3, firstSeen: now, fills: [fill('O-3', '2', '3', 'filled')] },
      { member: m4, firstSeen: now, fills: [fill('O-4', '1', '1', 'partial')] },
    ],
    now,
  );
  assert.deepEqual([...due.keys()].sort(), [m2, m3].sort(), 'orders with a terminal fill are due');
  const loaded = await store.load(members);
  assert.equal(loaded.size, 4);
  await store.park([{ member: m3, fields: loaded.get(m3)?.fields ?? 0 }]);
  assert.deepEqual(await store.dueBefore(now + 1, 10), [m2]);
  assert.equal((await store.pendingBefore(Infinity, 10)).length, 4);
  await store.markIncomplete([m4], now);
  const id = await store.writeRecord([{ member: m1, fills: [fill('O-1', '1', '2', 'partial')] }], now);
  const entries = await store.recordsBefore(now + 1, 10);
  assert.deepEqual(entries.map((e) => e.id), [id]);
  assert.equal((await store.readBatchRecords(entries))[0]?.fills.get(m1)?.length, 1);
  await store.dropRecords([id]);
  await store.forgetStaged([{ member: m2 }, { member: m4 }]);
  assert.deepEqual(await store.counts(), { pending: 2, incomplete: 0, incompleteTotal: 1 });
  await store.forget(members);
  assert.deepEqual(await store.counts(), { pending: 0, incomplete: 0, incompleteTotal: 1 });
}
