import type { RedisClient } from '../../queues/redis-connection.js';
import type { Config } from '../config/index.js';
import { PartitionsMismatchError } from '../errors/index.js';

/**
 * The partition count every process of a deployment must agree on, recorded in Redis, and every
 * trades queue any layout has used (so a worker can drain one an earlier layout left behind).
 * Both keys are untagged single keys (`prefix:<trades>:layout:…`): the same name whatever the
 * partition count, so a process with another count finds them.
 */
export class LayoutRecord {
  readonly #redis: RedisClient;
  readonly #countKey: string;
  readonly #queuesKey: string;

  constructor(redis: RedisClient, config: Config) {
    this.#redis = redis;
    const base = `${config.redis.prefix}:${config.queues.trades}:layout`;
    this.#countKey = `${base}:partitions`;
    this.#queuesKey = `${base}:queues`;
  }

  /**
   * Records this layout when none is (the first process defines it) and throws
   * PARTITIONS_MISMATCH when another count is recorded.
   */
  async claim(config: Config): Promise<void> {
    const { count, tradeQueues } = config.queues.layout;
    await this.#redis.set(this.#countKey, String(count), 'NX');
    await this.check(config);
    await this.#redis.sadd(this.#queuesKey, ...tradeQueues);
  }

  /** Read-only twin of `claim` for commands that only look or steer (status, scale, dashboard): throws PARTITIONS_MISMATCH. */
  async check(config: Config): Promise<void> {
    const recorded = await this.recorded();
    if (recorded !== undefined && recorded !== config.queues.layout.count) throw new PartitionsMismatchError(config.queues.layout.count, recorded);
  }

  /** The recorded partition count, if any. */
  async recorded(): Promise<number | undefined> {
    const value = await this.#redis.get(this.#countKey);
    return value === null ? undefined : Number(value);
  }

  /** Every trades queue a layout has used. */
  async knownQueues(): Promise<string[]> {
    return (await this.#redis.smembers(this.#queuesKey)).sort();
  }

  /** `trade-sync repartition`: the new count and its queues (the old queues stay known). */
  async change(count: number, tradeQueues: readonly string[]): Promise<void> {
    await this.#redis.set(this.#countKey, String(count));
    await this.#redis.sadd(this.#queuesKey, ...tradeQueues);
  }
}

/**
 * `LayoutRecord.claim` on first use and again every `recheckMs`, for the processes that publish
 * (producer, ingest): one left running across `trade-sync repartition` stops adding to the old
 * partitions within seconds (PARTITIONS_MISMATCH) instead of writing there for good.
 */
export class LayoutGuard {
  readonly #record: LayoutRecord;
  readonly #config: Config;
  readonly #recheckMs: number;
  #checked: Promise<void> | undefined;
  #checkedAt = 0;

  constructor(record: LayoutRecord, config: Config, recheckMs = 5_000) {
    this.#record = record;
    this.#config = config;
    this.#recheckMs = recheckMs;
  }

  check(): Promise<void> {
    if (this.#checked === undefined || performance.now() - this.#checkedAt > this.#recheckMs) {
      this.#checkedAt = performance.now();
      this.#checked = this.#record.claim(this.#config).catch((err: unknown) => {
        this.#checked = undefined; // checked again by the next call
        throw err;
      });
    }
    return this.#checked;
  }
}
