import type { ClickHouseClient } from '@clickhouse/client';
import type { Redis } from 'ioredis';
import type { Config } from '../config/index.js';
import type { Logger } from '../logger.js';
import { ClickHouseOrderSink } from '../orders/clickhouse-order-sink.js';
import type { ClusterTopologyResolver } from '../sinks/clickhouse/cluster-topology-resolver.js';
import { OrderStore } from '../orders/order-store.js';
import { OrderTracker } from '../orders/order-tracker.js';

const DAY_SECONDS = 86_400;

/** The namespace of a trades queue's order state in Redis (under the queue prefix: a `{hash tag}` prefix keeps it in one Cluster slot). */
export function ordersNamespace(config: Config): string {
  return `${config.redis.prefix}:${config.queues.trades}:orders`;
}

export function createOrderStore(config: Config, redis: Redis): OrderStore {
  return new OrderStore(redis, {
    namespace: ordersNamespace(config),
    fillTtlSeconds: Math.max(7 * DAY_SECONDS, Math.ceil((config.orders.thresholds.timeoutMs * 10) / 1000)),
  });
}

/** `topology` (with TRADE_SYNC_CLICKHOUSE_CLUSTER) routes each order to the shard of its symbol; `clients` follow config.clickhouse.urls. */
export function createOrderTracker(config: Config, redis: Redis, clients: readonly ClickHouseClient[], log: Logger, topology?: ClusterTopologyResolver): OrderTracker {
  return new OrderTracker({
    store: createOrderStore(config, redis),
    sink: new ClickHouseOrderSink(clients, config.clickhouse.database, topology === undefined ? undefined : { topology, urls: config.clickhouse.urls }),
    thresholds: config.orders.thresholds,
    log,
  });
}
