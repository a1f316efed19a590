import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createOrderStore, ordersNamespace } from '../../src/wiring/create-order-tracker.js';
import { ClickHouseOrderSink } from '../../src/orders/clickhouse-order-sink.js';
import { normalizeDecimal } from '../../src/trade/decimal.js';
import { queryText } from '../helpers/clickhouse-helpers.js';
import { fill, orderTrackerFixture, trackerOf, type TrackerOptions } from '../helpers/order-tracker-fixture.js';

const f = orderTrackerFixture();
const member = (orderId: string) => `ACC-001|${orderId}`;
const key = (name: string) => `${ordersNamespace(f.config)}:${name}`;
const tracker = (options: TrackerOptions = {}) => trackerOf(f, options);
const store = () => createOrderStore(f.config, f.redis);
const later = (ms = 120_000) => Date.now() + ms;

/** Batch records (written up to two minutes from now) that hold this order. */
async function recordsOf(orderId: string) {
  const s = store();
  return (await s.readBatchRecords(await s.recordsBefore(later(), 10_000))).filter((r) => r.fills.has(member(orderId)));
}

const orderRow = async (orderId: string) =>
  (await queryText(f.db.client, `SELECT status, fill_count, filled_qty FROM ${f.config.clickhouse.database}.orders FINAL WHERE order_id = '${orderId}'`)).map(([status = '', count = '', filled = '']) => [status, count, normalizeDecimal(filled)]);

const failingSink = () => Object.assign(Object.create(new ClickHouseOrderSink([f.db.client], f.config.clickhouse.database)) as ClickHouseOrderSink, { insert: () => Promise.reject(new Error('injected: connection reset')) });

test('a large batch writes its complete orders before it returns and carries its open ones in one batch record, staging nothing', async () => {
  const t = tracker();
  await t.afterBatch([fill('IN-1', '1', '1', 'partial'), fill('OPEN-1', '1', '1', 'partial'), fill('IN-1', '2', '3', 'filled')]);
  assert.deepEqual(await orderRow('IN-1'), [['filled', '2', '3']], 'written before afterBatch resolved');
  assert.equal(t.counts.fromMemory, 1);
  const records = await recordsOf('OPEN-1');
  assert.deepEqual(records.map((r) => [...r.fills.keys()]), [[member('OPEN-1')]], 'one record, holding the open order only');
  assert.equal(await f.redis.zscore(key('pending'), member('OPEN-1')), null, 'not staged per order');
  assert.deepEqual(t.book, { carried: 1, held: 0, fills: 1 });
  await t.stop();
});

test('a small batch holds its complete orders in its batch record and writes them just after', async () => {
  const t = tracker({ inBatchMinRows: 2_000 });
  await t.afterBatch([fill('SMALL-1', '1', '1', 'partial'), fill('SMALL-1', '2', '3', 'filled')]);
  assert.equal((await recordsOf('SMALL-1')).length, 1, 'in a record when the batch returns');
  await t.settle();
  assert.deepEqual(await orderRow('SMALL-1'), [['filled', '2', '3']]);
  assert.deepEqual(await recordsOf('SMALL-1'), [], 'the record is dropped once its orders are written');
  assert.equal(t.counts.fromMemory, 1);
  await t.stop();
});

test('an order spanning batches completes from memory; a repeated fill counts once; its record is dropped and Redis holds nothing of it', async () => {
  const t = tracker();
  const first = fill('SPAN-1', '1', '1', 'partial');
  await t.afterBatch([first]);
  await t.afterBatch([first]); // a redelivered job
  await t.afterBatch([fill('SPAN-1', '2', '3', 'filled')]);
  await t.stop();
  assert.deepEqual(await orderRow('SPAN-1'), [['filled', '2', '3']]);
  assert.deepEqual(await recordsOf('SPAN-1'), []);
  assert.equal(await f.redis.exists(key(`fills:${member('SPAN-1')}`)), 0);
});

test('when the insert fails the complete orders are staged and due, and the sweep writes them a sweep period later', async () => {
  const healed = tracker();
  await healed.sweep(Date.now() - 120_000); // its first sweep commits what an older release staged (none here)
  const t = tracker({ sink: failingSink() });
  await t.afterBatch([fill('FAIL-1', '1', '1', 'partial'), fill('FAIL-1', '2', '3', 'filled')]);
  await t.stop();
  assert.notEqual(await f.redis.zscore(key('ended'), member('FAIL-1')), null, 'due');
  await healed.sweep(Date.now() + 1_000);
  assert.deepEqual(await orderRow('FAIL-1'), [], 'not before a sweep period');
  await healed.sweep(later());
  assert.deepEqual(await orderRow('FAIL-1'), [['filled', '2', '3']]);
  assert.equal(await f.redis.zscore(key('ended'), member('FAIL-1')), null);
});

test('on stop, carried orders are staged at their first-seen time; a later fill through another worker completes the order at once', async () => {
  const t = tracker();
  const seen = Date.now();
  await t.afterBatch([fill('STOP-1', '1', '1', 'partial')]);
  await t.stop();
  const score = Number(await f.redis.zscore(key('pending'), member('STOP-1')));
  assert.ok(score >= seen - 1 && score <= Date.now(), `first-seen ${score} is the batch's time`);
  assert.deepEqual(await recordsOf('STOP-1'), []);
  const next = tracker({ inBatchMinRows: 2_000 });
  await next.afterBatch([fill('STOP-1', '2', '3', 'filled')]);
  await next.stop(); // stages its carried fill: the order is complete there, and written without a sweep
  assert.deepEqual(await orderRow('STOP-1'), [['filled', '2', '3']]);
  assert.equal(await f.redis.zscore(key('pending'), member('STOP-1')), null, 'forgotten once written');
});

test('a terminal fill staged before an earlier one: the earlier fill completes the order, through either worker, without a sweep', async () => {
  const a = tracker();
  const b = tracker();
  await a.afterBatch([fill('LATE-1', '2', '3', 'filled')]);
  await b.afterBatch([fill('LATE-1', '1', '1', 'partial')]);
  await a.age(later());
  assert.deepEqual(await orderRow('LATE-1'), [], 'the terminal fill alone is not complete');
  await b.age(later());
  await b.settle();
  assert.deepEqual(await orderRow('LATE-1'), [['filled', '2', '3']]);
  assert.equal(await f.redis.zscore(key('ended'), member('LATE-1')), null);
  await Promise.all([a.stop(), b.stop()]);
});

test("a crashed worker's batch record is recovered by another worker's sweep (never by its live owner, never before a lease)", async () => {
  const crashed = tracker();
  await crashed.afterBatch([fill('CRASH-1', '1', '1', 'partial'), fill('CRASH-2', '1', '1', 'partial')]);
  await crashed.afterBatch([fill('CRASH-2', '2', '3', 'filled')]); // CRASH-2 written; the record still holds its first fill
  const [record] = await recordsOf('CRASH-1');
  assert.ok(record, 'carried, with a record');
  await crashed.sweep(later());
  assert.equal((await recordsOf('CRASH-1')).length, 1, 'its owner, alive, leaves it alone');
  // `crashed` is never stopped: as if the process died.
  const healed = tracker();
  await healed.sweep(Date.now() + 1_000);
  assert.equal((await recordsOf('CRASH-1')).length, 1, 'not before the lease has passed');
  await healed.sweep(later());
  assert.deepEqual(await recordsOf('CRASH-1'), [], 'dropped once recovered');
  assert.equal(Number(await f.redis.zscore(key('pending'), member('CRASH-1'))), record.at, 'staged at its first-seen time');
  await healed.afterBatch([fill('CRASH-1', '2', '3', 'filled')]);
  await healed.stop();
  assert.deepEqual(await orderRow('CRASH-1'), [['filled', '2', '3']]);
  assert.deepEqual(await orderRow('CRASH-2'), [['filled', '2', '3']]);
  // CRASH-2's first fill was staged again by the recovery: its row is complete, so the timeout forgets it instead of counting it.
  await tracker({ timeoutMs: 1_000 }).sweep(later());
  assert.equal(await f.redis.zscore(key('pending'), member('CRASH-2')), null);
  assert.equal(await f.redis.zscore(key('incomplete'), member('CRASH-2')), null, 'not counted as incomplete');
  assert.deepEqual(await orderRow('CRASH-2'), [['filled', '2', '3']]);
});

test('a batch whose record failed to be written leaves the book as it was: its retry writes its fills, so a crash after that loses none', async () => {
  const s = store();
  const writeRecord = s.writeRecord.bind(s);
  let failNext = false;
  s.writeRecord = async (...args) => {
    if (!failNext) return writeRecord(...args);
    failNext = false;
    throw new Error('injected: Redis connection reset');
  };
  const crashing = tracker({ store: s });
  const second = fill('TAINT-1', '1', '2', 'partial');
  await crashing.afterBatch([fill('TAINT-1', '1', '1', 'partial')]);
  failNext = true;
  await assert.rejects(crashing.afterBatch([second]), /injected/);
  assert.equal(crashing.book.fills, 1, 'the failed batch left nothing in the book');
  await crashing.afterBatch([second]); // BullMQ retries the job
  // kill -9 of `crashing`: never stopped. Another worker recovers its records; the last fill arrives there.
  const other = tracker();
  await other.sweep(later());
  await other.afterBatch([fill('TAINT-1', '1', '3', 'filled')]);
  await other.stop();
  assert.deepEqual(await orderRow('TAINT-1'), [['filled', '3', '3']]);
});

test('an order committed as incomplete whose fills all come again in one batch is written complete and no longer counted open', async () => {
  const first = fill('AGAIN-1', '1', '1', 'partial');
  const t = tracker({ timeoutMs: 1_000 });
  await t.afterBatch([first]);
  await t.stop();
  await t.sweep(later());
  assert.deepEqual(await orderRow('AGAIN-1'), [['incomplete', '1', '1']]);
  assert.notEqual(await f.redis.zscore(key('incomplete'), member('AGAIN-1')), null, 'open as incomplete');
  for (const inBatchMinRows of [1, 2_000]) {
    const again = tracker({ inBatchMinRows });
    await again.afterBatch([first, fill('AGAIN-1', '2', '3', 'filled')]);
    await again.stop();
    assert.equal(await f.redis.zscore(key('incomplete'), member('AGAIN-1')), null, `no longer open (inBatchMinRows ${inBatchMinRows})`);
  }
  assert.deepEqual(await orderRow('AGAIN-1'), [['filled', '2', '3']]);
});

test('2,500 orders with 64-character ids time out in one sweep: ClickHouse is asked about them a few hundred at a time (one query would pass 256 KiB)', async () => {
  const long = (i: number) => `L${String(i).padStart(6, '0')}-${'x'.repeat(56)}`;
  const t = tracker({ timeoutMs: 1_000, sweepBatch: 5_000 });
  const rows = Array.from({ length: 2_500 }, (_, i) => {
    const r = fill(long(i), '1', '1', 'partial');
    return { ...r, trade: { ...r.trade, account: 'A'.repeat(64) } };
  });
  await t.afterBatch(rows);
  await t.stop();
  await t.sweep(later());
  const [[n] = ['0']] = await queryText(f.db.client, `SELECT count() FROM ${f.config.clickhouse.database}.orders FINAL WHERE account = '${'A'.repeat(64)}' AND status = 'incomplete'`);
  assert.equal(Number(n), 2_500);
});

test('when ClickHouse and Redis both refuse, the committer gives up until its next kick instead of retrying in a loop', async () => {
  const s = store();
  let stagings = 0;
  s.stage = async () => {
    stagings += 1;
    throw new Error('injected: Redis refused');
  };
  const t = tracker({ store: s, sink: failingSink(), inBatchMinRows: 2_000 });
  await t.afterBatch([fill('LOOP-1', '1', '1', 'partial'), fill('LOOP-1', '2', '3', 'filled')]); // held: written just after
  await Promise.race([t.settle(), new Promise((_, reject) => setTimeout(() => reject(new Error('the committer is still retrying')), 2_000))]);
  assert.equal(stagings, 1, 'one attempt per kick');
  assert.deepEqual(t.book, { carried: 0, held: 1, fills: 2 }, 'the order stays held, its fills in its batch record');
  assert.equal((await recordsOf('LOOP-1')).length, 1);
});

test("a due entry whose order has no fills left (an older release forgot the order, or its hash expired) is dropped by the sweep, not retried forever", async () => {
  const now = Date.now();
  await f.redis.zadd(key('ended'), now - 120_000, member('GHOST-1'));
  await f.redis.zadd(key('pending'), now - 120_000, member('GHOST-1'));
  await tracker().sweep(now);
  assert.equal(await f.redis.zscore(key('ended'), member('GHOST-1')), null);
  assert.equal(await f.redis.zscore(key('pending'), member('GHOST-1')), null);
});

test("batch records of the release before the order book (whole and carry) are recovered by the sweep like its own", async () => {
  const at = Date.now() - 1_000;
  const w1 = fill('LEG-W', '1', '1', 'partial').trade;
  const w2 = fill('LEG-W', '2', '3', 'filled').trade;
  const c1 = fill('LEG-C', '1', '1', 'partial').trade;
  const old = (f: typeof w1) => `${f.qty}|${f.price}|${f.ts_ns}|${f.order_status}|${f.cum_qty}|${f.order_qty}|${f.symbol}|${f.side}|${f.venue}`;
  await f.redis.set(key('whole:legacy-1'), JSON.stringify([w1, w2].map((t) => [member('LEG-W'), t.trade_id, old(t)])));
  await f.redis.zadd(key('whole-records'), at, 'legacy-1');
  await f.redis.set(key('carry:legacy-2'), JSON.stringify([member('LEG-C'), '1', c1.trade_id, c1.qty, c1.price, c1.ts_ns, c1.order_status, c1.cum_qty, c1.order_qty, c1.symbol, c1.side, c1.venue]));
  await f.redis.zadd(key('carry-records'), at, 'legacy-2');
  const t = tracker();
  await t.sweep(later());
  assert.deepEqual(await orderRow('LEG-W'), [['filled', '2', '3']]);
  assert.equal(Number(await f.redis.zscore(key('pending'), member('LEG-C'))), at, 'the open order staged at its record time');
  assert.deepEqual([await f.redis.exists(key('whole:legacy-1'), key('carry:legacy-2')), await f.redis.zcard(key('whole-records')), await f.redis.zcard(key('carry-records'))], [0, 0, 0]);
  await t.afterBatch([fill('LEG-C', '2', '3', 'filled')]);
  await t.stop();
  assert.deepEqual(await orderRow('LEG-C'), [['filled', '2', '3']]);
});

test("a batch whose order insert hangs (ClickHouse going down) holds up no other batch: the next one's afterBatch returns", async () => {
  const real = new ClickHouseOrderSink([f.db.client], f.config.clickhouse.database);
  let release: () => void = () => undefined;
  const hanging = new Promise<void>((resolve) => (release = resolve));
  const sink = Object.assign(Object.create(real) as ClickHouseOrderSink, { insert: async (rows: Parameters<ClickHouseOrderSink['insert']>[0]) => (await hanging, real.insert(rows)) });
  const t = tracker({ sink });
  const first = t.afterBatch([fill('HANG-1', '3', '3', 'filled')]);
  const second = t.afterBatch([fill('HANG-2', '1', '1', 'partial')], false); // spilled: staged per order
  const outcome = await Promise.race([second.then(() => 'returned'), new Promise((r) => setTimeout(() => r('held up'), 2_000))]);
  release();
  await first;
  await t.stop();
  assert.equal(outcome, 'returned');
  assert.deepEqual(await orderRow('HANG-1'), [['filled', '1', '3']]);
});
