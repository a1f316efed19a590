import { rm } from 'node:fs/promises';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Queue } from 'bullmq';
import type { RedisClient } from '../../queues/redis-connection.js';
import { createDeadLetterQueue, createRedisConnection, createTradesQueue, type DeadLetter, type TradeJobData } from '../../queues/index.js';
import type { Config } from '../../src/config/index.js';
import { createLogger } from '../../src/logger.js';
import { createClickHouseClient } from '../../src/sinks/clickhouse/create-clickhouse-client.js';
import { migrate } from '../../src/sinks/clickhouse/migrator.js';
import { BENCH_SPILL_ROOT } from './bench-env.js';
import type { Report } from './report.js';

const DDL_TIMEOUT_MS = 180_000;

/** Deletes every key matching the patterns (SCAN + UNLINK; large COUNT, as a shared Redis may hold millions of keys). */
async function deleteKeys(redis: RedisClient, patterns: readonly string[]): Promise<void> {
  for (const pattern of patterns) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 50_000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  }
}

/** The scenario's spill directory when it is one the bench made (never anything else). */
function spillDirOf(config: Config): string | undefined {
  const dir = (config as { spill?: { dir?: unknown } }).spill?.dir;
  return typeof dir === 'string' && dir.startsWith(`${BENCH_SPILL_ROOT}/`) ? dir : undefined;
}

/** Resources not cleaned up yet, so an interrupted run can still remove them. */
const open = new Set<ScenarioResources>();

/** Cleans up every scenario's resources still open (for SIGINT/SIGTERM). */
export async function cleanupAll(): Promise<void> {
  await Promise.all([...open].map((r) => r.cleanup()));
}

/** The queues and (optionally) the migrated database of one scenario, removed by `cleanup`. */
export interface ScenarioResources {
  readonly config: Config;
  readonly connection: RedisClient;
  readonly trades: Queue<TradeJobData>;
  readonly dlq: Queue<DeadLetter>;
  /** Admin client on the scenario's database (undefined when the scenario has none). */
  readonly clickhouse: ClickHouseClient | undefined;
  readonly database: string;
  /** Obliterates both queues, drops the database, closes every connection. Never throws: resolves with what failed. */
  cleanup(): Promise<string[]>;
}

export async function openResources(config: Config, options: { database: boolean }): Promise<ScenarioResources> {
  const connection = createRedisConnection(config, 'worker');
  const trades = createTradesQueue(config, connection);
  const dlq = createDeadLetterQueue(config, connection);
  trades.on('error', () => {});
  dlq.on('error', () => {});
  const database = config.clickhouse.database;
  let clickhouse: ClickHouseClient | undefined;
  if (options.database) {
    // Dropping a table of thousands of one-row parts (the naive peer's) can take longer than the default timeout.
    clickhouse = createClickHouseClient({ ...config, clickhouse: { ...config.clickhouse, timeoutMs: DDL_TIMEOUT_MS } }, 'admin');
    await migrate(clickhouse, database, createLogger('silent'));
  }
  let cleaned: Promise<string[]> | undefined;
  const resources: ScenarioResources = {
    config,
    connection,
    trades,
    dlq,
    clickhouse,
    database,
    cleanup() {
      cleaned ??= (async () => {
        const failures: string[] = [];
        const attempt = async (what: string, step: () => Promise<unknown>) => {
          try {
            await step();
          } catch (err) {
            failures.push(`${what}: ${(err as Error).message.split('\n')[0]}`);
          }
        };
        await attempt(`obliterate queue ${trades.name}`, () => trades.obliterate({ force: true }));
        await attempt(`obliterate queue ${dlq.name}`, () => dlq.obliterate({ force: true }));
        // Whatever else the app keeps under a queue's key space (order tracking, the ingest's nonces and rate buckets) goes too.
        const keySpaces = [`${config.redis.prefix}:${trades.name}:*`, `${config.redis.prefix}:${dlq.name}:*`, `${config.redis.prefix}:ingest:${trades.name}:*`];
        await attempt('delete leftover keys', () => deleteKeys(connection, keySpaces));
        await attempt('close queues', () => Promise.all([trades.close(), dlq.close()]));
        await attempt('close redis', () => connection.quit());
        const spillDir = spillDirOf(config);
        if (spillDir !== undefined) await attempt(`remove ${spillDir}`, () => rm(spillDir, { recursive: true, force: true }));
        if (clickhouse !== undefined) {
          const admin = clickhouse;
          await attempt(`DROP DATABASE ${database}`, () => admin.command({ query: `DROP DATABASE IF EXISTS ${database}` }));
          await attempt('close clickhouse', () => admin.close());
        }
        open.delete(resources);
        return failures;
      })();
      return cleaned;
    },
  };
  open.add(resources);
  return resources;
}

/** Runs `body` with fresh resources and always cleans them up; a failed cleanup step is a problem of the scenario. */
export async function withResources<T>(config: Config, options: { database: boolean }, report: Report, body: (r: ScenarioResources) => Promise<T>): Promise<T> {
  const resources = await openResources(config, options);
  try {
    return await body(resources);
  } finally {
    for (const failure of await resources.cleanup()) report.problem(`cleanup failed: ${failure}`);
  }
}
