export type { DeadItem, DeadLetter, RedriveOutcome, TradeJobData } from './job-payload.js';
export { JOB_NAMES } from './job-payload.js';
export { createRedisConnection, redactedRedisUrl, type RedisClient } from './redis-connection.js';
export { createTradesQueue, createTradeQueues, tradesQueueNamed, createDeadLetterQueue } from './queue-factory.js';
export { assertRedisReachable } from './assert-redis-reachable.js';
