import assert from 'node:assert/strict';
import { after, before, test, type TestContext } from 'node:test';
import { loadConfig, type Config } from '../../src/config/index.js';
import { DeadLetterAdmin } from '../../src/dlq/dead-letter-admin.js';
import { createLogger } from '../../src/logger.js';
import { TradeProducer } from '../../src/producer/trade-producer.js';
import { runWorker } from '../../src/wiring/run-worker.js';
import { assertEachTradeOnce, countTrades } from '../helpers/clickhouse-helpers.js';
import { keysPerNode } from '../helpers/cluster-key-owner.js';
import { onCleanup } from '../helpers/on-cleanup.js';
import type { TestQueues } from '../helpers/queue-helpers.js';
import { pipelineResources } from '../helpers/pipeline-resources.js';
import { startRedisCluster, type LocalRedisCluster } from '../helpers/redis-cluster.js';
import { runCli, spawnCli } from '../helpers/spawn-cli.js';
import { TEST_KEYS } from '../helpers/test-env.js';
import { makeTrade } from '../helpers/trade-factory.js';
import { keySlot } from '../../src/partitions/key-slot.js';
import { assertRedisReachable } from '../../queues/index.js';
import { waitFor } from '../helpers/wait-for.js';
import { pendingJobs } from '../helpers/wait-for-drained.js';

/**
 * The exactly-once pipeline, kill -9 of a worker and a DLQ redrive on a local 3-master Redis
 * Cluster with 4 partitions (ClickHouse: the shared server).
 */
let cluster: LocalRedisCluster;
before(async () => {
  cluster = await startRedisCluster();
});
after(() => cluster.stop());

const SYMBOLS = Array.from({ length: 16 }, (_, i) => `CL${i}`);
const log = createLogger('silent');

function clusterPipeline(t: TestContext, overrides: Record<string, string> = {}) {
  return pipelineResources(t, { TRADE_SYNC_REDIS_CLUSTER: 'true', TRADE_SYNC_REDIS_URL: cluster.urls.join(','), TRADE_SYNC_PARTITIONS: '4', ...overrides });
}

async function assertExactlyOnce(config: Config, db: { client: Parameters<typeof countTrades>[0] }, queues: TestQueues, published: number, output = () => ''): Promise<void> {
  await assertEachTradeOnce(db.client, config.clickhouse.database, published, output);
  for (const queue of queues.partitions) await waitFor(() => pendingJobs(queue), (n) => n === 0, 30_000, `${queue.name} drained`);
}

test('Redis Cluster, 4 partitions: every trade exactly once, and the partitions\' keys sit on more than one node', async (t) => {
  const { config, db, queues } = await clusterPipeline(t);
  const producer = new TradeProducer(config);
  onCleanup(t, () => producer.close());
  const trades = Array.from({ length: 4_000 }, (_, i) => makeTrade({ symbol: SYMBOLS[i % SYMBOLS.length], order_id: `O-${i}` }));
  await producer.publish(trades.slice(0, 3_000), { packSize: 100 });
  await Promise.all(trades.slice(3_000).map((trade) => producer.publish(trade))); // coalesced singles

  for (const name of config.queues.layout.tradeQueues) {
    const slot = Number(await (queues.connection as import('ioredis').Cluster).cluster('KEYSLOT', `${config.redis.prefix}:${name}:wait`));
    assert.equal(keySlot(`${config.redis.prefix}:${name}:wait`), slot, `trade-sync's slot of ${name} is the cluster's`);
  }
  const owners = new Map<number, string[]>();
  for (const name of config.queues.layout.tradeQueues) {
    const perNode = await keysPerNode(cluster, `${config.redis.prefix}:${name}:*`);
    assert.equal(perNode.size, 1, `all of ${name}'s keys in one slot's node`);
    const port = [...perNode.keys()][0] as number;
    owners.set(port, [...(owners.get(port) ?? []), name]);
  }
  t.diagnostic(`partition queues per node: ${JSON.stringify(Object.fromEntries(owners))}`);
  assert.equal(owners.size, 3, 'the 4 partition queues, each tagged into its quarter of the slot range, sit on all 3 nodes');

  const worker = await runWorker(config, log);
  onCleanup(t, () => worker.stop());
  await assertExactlyOnce(config, db, queues, trades.length);
});

test('Redis Cluster, 4 partitions: kill -9 of a worker mid-stream, a second worker finishes, every trade exactly once', async (t) => {
  const { env, config, db, queues } = await clusterPipeline(t, { TRADE_SYNC_LOCK_DURATION_MS: '2000', TRADE_SYNC_STALLED_INTERVAL_MS: '2000' });
  const producer = new TradeProducer(config);
  onCleanup(t, () => producer.close());
  const trades = Array.from({ length: 20_000 }, (_, i) => makeTrade({ symbol: SYMBOLS[i % SYMBOLS.length] }));
  const first = spawnCli(['worker'], env);
  onCleanup(t, () => first.kill('SIGKILL'));
  for (let i = 0; i < trades.length; i += 2_000) await producer.publish(trades.slice(i, i + 2_000), { packSize: 20 });
  await waitFor(() => countTrades(db.client, config.clickhouse.database), (n) => n > 1_000, 60_000, `the first worker writes (${first.output().slice(-1_000)})`);
  assert.equal(await first.kill('SIGKILL'), 'SIGKILL');
  const second = spawnCli(['worker'], env);
  onCleanup(t, () => second.kill('SIGKILL'));
  await assertExactlyOnce(config, db, queues, trades.length, () => second.output());
});

test('Redis Cluster, 4 partitions: a dead letter redriven goes back to its own partition and lands once', async (t) => {
  const late = 'late:late-secret-0123456789abcdef0123456789';
  const { env, config, db, queues } = await clusterPipeline(t);
  const producer = new TradeProducer(loadConfig({ ...env, TRADE_SYNC_HMAC_KEYS: late }));
  onCleanup(t, () => producer.close());
  const trade = makeTrade({ symbol: 'CL7' });
  await producer.publish(trade, { packSize: 1 });
  const worker = await runWorker(config, log);
  const admin = new DeadLetterAdmin(queues.dlq);
  await waitFor(() => admin.count(), (n) => n === 1, 30_000, 'the trade dead-lettered (unknown key)');
  await worker.stop();

  const upgraded = loadConfig({ ...env, TRADE_SYNC_HMAC_KEYS: `${TEST_KEYS},${late}` });
  const worker2 = await runWorker(upgraded, log);
  onCleanup(t, () => worker2.stop());
  const [letter] = await admin.list();
  const { code, output } = await runCli(['dlq', 'redrive', letter?.id ?? ''], env);
  assert.equal(code, 0, output);
  await assertExactlyOnce(config, db, queues, 1);
  const completed = await Promise.all(queues.partitions.map((q) => q.getCompletedCount()));
  const source = (await queues.dlq.getJob(letter?.id ?? ''))?.data.source.queue;
  const sourceIndex = queues.partitions.findIndex((q) => q.name === source);
  assert.ok(sourceIndex >= 0, `the letter came from a partition queue (${source})`);
  assert.equal(completed[sourceIndex], 2, 'its partition completed the original job and the redrive');
});

test('a cluster node configured as a single Redis, or the reverse, is one line of REDIS_CLUSTER_MISMATCH; a dead first seed node is skipped', async () => {
  const asSingle = { url: cluster.urls[0] as string, urls: [cluster.urls[0] as string], cluster: false, prefix: 'p' };
  await assert.rejects(assertRedisReachable(asSingle), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'REDIS_CLUSTER_MISMATCH');
    assert.match(err.message, /^redis:\/\/127\.0\.0\.1:\d+\/? is a Redis Cluster node: set TRADE_SYNC_REDIS_CLUSTER=true/);
    return true;
  });
  const single = 'redis://127.0.0.1:6379';
  await assert.rejects(assertRedisReachable({ url: single, urls: [single], cluster: true, prefix: 'p' }), { code: 'REDIS_CLUSTER_MISMATCH' });
  const urls = ['redis://127.0.0.1:1', ...cluster.urls];
  await assertRedisReachable({ url: urls[0] as string, urls, cluster: true, prefix: 'p' }, 500);
  await assert.rejects(assertRedisReachable({ url: urls[0] as string, urls: [urls[0] as string], cluster: true, prefix: 'p' }, 500), { code: 'REDIS_UNAVAILABLE' });
});
