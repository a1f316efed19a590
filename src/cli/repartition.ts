import type { RedisClient } from '../../queues/redis-connection.js';
import { tradesQueueNamed } from '../../queues/index.js';
import type { Config } from '../config/index.js';
import { createOrderStore } from '../wiring/create-order-tracker.js';
import { LayoutRecord } from '../partitions/layout-record.js';
import { pendingJobs } from '../../queues/pending-jobs.js';
import { partitionLayout } from '../partitions/partition-layout.js';

/** What still stands in the way of a repartition. */
export interface Backlog {
  /** Jobs not yet worked, over every trades queue any layout has used. */
  readonly jobs: number;
  /** Orders whose fills are staged in Redis, waiting to be complete. */
  readonly orders: number;
  /** Queues holding jobs. */
  readonly busyQueues: readonly string[];
}

/**
 * Changes the partition count recorded in Redis, which every producer, ingest and worker checks
 * (PARTITIONS_MISMATCH). It is safe only while nothing is in flight: a symbol's queued fills
 * would otherwise continue on another partition than its earlier ones, and an order's fills
 * would be split between two order books (it would commit as incomplete). So the caller checks
 * `backlog()` is empty first (intake stopped, workers drained), then calls `change`.
 */
export class Repartition {
  readonly #redis: RedisClient;
  readonly #config: Config;
  readonly #record: LayoutRecord;

  constructor(redis: RedisClient, config: Config) {
    this.#redis = redis;
    this.#config = config;
    this.#record = new LayoutRecord(redis, config);
  }

  /** The recorded partition count (the configured one when none is recorded yet). */
  async current(): Promise<number> {
    return (await this.#record.recorded()) ?? this.#config.queues.layout.count;
  }

  async backlog(): Promise<Backlog> {
    const current = await this.current();
    const { trades, dlq } = this.#config.queues;
    const layout = partitionLayout(trades, dlq, current, this.#config.redis.cluster);
    const names = [...new Set([...layout.tradeQueues, ...(await this.#record.knownQueues())])];
    let jobs = 0;
    let orders = 0;
    const busyQueues: string[] = [];
    for (const name of names) {
      const queue = tradesQueueNamed(this.#config, this.#redis, name);
      const pending = await pendingJobs(queue).finally(() => queue.close());
      if (pending > 0) busyQueues.push(name);
      jobs += pending;
      if (this.#config.orders.enabled) orders += (await createOrderStore(this.#config, this.#redis, name).counts()).pending;
    }
    return { jobs, orders, busyQueues };
  }

  /**
   * Records `count` partitions. The old queues stay known: a producer that has not yet noticed
   * the change may still add to one, and workers drain any known queue that holds jobs.
   */
  async change(count: number): Promise<void> {
    const { trades, dlq } = this.#config.queues;
    await this.#record.change(count, partitionLayout(trades, dlq, count, this.#config.redis.cluster).tradeQueues);
  }
}
