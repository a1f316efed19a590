import type { Queue } from 'bullmq';
import type { RedisClient } from '../../queues/redis-connection.js';
import { createDeadLetterQueue, createRedisConnection, createTradesQueue, type DeadLetter, type TradeJobData } from '../../queues/index.js';
import type { Config } from '../../src/config/index.js';
import { purgeKeys } from './purge-keys.js';

export interface TestQueues {
  readonly connection: RedisClient;
  readonly trades: Queue<TradeJobData>;
  readonly dlq: Queue<DeadLetter>;
  /** Obliterates both queues, deletes the rest of their keys (order state, heartbeats) and closes the connection. */
  cleanup(): Promise<void>;
}

export function testQueues(config: Config): TestQueues {
  const connection = createRedisConnection(config, 'worker');
  const trades = createTradesQueue(config, connection);
  const dlq = createDeadLetterQueue(config, connection);
  return {
    connection,
    trades,
    dlq,
    async cleanup() {
      await trades.obliterate({ force: true }).catch(() => undefined);
      await dlq.obliterate({ force: true }).catch(() => undefined);
      await purgeKeys(connection, `${config.redis.prefix}:${config.queues.trades}:*`).catch(() => undefined);
      await purgeKeys(connection, `${config.redis.prefix}:${config.queues.dlq}:*`).catch(() => undefined);
      // The ingest server's nonces and rate-limit buckets (they expire, but a test leaves nothing behind).
      await purgeKeys(connection, `${config.redis.prefix}:ingest:${config.queues.trades}:*`).catch(() => undefined);
      await trades.close();
      await dlq.close();
      await connection.quit();
    },
  };
}
