import type { ClickHouseClient } from '@clickhouse/client';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { createDeadLetterQueue, createRedisConnection, createTradesQueue, type DeadLetter, type TradeJobData } from '../../queues/index.js';
import type { Config } from '../../src/config/index.js';
import { createLogger } from '../../src/logger.js';
import { createClickHouseClient } from '../../src/sinks/clickhouse/create-clickhouse-client.js';
import { migrate } from '../../src/sinks/clickhouse/migrator.js';

/** The queues and (optionally) the migrated database of one scenario, removed by `cleanup`. */
export interface ScenarioResources {
  readonly config: Config;
  readonly connection: Redis;
  readonly trades: Queue<TradeJobData>;
  readonly dlq: Queue<DeadLetter>;
  /** Admin client on the scenario's database (undefined when the scenario has none). */
  readonly clickhouse: ClickHouseClient | undefined;
  readonly database: string;
  /** Obliterates both queues, drops the database, closes every connection. Never throws. */
  cleanup(): Promise<void>;
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
    clickhouse = createClickHouseClient(config, 'admin');
    await migrate(clickhouse, database, createLogger('silent'));
  }
  let cleaned: Promise<void> | undefined;
  return {
    config,
    connection,
    trades,
    dlq,
    clickhouse,
    database,
    cleanup() {
      cleaned ??= (async () => {
        await trades.obliterate({ force: true }).catch(() => undefined);
        await dlq.obliterate({ force: true }).catch(() => undefined);
        await trades.close().catch(() => undefined);
        await dlq.close().catch(() => undefined);
        await connection.quit().catch(() => undefined);
        if (clickhouse !== undefined) {
          await clickhouse.command({ query: `DROP DATABASE IF EXISTS ${database}` }).catch(() => undefined);
          await clickhouse.close().catch(() => undefined);
        }
      })();
      return cleaned;
    },
  };
}

/** Runs `body` with fresh resources and always cleans them up. */
export async function withResources<T>(config: Config, options: { database: boolean }, body: (r: ScenarioResources) => Promise<T>): Promise<T> {
  const resources = await openResources(config, options);
  try {
    return await body(resources);
  } finally {
    await resources.cleanup();
  }
}
