import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test, type TestContext } from 'node:test';
import { Redis } from 'ioredis';
import { loadConfig, type Config } from '../../src/config/index.js';
import { OrderStore } from '../../src/orders/order-store.js';
import { ordersNamespace } from '../../src/wiring/create-order-tracker.js';
import { recordCommandKeys, slotsOf, type RecordedCommand } from '../helpers/command-key-recorder.js';
import { keySlot } from '../helpers/key-slot.js';
import { onCleanup } from '../helpers/on-cleanup.js';
import { purgeKeys } from '../helpers/purge-keys.js';
import { testEnv } from '../helpers/test-env.js';
import { makeTrade } from '../helpers/trade-factory.js';

/** A config whose trades queue is a partition's, `{<name>.<n>}` (the hash tag a partitioned setup gives it). */
function partitionConfig(): Config {
  const config = loadConfig(testEnv());
  return { ...config, queues: { ...config.queues, trades: `{t-${randomBytes(4).toString('hex')}.3}` } };
}

const fill = (orderId: string, qty: string, cum: string, status: 'partial' | 'filled') => makeTrade({ order_id: orderId, qty, cum_qty: cum, order_qty: '3', order_status: status });

/** Every method of the store, on orders whose members hold braces of their own. */
async function everyStoreCall(store: OrderStore): Promise<void> {
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

async function recordedRun(t: TestContext, namespace: string): Promise<RecordedCommand[]> {
  const redis = new Redis(loadConfig(testEnv()).redis.url);
  onCleanup(t, () => redis.disconnect());
  onCleanup(t, () => purgeKeys(redis, `${namespace}:*`));
  const store = new OrderStore(redis, { namespace, fillTtlSeconds: 60 });
  const recorded = recordCommandKeys(redis);
  await everyStoreCall(store);
  return recorded;
}

test('every key the orders store passes to Redis (scripts, MGET, ZRANGEBYSCORE) is under its namespace and in the one slot of the partition queue\'s hash tag, whatever braces the members hold', async (t) => {
  const config = partitionConfig();
  const namespace = ordersNamespace(config);
  assert.match(namespace, /^[^{]*:\{t-[0-9a-f]{8}\.3\}:orders$/, 'the queue name carries the only hash tag of the namespace');
  const recorded = await recordedRun(t, namespace);
  const scripts = recorded.filter((c) => c.name === 'evalsha' || c.name === 'eval');
  assert.ok(scripts.length >= 9, `every script ran (${scripts.length} script calls)`);
  assert.ok(recorded.some((c) => c.name === 'mget') && recorded.some((c) => c.name === 'zrangebyscore'));
  for (const c of recorded) for (const key of c.keys) assert.ok(key.startsWith(`${namespace}:`), `${c.name} key ${key} is under the namespace`);
  assert.ok(scripts.every((c) => c.keys.length >= 1), 'every script is given its keys');
  assert.deepEqual([...slotsOf(recorded)], [keySlot(config.queues.trades)], 'one slot: the hash tag\'s');
});

test('the slot check can fail: without a hash tag the same calls spread over many slots', async (t) => {
  const recorded = await recordedRun(t, `trade-sync-test:t-${randomBytes(4).toString('hex')}:orders`);
  assert.ok(slotsOf(recorded).size > 3, `untagged keys hash to ${slotsOf(recorded).size} slots`);
});
