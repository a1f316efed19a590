import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createOrderStore, ordersNamespace } from '../../src/wiring/create-order-tracker.js';
import { createLogger } from '../../src/logger.js';
import { decodeCarryRecord, encodeCarryRecord } from '../../src/orders/carry-record.js';
import { ClickHouseOrderSink } from '../../src/orders/clickhouse-order-sink.js';
import { OrderTracker, type OrderTrackerOptions } from '../../src/orders/order-tracker.js';
import { normalizeDecimal } from '../../src/trade/decimal.js';
import type { Trade } from '../../src/trade/trade-schema.js';
import { queryText } from '../helpers/clickhouse-helpers.js';
import { fill, fillRow as row, orderTrackerFixture } from '../helpers/order-tracker-fixture.js';

const f = orderTrackerFixture();
const member = (orderId: string) => `ACC-001|${orderId}`;
const pending = () => `${ordersNamespace(f.config)}:pending`;

/** Every batch counts as large (its open orders are carried) unless told otherwise. */
function tracker(options: Partial<OrderTrackerOptions> = {}): OrderTracker {
  return new OrderTracker({
    store: createOrderStore(f.config, f.redis),
    sink: new ClickHouseOrderSink([f.db.client], f.config.clickhouse.database),
    timeoutMs: 600_000, // sweeps two minutes ahead retry and recover, but time nothing out
    sweepIntervalMs: 60_000,
    log: createLogger('silent'),
    inBatchMinRows: 1,
    ...options,
  });
}

/** Carry records (written up to a minute from now) that hold this order. */
async function carryRecordsOf(orderId: string, before = Date.now() + 60_000) {
  return (await createOrderStore(f.config, f.redis).carryRecordsBefore(before)).filter((r) => r.fills.has(member(orderId)));
}

const orderRow = async (orderId: string) =>
  (await queryText(f.db.client, `SELECT status, fill_count, filled_qty FROM ${f.config.clickhouse.database}.orders FINAL WHERE order_id = '${orderId}'`)).map(([status = '', count = '', filled = '']) => [status, count, normalizeDecimal(filled)]);

test('a carry record decodes to the fills it was written with, by order', () => {
  const orders = ['R-1', 'R-2', 'R-1'].map((orderId, i) => ({ member: member(orderId), fills: Array.from({ length: i + 1 }, (_, n) => fill(orderId, `${n + 1}`, `${n + 1}`, 'partial').trade) }));
  const decoded = decodeCarryRecord(encodeCarryRecord(orders));
  const fields = (f: Trade | undefined) => f && [f.trade_id, f.qty, f.price, f.ts_ns, f.order_status, f.cum_qty, f.order_qty, f.symbol, f.side, f.venue];
  assert.deepEqual([...decoded.keys()], [member('R-1'), member('R-2')]);
  assert.deepEqual(decoded.get(member('R-1'))?.map((f) => [f.trade_id, f.qty, f.price, f.ts_ns, f.order_status, f.cum_qty, f.order_qty, f.symbol, f.side, f.venue]), [...orders[0]!.fills, ...orders[2]!.fills].map(fields));
  assert.deepEqual(decoded.get(member('R-2'))?.length, 2);
});

test('an order spanning two large batches is completed from memory: between them its fills are in a carry record, never staged per order', async () => {
  const t = tracker();
  await t.afterBatch([fill('SPAN-1', '1', '1', 'partial')]);
  const records = await carryRecordsOf('SPAN-1');
  assert.equal(records.length, 1, 'one carry record holds the open order');
  assert.deepEqual(records[0]?.fills.get(member('SPAN-1'))?.map((f) => f.cum_qty), ['1']);
  assert.equal(await f.redis.zscore(pending(), member('SPAN-1')), null, 'not staged per order');

  await t.afterBatch([fill('SPAN-1', '2', '3', 'filled')]);
  await t.stop();
  assert.equal(t.committedCarried, 1);
  assert.equal(t.committedInBatch, 0);
  assert.deepEqual(await orderRow('SPAN-1'), [['filled', '2', '3']]);
  assert.deepEqual(await carryRecordsOf('SPAN-1'), [], 'the record is dropped once its orders are written');
  assert.deepEqual([...(await createOrderStore(f.config, f.redis).load([member('SPAN-1')])).keys()], []);
});

test('a repeated fill carried across batches counts once', async () => {
  const t = tracker();
  const first = fill('REPEAT-1', '1', '1', 'partial');
  await t.afterBatch([first]);
  await t.afterBatch([first]); // a redelivered job
  await t.afterBatch([fill('REPEAT-1', '2', '3', 'filled')]);
  await t.stop();
  assert.deepEqual(await orderRow('REPEAT-1'), [['filled', '2', '3']]);
});

test('on stop, carried orders are staged per order at their first-seen time and their records dropped', async () => {
  const t = tracker();
  const seen = Date.now();
  await t.afterBatch([fill('STOP-1', '1', '1', 'partial')]);
  await t.stop();
  const score = Number(await f.redis.zscore(pending(), member('STOP-1')));
  assert.ok(score >= seen - 1 && score <= Date.now(), `first-seen ${score} is the batch's time`);
  assert.equal((await createOrderStore(f.config, f.redis).load([member('STOP-1')])).get(member('STOP-1'))?.length, 1);
  assert.deepEqual(await carryRecordsOf('STOP-1'), []);

  // Its last fill then completes it from Redis, like any staged order.
  const next = tracker();
  await next.afterBatch([fill('STOP-1', '2', '3', 'filled')]);
  await next.stop(); // stages what it carried; the queued commit of the terminal fill writes the order
  await next.sweep(Date.now() + 120_000);
  assert.deepEqual(await orderRow('STOP-1'), [['filled', '2', '3']]);
  assert.equal(await f.redis.zscore(pending(), member('STOP-1')), null, 'forgotten once written');
});

test('carried orders older than carryMs are staged per order by the timer', async () => {
  const t = tracker({ carryMs: 50 });
  t.start();
  try {
    await t.afterBatch([fill('AGED-1', '1', '1', 'partial')]);
    const deadline = Date.now() + 5_000;
    while ((await f.redis.zscore(pending(), member('AGED-1'))) === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.notEqual(await f.redis.zscore(pending(), member('AGED-1')), null, 'staged once aged');
  } finally {
    await t.stop();
  }
  assert.deepEqual(await carryRecordsOf('AGED-1'), []);
});

test("a crashed worker's carry record is recovered by another worker's sweep, never by its own live owner's", async () => {
  const crashed = tracker();
  await crashed.afterBatch([fill('CRASH-1', '1', '1', 'partial')]);
  const [record] = await carryRecordsOf('CRASH-1');
  assert.ok(record, 'carried, with a record');

  await crashed.sweep(Date.now() + 120_000);
  assert.equal((await carryRecordsOf('CRASH-1', Date.now() + 120_000)).length, 1, 'its owner, alive, leaves it alone');

  // `crashed` is never stopped: as if the process died. Another worker recovers the record.
  const healed = tracker();
  await healed.sweep(Date.now() + 1_000);
  assert.equal((await carryRecordsOf('CRASH-1', Date.now() + 120_000)).length, 1, 'not before a sweep period has passed');
  await healed.sweep(Date.now() + 120_000);
  assert.deepEqual(await carryRecordsOf('CRASH-1', Date.now() + 120_000), [], 'dropped once recovered');
  assert.equal(Number(await f.redis.zscore(pending(), member('CRASH-1'))), record.at, 'staged per order at its first-seen time');

  await healed.afterBatch([fill('CRASH-1', '2', '3', 'filled')]);
  await healed.stop();
  assert.deepEqual(await orderRow('CRASH-1'), [['filled', '2', '3']]);
  assert.equal(await f.redis.zscore(pending(), member('CRASH-1')), null);
});

test('a recovered carry record whose orders are complete writes them, and skips staging what ClickHouse already has complete', async () => {
  const store = createOrderStore(f.config, f.redis);
  const a1 = fill('REC-A', '1', '1', 'partial').trade;
  const a2 = fill('REC-A', '2', '3', 'filled').trade;
  const b1 = fill('REC-B', '1', '1', 'partial').trade;
  // Two records of a crashed worker: REC-A complete across them; REC-B's first fill, its order already written complete elsewhere.
  const at = Date.now() - 1_000;
  await store.stageCarry('rec-test-1', [{ member: member('REC-A'), fills: [a1] }, { member: member('REC-B'), fills: [b1] }], at);
  await store.stageCarry('rec-test-2', [{ member: member('REC-A'), fills: [a2] }], at + 1);
  const done = tracker();
  await done.afterBatch([row(b1), fill('REC-B', '2', '3', 'filled')]);
  await done.stop();
  assert.deepEqual(await orderRow('REC-B'), [['filled', '2', '3']]);

  await tracker().sweep(Date.now() + 120_000);
  assert.deepEqual(await orderRow('REC-A'), [['filled', '2', '3']]);
  assert.equal(await f.redis.zscore(pending(), member('REC-A')), null, 'written, not staged');
  assert.equal(await f.redis.zscore(pending(), member('REC-B')), null, 'complete in ClickHouse: not staged again');
  assert.deepEqual(await carryRecordsOf('REC-A', Date.now() + 120_000), []);
});

test('fills of a carried order in a small batch join it in Redis, where the order completes', async () => {
  const t = tracker({ inBatchMinRows: 2 });
  await t.afterBatch([fill('MIX-1', '1', '1', 'partial'), fill('MIX-OTHER', '3', '3', 'filled')]); // large: MIX-1 carried
  await t.afterBatch([fill('MIX-1', '2', '3', 'filled')]); // small
  await t.stop();
  assert.deepEqual(await orderRow('MIX-1'), [['filled', '2', '3']]);
  assert.equal(await f.redis.zscore(pending(), member('MIX-1')), null);
  assert.deepEqual(await carryRecordsOf('MIX-1'), []);
});

test('an order staged per order by an earlier delivery, then whole in a large batch, is written and its staged state forgotten', async () => {
  const store = createOrderStore(f.config, f.redis);
  const first = fill('REDELIVER-1', '1', '1', 'partial');
  await store.stage([{ member: member('REDELIVER-1'), fills: [first.trade] }]);
  const t = tracker();
  await t.afterBatch([first, fill('REDELIVER-1', '2', '3', 'filled')]);
  await t.stop();
  assert.equal(t.committedInBatch, 1);
  assert.deepEqual(await orderRow('REDELIVER-1'), [['filled', '2', '3']]);
  assert.equal(await f.redis.zscore(pending(), member('REDELIVER-1')), null, 'its pending entry is gone');
  assert.deepEqual([...(await store.load([member('REDELIVER-1')])).keys()], []);
});

test('a fill whose carry record failed to be written is written again by its job\'s retry, even though it is in memory: a crash after that loses nothing', async () => {
  const store = createOrderStore(f.config, f.redis);
  const stageCarry = store.stageCarry.bind(store);
  let failNext = false;
  store.stageCarry = async (...args: Parameters<typeof stageCarry>) => {
    if (failNext) {
      failNext = false;
      throw new Error('injected: Redis connection reset');
    }
    return stageCarry(...args);
  };
  const crashing = tracker({ store });
  const second = fill('TAINT-1', '1', '2', 'partial');
  await crashing.afterBatch([fill('TAINT-1', '1', '1', 'partial')]);
  failNext = true;
  await assert.rejects(crashing.afterBatch([second]), /injected/);
  await crashing.afterBatch([second]); // BullMQ retries the job; its fill is already in memory
  // kill -9 of `crashing`: never stopped. Another worker recovers its carry records, and the last fill arrives there.
  const other = tracker();
  await other.sweep(Date.now() + 120_000);
  await other.afterBatch([fill('TAINT-1', '1', '3', 'filled')]);
  await other.stop();
  await other.sweep(Date.now() + 120_000);
  assert.deepEqual(await orderRow('TAINT-1'), [['filled', '3', '3']]);
});

test('a crashed worker that carried 12,000 open orders is recovered in one sweep (ClickHouse is asked about them a few hundred at a time)', async () => {
  const crashed = tracker();
  const orderIds = Array.from({ length: 12_000 }, (_, i) => `BIG-${String(i).padStart(6, '0')}`);
  await crashed.afterBatch(orderIds.map((id) => fill(id, '1', '1', 'partial')));
  const other = tracker();
  await other.sweep(Date.now() + 120_000);
  assert.deepEqual(await carryRecordsOf(orderIds[11_999]!, Date.now() + 120_000), [], 'the record is recovered and dropped');
  assert.equal(await f.redis.zscore(pending(), member(orderIds[11_999]!)) !== null, true, 'its open orders are staged per order');
  await other.stop();
});
