import type { Queue } from 'bullmq';
import type { RedisClient } from '../../queues/redis-connection.js';
import { createDeadLetterQueue, createRedisConnection, createTradeQueues, type DeadLetter, type TradeJobData } from '../../queues/index.js';
import type { Config } from '../../src/config/index.js';
import { purgeKeys } from './purge-keys.js';

export interface TestQueues {
  readonly connection: RedisClient;
  /** Partition 0's queue (the only one unless TRADE_SYNC_PARTITIONS > 1). */
  readonly trades: Queue<TradeJobData>;
  /** Every partition's queue. */
  readonly partitions: readonly Queue<TradeJobData>[];
  readonly dlq: Queue<DeadLetter>;
  /** Obliterates both queues, deletes the rest of their keys (order state, heartbeats) and closes the connection. */
  cleanup(): Promise<void>;
}

export function testQueues(config: Config): TestQueues {
  const connection = createRedisConnection(config, 'worker');
  const partitions = createTradeQueues(config, connection);
  const trades = partitions[0] as Queue<TradeJobData>;
  const dlq = createDeadLetterQueue(config, connection);
  return {
    connection,
    trades,
    partitions,
    dlq,
    async cleanup() {
      for (const queue of partitions) await queue.obliterate({ force: true }).catch(() => undefined);
      await dlq.obliterate({ force: true }).catch(() => undefined);
      const { prefix } = config.redis;
      const { trades: name, dlq: dlqName } = config.queues;
      // Untagged names (one partition) and tagged ones ({t-x.0}, {t-x-dlq}, {t-x}), orders state and the layout record.
      for (const pattern of [`${prefix}:${name}:*`, `${prefix}:${dlqName}:*`, `${prefix}:{${name}*`, `${prefix}:ingest:${name}:*`, `${prefix}:ingest:{${name}}:*`]) {
        await purgeKeys(connection, pattern).catch(() => undefined);
      }
      for (const queue of partitions) await queue.close();
      await dlq.close();
      await connection.quit();
    },
  };
}
