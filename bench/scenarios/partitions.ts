import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/logger.js';
import { createClickHouseClient } from '../../src/sinks/clickhouse/create-clickhouse-client.js';
import { migrate } from '../../src/sinks/clickhouse/migrator.js';
import { purgeKeys } from '../../test/helpers/purge-keys.js';
import { nodeOfKey } from '../../test/helpers/cluster-key-owner.js';
import { redisCpuPerNode } from '../../test/helpers/redis-node-cpu.js';
import { startRedisCluster, type LocalRedisCluster } from '../../test/helpers/redis-cluster.js';
import { createRedisConnection } from '../../queues/index.js';
import { benchEnv } from '../lib/bench-env.js';
import { countFinal } from '../lib/clickhouse-queries.js';
import { procCpuSeconds } from '../lib/proc-status.js';
import { progress } from '../lib/progress.js';
import type { BenchOptions, Report, Scenario } from '../lib/report.js';
import { perSecond, pollUntil } from '../lib/timing.js';
import { fillQueue, generateTrades } from '../lib/trades.js';
import { STUCK_STOP_MS, startTradeSyncWorker } from '../lib/worker-process.js';

/** Trades per variant, one job per trade: the mode that works Redis hardest per trade. */
const TRADES = 30_000;
const PACK = 1;

interface Variant {
  readonly key: string;
  readonly partitions: number;
  readonly cluster: boolean;
}

const VARIANTS: readonly Variant[] = [
  { key: 'single-p1', partitions: 1, cluster: false },
  { key: 'single-p4', partitions: 4, cluster: false },
  { key: 'cluster-p1', partitions: 1, cluster: true },
  { key: 'cluster-p4', partitions: 4, cluster: true },
];

/**
 * One worker process drains 30,000 one-job-per-trade trades with 1 and 4 partitions, on one
 * Redis and on a local 3-master Redis Cluster: trades/s, worker CPU per trade and Redis CPU per
 * trade on each node. On a 2-core machine nothing gets faster; what shows is where the Redis
 * work goes: one node for one partition, spread over the nodes for four.
 */
export const partitions: Scenario = {
  name: 'partitions',
  title: 'partitions on one Redis and on a 3-node Redis Cluster',
  async run(options: BenchOptions, report: Report) {
    const cluster = await startRedisCluster();
    try {
      for (const variant of VARIANTS) await runVariant(variant, cluster, options, report);
    } finally {
      await cluster.stop();
    }
  },
};

async function runVariant(variant: Variant, cluster: LocalRedisCluster, options: BenchOptions, report: Report): Promise<void> {
  const redisEnv: Record<string, string> = variant.cluster ? { TRADE_SYNC_REDIS_CLUSTER: 'true', TRADE_SYNC_REDIS_URL: cluster.urls.join(',') } : {};
  const { env } = benchEnv(`part-${variant.key}`, { ...options.env, ...redisEnv, TRADE_SYNC_PARTITIONS: String(variant.partitions) });
  const config = loadConfig(env);
  const admin = createClickHouseClient(config, 'admin');
  const redis = createRedisConnection(config, 'producer');
  const nodes = variant.cluster ? cluster.nodes : [{ host: new URL(config.redis.url).hostname, port: Number(new URL(config.redis.url).port || 6379) }];
  try {
    await migrate(admin, config.clickhouse.database, createLogger('silent'));
    await fillQueue(config, generateTrades(TRADES), PACK, `partitions ${variant.key}`);
    const worker = await startTradeSyncWorker({ label: `partitions-${variant.key}`, env, cpuProfDir: options.cpuProfDir });
    try {
      const cpuBefore = procCpuSeconds(worker.pid) ?? 0;
      const redisBefore = await redisCpuPerNode(nodes);
      const started = performance.now();
      const bar = progress(`partitions ${variant.key}: draining`, TRADES);
      const endedAt = await pollUntil(
        async () => {
          const n = await countFinal(admin, config.clickhouse.database);
          bar.update(n);
          return n >= TRADES || worker.exitStatus() !== undefined;
        },
        { intervalMs: 50, timeoutMs: options.maxWaitS * 1000 },
      ).finally(() => bar.stop());
      if (endedAt === undefined || worker.exitStatus() !== undefined) report.problem(`partitions ${variant.key}: drain did not finish`);
      const redisAfter = await redisCpuPerNode(nodes);
      const label = `${variant.partitions} partition(s), ${variant.cluster ? '3-node cluster' : 'one Redis'}`;
      report.figure(`${variant.key}.rate`, `${label}: drain`, perSecond(TRADES, (endedAt ?? performance.now()) - started), 'trades/s');
      report.figure(`${variant.key}.cpu`, `${label}: worker CPU per trade (user + sys)`, (((procCpuSeconds(worker.pid) ?? cpuBefore) - cpuBefore) * 1e6) / TRADES, 'µs/trade');
      const perNode = nodes.map((n) => (((redisAfter.get(n.port) ?? 0) - (redisBefore.get(n.port) ?? 0)) * 1e6) / TRADES);
      perNode.forEach((us, i) => report.figure(`${variant.key}.redis-cpu.node${i}`, `${label}: Redis CPU per trade, node ${i + 1}`, us, 'µs/trade'));
      const total = perNode.reduce((a, b) => a + b, 0);
      if (variant.cluster) report.note(`${label}: partition queues per node ${await queuesPerNode(cluster, config.redis.prefix, config.queues.layout.tradeQueues)}`);
      if (nodes.length > 1) report.figure(`${variant.key}.redis-busiest-share`, `${label}: busiest node's share of Redis CPU`, total > 0 ? Math.max(...perNode) / total : 0, '');
    } finally {
      await worker.stop(report.problems.length > 0 ? STUCK_STOP_MS : undefined);
    }
  } finally {
    await admin.command({ query: `DROP DATABASE IF EXISTS ${config.clickhouse.database}` }).catch(() => undefined);
    await purgeKeys(redis, `${config.redis.prefix}:*${config.queues.trades}*`).catch(() => undefined);
    await redis.quit().catch(() => undefined);
    await admin.close();
  }
}

/** How many partition queues each cluster node serves (by the slot of the queue's `meta` key), e.g. `2/1/1`. */
async function queuesPerNode(cluster: LocalRedisCluster, prefix: string, queues: readonly string[]): Promise<string> {
  const counts = new Map(cluster.nodes.map((n) => [n.port, 0]));
  for (const queue of queues) {
    const node = await nodeOfKey(cluster, `${prefix}:${queue}:meta`);
    counts.set(node.port, (counts.get(node.port) ?? 0) + 1);
  }
  return [...counts.values()].join('/');
}
