import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test, type TestContext } from 'node:test';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config/index.js';
import { OrderStore } from '../../src/orders/order-store.js';
import { ordersNamespace } from '../../src/wiring/create-order-tracker.js';
import { recordCommandKeys, slotsOf, type RecordedCommand } from '../helpers/command-key-recorder.js';
import { keySlot } from '../helpers/key-slot.js';
import { onCleanup } from '../helpers/on-cleanup.js';
import { orderStoreWorkout } from '../helpers/order-store-workout.js';
import { purgeKeys } from '../helpers/purge-keys.js';
import { testEnv } from '../helpers/test-env.js';

/** Partition 3's orders namespace of a 4-partition layout (its queue name, `{<name>.3~k}`, is the hash tag). */
function partitionNamespace(): string {
  const config = loadConfig(testEnv({ TRADE_SYNC_PARTITIONS: '4' }));
  return ordersNamespace(config, config.queues.layout.tradeQueues[3]);
}

async function recordedRun(t: TestContext, namespace: string): Promise<RecordedCommand[]> {
  const redis = new Redis(loadConfig(testEnv()).redis.url);
  onCleanup(t, () => redis.disconnect());
  onCleanup(t, () => purgeKeys(redis, `${namespace}:*`));
  const store = new OrderStore(redis, { namespace, fillTtlSeconds: 60 });
  const recorded = recordCommandKeys(redis);
  await orderStoreWorkout(store);
  return recorded;
}

test('every key the orders store passes to Redis (scripts, MGET, ZRANGEBYSCORE) is under its namespace and in the one slot of the partition queue\'s hash tag, whatever braces the members hold', async (t) => {
  const namespace = partitionNamespace();
  assert.match(namespace, /^[^{]*:\{t-[0-9a-f]{12}\.3(~\d+)?\}:orders$/, 'the queue name carries the only hash tag of the namespace');
  const recorded = await recordedRun(t, namespace);
  const scripts = recorded.filter((c) => c.name === 'evalsha' || c.name === 'eval');
  assert.ok(scripts.length >= 9, `every script ran (${scripts.length} script calls)`);
  assert.ok(recorded.some((c) => c.name === 'mget') && recorded.some((c) => c.name === 'zrangebyscore'));
  for (const c of recorded) for (const key of c.keys) assert.ok(key.startsWith(`${namespace}:`), `${c.name} key ${key} is under the namespace`);
  assert.ok(scripts.every((c) => c.keys.length >= 1), 'every script is given its keys');
  assert.deepEqual([...slotsOf(recorded)], [keySlot(namespace)], 'one slot: the hash tag\'s');
});

test('the slot check can fail: without a hash tag the same calls spread over many slots', async (t) => {
  const recorded = await recordedRun(t, `trade-sync-test:t-${randomBytes(4).toString('hex')}:orders`);
  assert.ok(slotsOf(recorded).size > 3, `untagged keys hash to ${slotsOf(recorded).size} slots`);
});
