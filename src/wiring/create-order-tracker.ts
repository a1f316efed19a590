import type { ClickHouseClient } from '@clickhouse/client';
import type { RedisClient } from '../../queues/redis-connection.js';
import type { Config } from '../config/index.js';
import type { Logger } from '../logger.js';
import { ClickHouseOrderSink } from '../orders/clickhouse-order-sink.js';
import { OrderStore } from '../orders/order-store.js';
import { OrderTracker } from '../orders/order-tracker.js';

const DAY_SECONDS = 86_400;

/**
 * The namespace of one partition's order state in Redis: `prefix:<queue>:orders`, so it carries
 * the partition queue's hash tag (`{trades.3~13}`) and sits in the queue's Cluster slot
 * (src/orders/README.md).
 */
export function ordersNamespace(config: Config, queue: string = config.queues.layout.tradeQueues[0] as string): string {
  return `${config.redis.prefix}:${queue}:orders`;
}

export function createOrderStore(config: Config, redis: RedisClient, queue?: string): OrderStore {
  return new OrderStore(redis, {
    namespace: ordersNamespace(config, queue),
    fillTtlSeconds: Math.max(7 * DAY_SECONDS, Math.ceil((config.orders.thresholds.timeoutMs * 10) / 1000)),
  });
}

/** One partition's order tracker (fills of an order all travel through one partition). */
export function createOrderTracker(config: Config, redis: RedisClient, clients: readonly ClickHouseClient[], log: Logger, queue?: string): OrderTracker {
  return new OrderTracker({
    store: createOrderStore(config, redis, queue),
    sink: new ClickHouseOrderSink(clients, config.clickhouse.database),
    thresholds: config.orders.thresholds,
    log,
  });
}
