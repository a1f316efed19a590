import { Queue } from 'bullmq';
import type { RedisClient } from './redis-connection.js';
import type { Config } from '../src/config/index.js';
import type { DeadLetter, TradeJobData } from './job-payload.js';

/**
 * The trades queue of one partition (the only one unless TRADE_SYNC_PARTITIONS > 1). Unexpected
 * processor failures retry with backoff before they park as failed.
 */
export function createTradesQueue(config: Config, connection: RedisClient, partition = 0): Queue<TradeJobData> {
  const name = config.queues.layout.tradeQueues[partition];
  if (name === undefined) throw new RangeError(`partition ${partition} is not one of 0-${config.queues.layout.count - 1}`);
  return tradesQueueNamed(config, connection, name);
}

/** Every partition's trades queue, index = partition number. */
export function createTradeQueues(config: Config, connection: RedisClient): Queue<TradeJobData>[] {
  return config.queues.layout.tradeQueues.map((name) => tradesQueueNamed(config, connection, name));
}

/** A trades queue by its Redis name (a partition of this layout, or of an earlier one being drained). */
export function tradesQueueNamed(config: Config, connection: RedisClient, name: string): Queue<TradeJobData> {
  return new Queue<TradeJobData>(name, {
    connection,
    prefix: config.redis.prefix,
    defaultJobOptions: { attempts: 10, backoff: { type: 'exponential', delay: 1_000 } },
  });
}

/** The dead-letter queue (one for every partition). Dead letters are never removed automatically. */
export function createDeadLetterQueue(config: Config, connection: RedisClient): Queue<DeadLetter> {
  return new Queue<DeadLetter>(config.queues.layout.dlqQueue, {
    connection,
    prefix: config.redis.prefix,
    defaultJobOptions: { attempts: 1, removeOnFail: false, removeOnComplete: { count: 10_000 } },
  });
}
