import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createOrderStore, ordersNamespace } from '../../src/wiring/create-order-tracker.js';
import { createLogger } from '../../src/logger.js';
import { ClickHouseOrderSink } from '../../src/orders/clickhouse-order-sink.js';
import { OrderTracker } from '../../src/orders/order-tracker.js';
import { queryText } from '../helpers/clickhouse-helpers.js';
import { fill, orderTrackerFixture } from '../helpers/order-tracker-fixture.js';

const f = orderTrackerFixture();

/** Batch records (staged up to a minute from now) that hold this order: other tests' records are left out. */
async function recordsOf(member: string, before = Date.now() + 60_000) {
  const records = await createOrderStore(f.config, f.redis).wholeRecordsBefore(before);
  return records.filter((r) => r.fills.has(member));
}

/** `inBatchMinRows` 1 writes whole orders of any batch at once; undefined keeps the shipped threshold. */
function tracker(sink: ClickHouseOrderSink, inBatchMinRows: number | undefined): OrderTracker {
  return new OrderTracker({ store: createOrderStore(f.config, f.redis), sink, timeoutMs: 60_000, sweepIntervalMs: 60_000, log: createLogger('silent'), inBatchMinRows });
}

test('an order whole within one batch is written at once and never staged; an open one is staged', async () => {
  const t = tracker(new ClickHouseOrderSink([f.db.client], f.config.clickhouse.database), 1);
  await t.afterBatch([fill('IN-1', '1', '1', 'partial'), fill('OPEN-1', '1', '1', 'partial'), fill('IN-1', '2', '3', 'filled')]);
  await t.stop();
  assert.equal(t.committedInBatch, 1);
  const rows = await queryText(f.db.client, `SELECT order_id, status, fill_count FROM ${f.config.clickhouse.database}.orders FINAL ORDER BY order_id`);
  assert.deepEqual(rows, [['IN-1', 'filled', '2']]);
  const staged = await createOrderStore(f.config, f.redis).load(['ACC-001|IN-1', 'ACC-001|OPEN-1']);
  assert.deepEqual([...staged.keys()], ['ACC-001|OPEN-1']);
});

test('when that insert fails, the fills are staged instead, so the sweep can commit them', async () => {
  const real = new ClickHouseOrderSink([f.db.client], f.config.clickhouse.database);
  const failing = Object.assign(Object.create(real) as ClickHouseOrderSink, { insert: () => Promise.reject(new Error('injected: connection reset')) });
  const t = tracker(failing, 1);
  await t.afterBatch([fill('IN-2', '1', '1', 'partial'), fill('IN-2', '2', '3', 'filled')]);
  await t.stop();
  assert.equal(t.committedInBatch, 0);
  const staged = await createOrderStore(f.config, f.redis).load(['ACC-001|IN-2']);
  assert.equal(staged.get('ACC-001|IN-2')?.length, 2);

  const healed = tracker(real, 1);
  await healed.sweep(Date.now() + 120_000);
  const rows = await queryText(f.db.client, `SELECT status, fill_count FROM ${f.config.clickhouse.database}.orders FINAL WHERE order_id = 'IN-2'`);
  assert.deepEqual(rows, [['filled', '2']]);
});

test('a small batch (below the default 2,000 rows) keeps its whole orders in one batch record, writes them from memory, then drops it', async () => {
  const t = tracker(new ClickHouseOrderSink([f.db.client], f.config.clickhouse.database), undefined);
  const store = createOrderStore(f.config, f.redis);
  await t.afterBatch([fill('SMALL-1', '1', '1', 'partial'), fill('SMALL-OPEN', '1', '1', 'partial'), fill('SMALL-1', '2', '3', 'filled')]);
  assert.equal(t.committedInBatch, 0);
  const records = await recordsOf('ACC-001|SMALL-1');
  assert.equal(records.length, 1, 'one record before the batch completes');
  assert.deepEqual([...(records[0]?.fills.keys() ?? [])], ['ACC-001|SMALL-1'], 'holding the whole order only');
  assert.equal(records[0]?.fills.get('ACC-001|SMALL-1')?.length, 2);
  const staged = await store.load(['ACC-001|SMALL-1', 'ACC-001|SMALL-OPEN']);
  assert.deepEqual([...staged.keys()], ['ACC-001|SMALL-OPEN'], 'the open order is staged per order');
  await t.stop(); // the queued commit (off the critical path) writes it
  assert.deepEqual(await recordsOf('ACC-001|SMALL-1'), [], 'the record is dropped once its orders are written');
  const rows = await queryText(f.db.client, `SELECT status, fill_count FROM ${f.config.clickhouse.database}.orders FINAL WHERE order_id = 'SMALL-1'`);
  assert.deepEqual(rows, [['filled', '2']]);
});

test('a batch record whose orders were not written (failed insert, or a crash) is written by the sweep', async () => {
  const real = new ClickHouseOrderSink([f.db.client], f.config.clickhouse.database);
  const failing = Object.assign(Object.create(real) as ClickHouseOrderSink, { insert: () => Promise.reject(new Error('injected: connection reset')) });
  const t = tracker(failing, undefined);
  await t.afterBatch([fill('REC-1', '1', '1', 'partial'), fill('REC-1', '2', '3', 'filled')]);
  await t.stop();
  assert.equal((await recordsOf('ACC-001|REC-1')).length, 1, 'the record outlives the failed insert');

  const healed = tracker(real, undefined);
  await healed.sweep(Date.now() + 1_000);
  assert.equal((await recordsOf('ACC-001|REC-1')).length, 1, 'not before a sweep period has passed');
  await healed.sweep(Date.now() + 120_000);
  const rows = await queryText(f.db.client, `SELECT status, fill_count FROM ${f.config.clickhouse.database}.orders FINAL WHERE order_id = 'REC-1'`);
  assert.deepEqual(rows, [['filled', '2']]);
  assert.deepEqual(await recordsOf('ACC-001|REC-1', Date.now() + 120_000), [], 'and the record dropped');
});

test('an order committed as incomplete whose fills all come again in one batch is written complete and no longer counted incomplete', async () => {
  const store = createOrderStore(f.config, f.redis);
  const first = fill('AGAIN-1', '1', '1', 'partial');
  const last = fill('AGAIN-1', '2', '3', 'filled');
  const incomplete = `${ordersNamespace(f.config)}:incomplete`;
  // Both paths: a large batch (written at once) and a small one (batch record).
  for (const inBatchMinRows of [1, undefined]) {
    await store.stage([{ member: 'ACC-001|AGAIN-1', fills: [first.trade] }]);
    await store.markIncomplete(['ACC-001|AGAIN-1']);
    assert.notEqual(await f.redis.zscore(incomplete, 'ACC-001|AGAIN-1'), null, 'open as incomplete');
    const t = tracker(new ClickHouseOrderSink([f.db.client], f.config.clickhouse.database), inBatchMinRows);
    await t.afterBatch([first, last]);
    await t.stop();
    assert.equal(await f.redis.zscore(incomplete, 'ACC-001|AGAIN-1'), null, `no longer counted incomplete (inBatchMinRows ${inBatchMinRows})`);
    assert.deepEqual([...(await store.load(['ACC-001|AGAIN-1'])).keys()], [], 'its staged fills gone');
  }
  const rows = await queryText(f.db.client, `SELECT status, fill_count FROM ${f.config.clickhouse.database}.orders FINAL WHERE order_id = 'AGAIN-1'`);
  assert.deepEqual(rows, [['filled', '2']]);
});
