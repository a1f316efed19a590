import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { onCleanup } from '../helpers/on-cleanup.js';
import { Cluster } from 'ioredis';
import { LoginRateLimiter } from '../../dashboard/auth/login-rate-limiter.js';
import { RedisSessionStore } from '../../dashboard/auth/session-store.js';
import { AuditLog } from '../../src/audit/audit-log.js';
import { KidRateLimiter } from '../../src/ingest/kid-rate-limiter.js';
import { NonceStore } from '../../src/ingest/nonce-store.js';
import { PresenceRegistry } from '../../src/lifecycle/presence-registry.js';
import { readWorkerHeartbeats, WorkerHeartbeat } from '../../src/lifecycle/worker-heartbeat.js';
import { readLastReconcile, saveLastReconcile, type LastReconcile } from '../../src/reconcile/last-reconcile-store.js';
import { DesiredState } from '../../src/supervisor/desired-state.js';
import { readSupervisorStatuses, writeSupervisorStatus, type SupervisorStatus } from '../../src/supervisor/supervisor-status.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/logger.js';
import { ClickHouseOrderSink } from '../../src/orders/clickhouse-order-sink.js';
import { OrderStore } from '../../src/orders/order-store.js';
import { OrderTracker } from '../../src/orders/order-tracker.js';
import { normalizeDecimal } from '../../src/trade/decimal.js';
import { migratedDatabase, queryText } from '../helpers/clickhouse-helpers.js';
import { fill } from '../helpers/order-tracker-fixture.js';
import { testEnv } from '../helpers/test-env.js';
import { keysPerNode, nodeOfKey } from '../helpers/cluster-key-owner.js';
import { orderStoreWorkout } from '../helpers/order-store-workout.js';
import { purgeKeys } from '../helpers/purge-keys.js';
import { startRedisCluster, type LocalRedisCluster } from '../helpers/redis-cluster.js';

// One cluster for the file; each test keeps to its own key namespace under `prefix`.
let cluster: LocalRedisCluster;
let redis: Cluster;
const prefix = `ts-${randomBytes(4).toString('hex')}`;
/** Global state's namespace in cluster mode: `<prefix>:{trades}`, one slot. */
const globalNs = `${prefix}:{trades}`;
const partitions = [0, 1, 2, 3].map((n) => `{trades.${n}}`);

before(async () => {
  cluster = await startRedisCluster();
  const [seed] = cluster.nodes;
  if (seed === undefined) throw new Error('no node');
  redis = new Cluster([{ host: seed.host, port: seed.port }], { redisOptions: { maxRetriesPerRequest: null } });
});
after(async () => {
  redis?.disconnect();
  await cluster?.stop();
});

test(`the cluster starts (three masters, every slot served) in a few seconds`, (t) => {
  t.diagnostic(`cluster up in ${Math.round(cluster.startupMs)} ms`);
  assert.equal(cluster.nodes.length, 3);
  assert.ok(cluster.startupMs < 30_000);
});

test('orders: every store method works in each of 4 partitions, whose orders keys sit on more than one node', async () => {
  const stores = partitions.map((queue) => new OrderStore(redis, { namespace: `${prefix}:${queue}:orders`, fillTtlSeconds: 600 }));
  for (const store of stores) await orderStoreWorkout(store);
  const owners = await Promise.all(stores.map((s) => nodeOfKey(cluster, s.key('incomplete-total'))));
  assert.ok(new Set(owners.map((n) => n.port)).size > 1, `partitions' orders on ports ${owners.map((n) => n.port).join(', ')}`);
  const perNode = await keysPerNode(cluster, `${prefix}:{trades.*}:orders:*`);
  assert.ok(perNode.size > 1, `keys found on ${perNode.size} node(s)`);
  assert.equal([...perNode.values()].reduce((a, b) => a + b, 0), 4, 'only incomplete-total is left, once per partition');
});

test('orders: trackers on a partition complete orders through every path (in batch, crashed worker\'s record swept, staged on a spill, aged carry)', async (t) => {
  const config = loadConfig(testEnv());
  const db = await migratedDatabase(config);
  onCleanup(t, () => db.drop());
  const store = new OrderStore(redis, { namespace: `${prefix}:tracker:{trades.1}:orders`, fillTtlSeconds: 600 }); // apart from the workout's
  const thresholds = { ...config.orders.thresholds, timeoutMs: 600_000, sweepIntervalMs: 60_000, carryMs: 30_000, recordLeaseMs: 60_000, inBatchMinRows: 1 };
  const tracker = () => new OrderTracker({ store, sink: new ClickHouseOrderSink([db.client], config.clickhouse.database), thresholds, log: createLogger('silent') });
  const later = () => Date.now() + 120_000;
  const crashed = tracker(); // never stopped: as if its process died
  await crashed.afterBatch([fill('CL-1', '1', '1', 'partial'), fill('CL-2', '1', '1', 'partial'), fill('CL-2', '2', '3', 'filled')]);
  await crashed.afterBatch([fill('CL-3', '1', '1', 'partial')], false);
  const healed = tracker();
  await healed.sweep(later());
  await healed.afterBatch([fill('CL-1', '2', '3', 'filled'), fill('CL-3', '2', '3', 'filled')]);
  await healed.age(later());
  await healed.settle();
  await healed.stop();
  const rows = await queryText(db.client, `SELECT order_id, status, fill_count, filled_qty FROM ${config.clickhouse.database}.orders FINAL ORDER BY order_id`);
  assert.deepEqual(rows.map(([id, status, count, qty = '']) => [id, status, count, normalizeDecimal(qty)]), [['CL-1', 'filled', '2', '3'], ['CL-2', 'filled', '2', '3'], ['CL-3', 'filled', '2', '3']]);
  assert.deepEqual(await store.counts(), { pending: 0, incomplete: 0, incompleteTotal: 0 });
  assert.deepEqual(await store.recordsBefore(later(), 10), [], 'no batch record left');
});

test('ingest: nonces are claimed once and released, and the token bucket limits per kid, in a partition\'s namespace', async () => {
  const nonces = new NonceStore(redis, prefix, '{trades.2}', 60);
  const refs = [{ kid: 'k1', nonce: 'a' }, { kid: 'k1', nonce: 'b' }, { kid: 'k1', nonce: 'a' }];
  assert.deepEqual(await nonces.claim(refs), [true, true, false]);
  assert.deepEqual(await nonces.claim(refs.slice(0, 2)), [false, false], 'seen before');
  await nonces.release(refs.slice(0, 2));
  assert.deepEqual(await nonces.claim(refs.slice(0, 2)), [true, true], 'claimable again once released');
  const limiter = new KidRateLimiter(redis, prefix, '{trades.2}', 1, 3);
  const first = await limiter.take('k1', 5);
  assert.equal(first.granted, 3, 'the burst');
  assert.ok(first.waitMs > 0);
  assert.equal((await limiter.take('k1', 1)).granted, 0, 'empty until refilled');
  assert.equal((await limiter.take('k2', 1)).granted, 1, 'another kid has its own bucket');
});

test('dashboard: sessions and the login limiter (two keys per MGET and pipeline) work in the global namespace', async () => {
  const sessions = new RedisSessionStore(redis, globalNs, 60_000);
  const id = await sessions.create('ops', 'operator');
  assert.equal((await sessions.get(id))?.user, 'ops');
  await sessions.destroy(id);
  assert.equal(await sessions.get(id), undefined);
  const limiter = new LoginRateLimiter(redis, globalNs, 2, 60_000);
  assert.deepEqual(await limiter.check('ops', '10.0.0.1'), { allowed: true });
  await limiter.failed('ops', '10.0.0.1');
  await limiter.failed('ops', '10.0.0.1');
  const blocked = await limiter.check('ops', '10.0.0.1');
  assert.equal(blocked.allowed, false);
  await limiter.succeeded('ops', '10.0.0.1');
  assert.equal((await limiter.check('ops', '10.0.0.2')).allowed, true, 'the user count is cleared on success');
  assert.equal((await limiter.check('eve', '10.0.0.1')).allowed, false, 'the address stays blocked');
});

test('the cluster enforces one slot: the login limiter in an untagged namespace fails with CROSSSLOT (so the passes above are real)', async () => {
  const limiter = new LoginRateLimiter(redis, `${prefix}:untagged`, 2, 60_000);
  await assert.rejects(limiter.check('ops', '10.0.0.1'), /CROSSSLOT/);
});

test('supervisor: desired state, rolling-restart generation, supervisor statuses; workers: heartbeats per partition', async () => {
  const desired = new DesiredState(redis, prefix, '{trades}');
  await desired.seed({ '{trades.0}': 2, '{trades.1}': 1 });
  await desired.seed({ '{trades.0}': 9 });
  await desired.setMany(['{trades.1}'], 3);
  assert.deepEqual(await desired.get(), { '{trades.0}': 2, '{trades.1}': 3 });
  assert.equal(await desired.requestRollingRestart(), 1);
  assert.equal(await desired.generation(), 1);

  const status: SupervisorStatus = { host: 'h1', pid: 42, startedAt: new Date().toISOString(), generation: 1, rolling: { inProgress: false, lastError: null }, queues: {} };
  await writeSupervisorStatus(redis, prefix, '{trades}', status);
  assert.deepEqual((await readSupervisorStatuses(redis, prefix, '{trades}')).map((s) => s.pid), [42]);

  for (const queue of partitions) {
    const beat = new WorkerHeartbeat(redis, prefix, queue, () => ({ queue, role: 'sink', concurrency: 1, startedAt: new Date().toISOString(), circuit: 'closed', clickhouseUrl: '', spillBacklog: 0, stats: {} }), 60_000);
    await beat.beat();
    assert.deepEqual((await readWorkerHeartbeats(redis, prefix, queue)).map((w) => w.queue), [queue]);
    await beat.stop();
    assert.deepEqual(await readWorkerHeartbeats(redis, prefix, queue), [], 'removed on stop');
  }
});

test('presence: expired members are pruned from the index (MGET over many member keys of one slot)', async () => {
  const registry = new PresenceRegistry<{ n: number }>(redis, { index: `${globalNs}:p-index`, memberPrefix: `${globalNs}:p:` }, 1);
  for (let n = 0; n < 20; n++) await registry.publish(`m${n}`, { n });
  assert.equal((await registry.readAll()).length, 20);
  await registry.remove('m0');
  await redis.pexpire(`${globalNs}:p:m1`, 1);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual((await registry.readAll()).map((r) => r.n).sort((a, b) => a - b), Array.from({ length: 18 }, (_, i) => i + 2));
  assert.equal(await redis.scard(`${globalNs}:p-index`), 18, 'the expired member left the index');
});

test('audit log and last reconcile work in the global namespace', async () => {
  const audit = new AuditLog(redis, prefix, '{trades}');
  await audit.record({ user: 'ops', role: 'operator', action: 'scale', target: '{trades.0}', detail: '2', via: 'cli' });
  assert.deepEqual((await audit.recent(5)).map((e) => [e.action, e.target]), [['scale', '{trades.0}']]);
  const key = `${globalNs}:reconcile:last`;
  const last = { windowFrom: 'a', windowTo: 'b', windowEndSeconds: 1, source: 's', finishedAt: 'c', durationMs: 1, ok: true, match: true, buckets: 1, mismatchedBuckets: 0, sourceRows: 1, clickhouseRows: 1, missing: 0, extra: 0, different: 0, republished: 0 } satisfies LastReconcile;
  await saveLastReconcile(redis, key, last);
  assert.deepEqual(await readLastReconcile(redis, key), last);
});

test('last: every key of the file, on whichever node, is found and purged through the cluster client', async () => {
  const before = await keysPerNode(cluster, `${prefix}:*`);
  assert.ok(before.size > 1, 'the file left keys on more than one node');
  await purgeKeys(redis, `${prefix}:*`);
  assert.deepEqual([...(await keysPerNode(cluster, `${prefix}:*`))], []);
});
