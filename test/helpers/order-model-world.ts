import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import type { RedisClient } from '../../queues/redis-connection.js';
import type { OrderThresholds } from '../../src/config/order-thresholds.js';
import { createLogger } from '../../src/logger.js';
import { decodeRecord } from '../../src/orders/fill-encoding.js';
import { ClickHouseOrderSink } from '../../src/orders/clickhouse-order-sink.js';
import type { OrderSink } from '../../src/orders/order-committer.js';
import type { OrderRow } from '../../src/orders/order-row.js';
import { OrderStore } from '../../src/orders/order-store.js';
import { OrderTracker } from '../../src/orders/order-tracker.js';
import { purgeKeys } from './purge-keys.js';

/** How an injected failure hits a call: before it runs (no effect), after it ran (reply lost), or after it ran and the worker dies (kill -9). */
export type Fault = 'before' | 'after' | 'crash';

/** Redis commands of the orders (every one of them goes through the fault gate). */
const GATED = /^(tsOrders|zrangebyscore$|mget$)/;

/** Every call a fault can hit: each Redis script and command of the orders, and each ClickHouse call. */
export const CALLS = [
  'tsOrdersStage', 'tsOrdersLoad', 'tsOrdersPark', 'tsOrdersForget', 'tsOrdersMarkIncomplete', 'tsOrdersStagedAmong', 'tsOrdersCounts',
  'tsOrdersWriteRecord', 'tsOrdersDropRecords', 'zrangebyscore', 'mget', 'insert', 'completeAmong',
] as const;

/** A fault: the `nth` call (from 0) of one kind fails. */
export type FaultPlan = ReadonlyMap<string, Fault>;

export const faultKey = (call: string, nth: number) => `${call}#${nth}`;

/** A worker process of the model: a tracker on its own gated Redis connection and ClickHouse sink. */
export interface ModelWorker {
  readonly tracker: OrderTracker;
  dead: boolean;
}

/**
 * The world an orders model run lives in: one Redis namespace and one ClickHouse account of its
 * own, a clock the run moves, and a numbered gate every Redis and ClickHouse call of every
 * worker passes, where the run's faults are injected by call number. A dead worker's calls all
 * fail before they run (its process is gone; its promises still settle here).
 */
export class OrderModelWorld {
  readonly namespace = `test-orders-model:${randomUUID()}`;
  readonly account = `M-${randomUUID().slice(0, 8)}`;
  now = 1_800_000_000_000;
  /** Calls so far, by kind. */
  readonly calls = new Map<string, number>();
  readonly #faults: FaultPlan;
  readonly #redis: RedisClient;
  readonly #client: ClickHouseClient;
  readonly #database: string;
  readonly #thresholds: OrderThresholds;
  /** Model time at which each order's first complete row was inserted. */
  readonly completeRowAt = new Map<string, number>();
  faultsOn = true;

  constructor(redis: RedisClient, client: ClickHouseClient, database: string, thresholds: OrderThresholds, faults: FaultPlan) {
    this.#redis = redis;
    this.#client = client;
    this.#database = database;
    this.#thresholds = thresholds;
    this.#faults = faults;
  }

  async #gate<T>(worker: ModelWorker, call: string, run: () => Promise<T>): Promise<T> {
    if (worker.dead) throw new Error('injected: the worker is dead');
    const nth = this.calls.get(call) ?? 0;
    this.calls.set(call, nth + 1);
    const fault = this.faultsOn ? this.#faults.get(faultKey(call, nth)) : undefined;
    if (fault === 'before') throw new Error('injected: failed before the call');
    const result = await run();
    if (fault === 'crash') worker.dead = true;
    if (fault !== undefined) throw new Error(`injected: failed after the call (${fault})`);
    return result;
  }

  /** A new worker process. */
  worker(): ModelWorker {
    const worker = { dead: false } as { dead: boolean; tracker: OrderTracker };
    const gate = <T>(call: string, run: () => Promise<T>) => this.#gate(worker, call, run);
    const real = this.#redis;
    const redis = new Proxy(real, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target) as unknown;
        if (typeof value !== 'function') return value;
        if (typeof prop === 'string' && GATED.test(prop)) return (...args: unknown[]) => gate(prop, () => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args));
        return (value as (...a: unknown[]) => unknown).bind(target);
      },
    });
    const sink = new ClickHouseOrderSink([this.#client], this.#database);
    const gated: OrderSink = {
      insert: (rows: readonly OrderRow[]) =>
        gate('insert', async () => {
          await sink.insert(rows);
          for (const r of rows) if (r.status !== 'incomplete' && !this.completeRowAt.has(`${r.account}|${r.orderId}`)) this.completeRowAt.set(`${r.account}|${r.orderId}`, this.now);
        }),
      completeAmong: (members: readonly string[]) => gate('completeAmong', () => sink.completeAmong(members)),
    };
    worker.tracker = new OrderTracker({
      store: new OrderStore(redis, { namespace: this.namespace, fillTtlSeconds: 3_600 }),
      sink: gated,
      thresholds: this.#thresholds,
      log: createLogger('silent'),
      now: () => this.now,
    });
    return worker;
  }

  /** Every key the run left in Redis, without the namespace. */
  async keys(): Promise<string[]> {
    const out: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.#redis.scan(cursor, 'MATCH', `${this.namespace}:*`, 'COUNT', 1_000);
      cursor = next;
      out.push(...keys.map((k) => k.slice(this.namespace.length + 1)));
    } while (cursor !== '0');
    return out.sort();
  }

  /** Trade ids of every fill held in Redis: in a batch record or an order's hash. */
  async fillsInRedis(): Promise<Set<string>> {
    const ids = new Set<string>();
    for (const key of await this.keys()) {
      const full = `${this.namespace}:${key}`;
      if (key.startsWith('batch:')) for (const fills of decodeRecord((await this.#redis.get(full)) ?? '').values()) for (const f of fills) ids.add(f.trade_id);
      else if (key.startsWith('fills:')) for (const id of await this.#redis.hkeys(full)) ids.add(id);
    }
    return ids;
  }

  zrange(name: string): Promise<string[]> {
    return this.#redis.zrange(`${this.namespace}:${name}`, '0', '-1');
  }

  async cleanup(): Promise<void> {
    await purgeKeys(this.#redis, `${this.namespace}:*`);
  }
}
