import { after, before } from 'node:test';
import { Redis } from 'ioredis';
import { createOrderStore, ordersNamespace } from '../../src/wiring/create-order-tracker.js';
import { loadConfig, type Config } from '../../src/config/index.js';
import type { OrderThresholds } from '../../src/config/order-thresholds.js';
import { createLogger } from '../../src/logger.js';
import { ClickHouseOrderSink } from '../../src/orders/clickhouse-order-sink.js';
import type { OrderSink } from '../../src/orders/order-committer.js';
import type { OrderStore } from '../../src/orders/order-store.js';
import { OrderTracker } from '../../src/orders/order-tracker.js';
import type { TradeRow } from '../../src/sinks/trade-row.js';
import type { Trade } from '../../src/trade/trade-schema.js';
import { migratedDatabase } from './clickhouse-helpers.js';
import { purgeKeys } from './purge-keys.js';
import { testEnv } from './test-env.js';
import { makeTrade } from './trade-factory.js';

export interface OrderTrackerFixture {
  readonly config: Config;
  readonly db: Awaited<ReturnType<typeof migratedDatabase>>;
  readonly redis: Redis;
}

/**
 * For a test file of order-tracker tests: a config, a migrated database and a Redis connection,
 * made before its tests and removed (with the orders' Redis keys) after them. Read the fields in
 * tests, not at load time.
 */
export function orderTrackerFixture(): OrderTrackerFixture {
  let state: OrderTrackerFixture | undefined;
  before(async () => {
    const config = loadConfig(testEnv());
    state = { config, db: await migratedDatabase(config), redis: new Redis(config.redis.url) };
  });
  after(async () => {
    if (state === undefined) return;
    await purgeKeys(state.redis, `${ordersNamespace(state.config)}:*`);
    state.redis.disconnect();
    await state.db.drop();
  });
  const get = (): OrderTrackerFixture => {
    if (state === undefined) throw new Error('order tracker fixture used before its before() hook ran');
    return state;
  };
  return {
    get config() {
      return get().config;
    },
    get db() {
      return get().db;
    },
    get redis() {
      return get().redis;
    },
  };
}

export interface TrackerOptions extends Partial<OrderThresholds> {
  readonly store?: OrderStore;
  readonly sink?: OrderSink;
  readonly now?: () => number;
}

/**
 * A tracker on the fixture's Redis and database. Unless told otherwise: every batch counts as
 * large (inBatchMinRows 1), and nothing ages, is recovered or times out by itself (sweeps and
 * ages are called with times ahead of now).
 */
export function trackerOf(f: OrderTrackerFixture, options: TrackerOptions = {}): OrderTracker {
  const { store, sink, now, ...thresholds } = options;
  return new OrderTracker({
    store: store ?? createOrderStore(f.config, f.redis),
    sink: sink ?? new ClickHouseOrderSink([f.db.client], f.config.clickhouse.database),
    thresholds: { ...f.config.orders.thresholds, timeoutMs: 600_000, sweepIntervalMs: 60_000, carryMs: 30_000, recordLeaseMs: 60_000, inBatchMinRows: 1, ...thresholds },
    log: createLogger('silent'),
    ...(now === undefined ? {} : { now }),
  });
}

/** A verified row of this trade (the envelope is a stand-in: order tests never dead-letter). */
export const fillRow = (trade: Trade): TradeRow => ({ trade, kid: 'test-k1', source: { jobId: '1', index: 0, envelope: null } });

/** A fill of ACC-001's order `orderId` (order_qty 3). */
export const fill = (orderId: string, qty: string, cum: string, status: Trade['order_status']): TradeRow =>
  fillRow(makeTrade({ order_id: orderId, qty, cum_qty: cum, order_qty: '3', order_status: status }));
