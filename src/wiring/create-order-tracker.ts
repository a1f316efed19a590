import type { ClickHouseClient } from '@clickhouse/client';
import type { Redis } from 'ioredis';
import type { Config } from '../config/index.js';
import type { Logger } from '../logger.js';
import { ClickHouseOrderSink } from '../orders/clickhouse-order-sink.js';
import { OrderStore } from '../orders/order-store.js';
import { OrderTracker } from '../orders/order-tracker.js';

const DAY_SECONDS = 86_400;

/** The namespace of a trades queue's order state in Redis; a partition's queue name (`{trades.0}`) is its hash tag, so all of it is in that queue's Cluster slot (src/orders/README.md). */
export function ordersNamespace(config: Config): string {
  return `${config.redis.prefix}:${config.queues.trades}:orders`;
}

export function createOrderStore(config: Config, redis: Redis): OrderStore {
  return new OrderStore(redis, {
    namespace: ordersNamespace(config),
    fillTtlSeconds: Math.max(7 * DAY_SECONDS, Math.ceil((config.orders.thresholds.timeoutMs * 10) / 1000)),
  });
}

export function createOrderTracker(config: Config, redis: Redis, clients: readonly ClickHouseClient[], log: Logger): OrderTracker {
  return new OrderTracker({
    store: createOrderStore(config, redis),
    sink: new ClickHouseOrderSink(clients, config.clickhouse.database),
    thresholds: config.orders.thresholds,
    log,
  });
}
