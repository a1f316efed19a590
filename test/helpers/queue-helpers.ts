import type { Queue } from 'bullmq';
import type { RedisClient } from '../../queues/redis-connection.js';
import { createDeadLetterQueue, createRedisConnection, createTradeQueues, type DeadLetter, type TradeJobData } from '../../queues/index.js';
import type { Config } from '../../src/config/index.js';
import { purgeKeys } from './purge-keys.js';

export interface TestQueues {
  readonly connection: RedisClient;
  /** Partition 0's trades queue (the only one unless TRADE_SYNC_PARTITIONS > 1). */
  readonly trades: Queue<TradeJobData>;
  /** Every partition's trades queue, index = partition number. */
  readonly allTrades: readonly Queue<TradeJobData>[];
  readonly dlq: Queue<DeadLetter>;
  /** Obliterates both queues, deletes the rest of their keys (order state, heartbeats) and closes the connection. */
  cleanup(): Promise<void>;
}

export function testQueues(config: Config): TestQueues {
  const connection = createRedisConnection(config, 'worker');
  const allTrades = createTradeQueues(config, connection);
  const trades = allTrades[0] as Queue<TradeJobData>;
  const dlq = createDeadLetterQueue(config, connection);
  return {
    connection,
    trades,
    allTrades,
    dlq,
    async cleanup() {
      for (const q of allTrades) await q.obliterate({ force: true }).catch(() => undefined);
      await dlq.obliterate({ force: true }).catch(() => undefined);
      // Hash-tagged names (TRADE_SYNC_PARTITIONS > 1): `{trades.i}`, `{trades-dlq}`, global state under `{trades}`.
      if (config.queues.layout.tagged) await purgeKeys(connection, `${config.redis.prefix}:{${config.queues.trades}*`).catch(() => undefined);
      await purgeKeys(connection, `${config.redis.prefix}:${config.queues.trades}:*`).catch(() => undefined);
      await purgeKeys(connection, `${config.redis.prefix}:${config.queues.dlq}:*`).catch(() => undefined);
      // The ingest server's nonces and rate-limit buckets (they expire, but a test leaves nothing behind).
      await purgeKeys(connection, `${config.redis.prefix}:ingest:${config.queues.trades}:*`).catch(() => undefined);
      for (const q of allTrades) await q.close();
      await dlq.close();
      await connection.quit();
    },
  };
}
