import { Queue } from 'bullmq';
import type { RedisClient } from './redis-connection.js';
import type { Config } from '../src/config/index.js';
import type { DeadLetter, TradeJobData } from './job-payload.js';

/** The trades queue. Unexpected processor failures retry with backoff before they park as failed. */
export function createTradesQueue(config: Config, connection: RedisClient): Queue<TradeJobData> {
  return new Queue<TradeJobData>(config.queues.trades, {
    connection,
    prefix: config.redis.prefix,
    defaultJobOptions: { attempts: 10, backoff: { type: 'exponential', delay: 1_000 } },
  });
}

/** The dead-letter queue. Dead letters are never removed automatically. */
export function createDeadLetterQueue(config: Config, connection: RedisClient): Queue<DeadLetter> {
  return new Queue<DeadLetter>(config.queues.dlq, {
    connection,
    prefix: config.redis.prefix,
    defaultJobOptions: { attempts: 1, removeOnFail: false, removeOnComplete: { count: 10_000 } },
  });
}
