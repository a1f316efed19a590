import type { Queue } from 'bullmq';
import type { RedisClient } from '../../queues/redis-connection.js';
import { createRedisConnection, createTradeQueues, type TradeJobData } from '../../queues/index.js';
import { LayoutGuard, LayoutRecord } from '../partitions/layout-record.js';
import { partitionOf } from '../partitions/symbol-hash.js';
import { groupBySymbol } from '../partitions/group-by-symbol.js';
import { Batcher } from '../batching/batcher.js';
import { requireKeys, type Config } from '../config/index.js';
import { ProducerClosedError, QueueFullError, TradeValidationError, type FieldIssue } from '../errors/index.js';
import { parseTrade } from '../trade/parse-trade.js';
import { MAX_PACK_TRADES } from '../trade/signed-envelope.js';
import type { Trade } from '../trade/trade-schema.js';
import { packTrades, type PlannedJob } from './pack-trades.js';
import { QueueDepthGauge } from './queue-depth-gauge.js';

/** Options of one `publish` call; each defaults to the producer's config. */
export interface PublishOptions {
  /** `reject`: throw QueueFullError at 80% of capacity; `wait`: wait for room (up to backpressureWaitMs). */
  readonly backpressure?: 'reject' | 'wait';
  /**
   * Trades per job. 1: one job per trade (jobId = trade_id, each trade signed on its own). Above 1:
   * signed packs of up to this many trades (at most MAX_PACK_TRADES, 1,000), one signature each;
   * a single trade then waits up to `lingerMs` for other calls to share its pack.
   * @defaultValue TRADE_SYNC_PACK_SIZE (100)
   */
  readonly packSize?: number;
}

export interface PublishResult {
  readonly trades: number;
  /** Jobs that carry this call's trades (a coalesced trade's pack also carries other calls' trades). */
  readonly jobs: number;
}

const HIGH_WATER = 0.8;
const ADD_CHUNK = 1_000;

/**
 * The producer library: validates, signs and enqueues trades. Invalid input throws
 * TradeValidationError before anything is enqueued; a full queue throws QueueFullError
 * (retriable) or waits, as the caller chooses.
 *
 * `publish(trade)` calls are coalesced, as a Kafka producer batches records: a trade waits up to
 * `lingerMs` (TRADE_SYNC_PRODUCER_LINGER_MS, 5 ms) or until `packSize` trades are waiting, then
 * the waiting trades go to Redis as one signed pack, and each call resolves once its pack is in
 * Redis (or rejects with the error that kept it out). `close()` sends what is waiting first.
 */
export class TradeProducer {
  readonly #config: Config;
  /** One queue per partition; a trade goes to its symbol's. */
  readonly #queues: readonly Queue<TradeJobData>[];
  readonly #gauge: QueueDepthGauge;
  readonly #ownedConnection: RedisClient | undefined;
  /** The partition count recorded in Redis, checked on the first call and every 5 s (PARTITIONS_MISMATCH). */
  readonly #layout: LayoutGuard;
  /** Open packs of lingering single trades, one per partition and pack size in use. */
  readonly #lingering = new Map<string, Batcher<Trade>>();
  #closed: Promise<void> | undefined;

  constructor(config: Config, connection?: RedisClient) {
    requireKeys(config);
    this.#config = config;
    this.#ownedConnection = connection === undefined ? createRedisConnection(config, 'producer') : undefined;
    const redis = connection ?? (this.#ownedConnection as RedisClient);
    this.#queues = createTradeQueues(config, redis);
    for (const queue of this.#queues) queue.on('error', () => {}); // connection errors surface as rejected publish calls
    this.#gauge = new QueueDepthGauge(this.#queues);
    this.#layout = new LayoutGuard(new LayoutRecord(redis, config), config);
  }

  async publish(input: Trade | readonly Trade[], options: PublishOptions = {}): Promise<PublishResult> {
    const single = !Array.isArray(input);
    const list: readonly unknown[] = single ? [input] : (input as readonly Trade[]);
    const trades = validateAll(list);
    const packSize = options.packSize ?? this.#config.queues.packSize;
    const backpressure = options.backpressure ?? this.#config.queues.backpressure;
    if (this.#closed !== undefined) throw new ProducerClosedError();
    await this.#layout.check();
    const count = this.#config.queues.layout.count;
    if (single && packSize > 1) {
      const trade = trades[0] as Trade;
      await this.#admit(1, backpressure);
      await this.#lingerFor(partitionOf(trade.symbol, count), packSize).add(trade);
      return { trades: 1, jobs: 1 };
    }
    // Jobs per partition (index = partition number; a partition with no trade gets none).
    const planned = groupBySymbol(trades, count, (t) => t.symbol).map((group) => packTrades(this.#config.keyring, group, packSize));
    const jobs = planned.reduce((n, j) => n + j.length, 0);
    await this.#admit(jobs, backpressure);
    await Promise.all(planned.map((j, p) => this.#add(p, j)));
    return { trades: trades.length, jobs };
  }

  /** The open pack of a partition for this pack size: flushed when full, after lingerMs, or on close. */
  #lingerFor(partition: number, packSize: number): Batcher<Trade> {
    const key = `${partition}/${packSize}`;
    let batcher = this.#lingering.get(key);
    if (batcher === undefined) {
      const size = Math.min(packSize, MAX_PACK_TRADES);
      batcher = new Batcher<Trade>(
        { maxRows: size, maxEntries: size, maxBytes: Number.POSITIVE_INFINITY, maxAgeMs: this.#config.queues.lingerMs },
        () => ({ rows: 1, bytes: 0 }),
        (trades) => this.#add(partition, packTrades(this.#config.keyring, trades, size)),
      );
      this.#lingering.set(key, batcher);
    }
    return batcher;
  }

  async #add(partition: number, jobs: readonly PlannedJob[]): Promise<void> {
    const queue = this.#queues[partition] as Queue<TradeJobData>;
    for (let i = 0; i < jobs.length; i += ADD_CHUNK) {
      const chunk = jobs.slice(i, i + ADD_CHUNK);
      if (chunk.length === 1 && chunk[0] !== undefined) {
        await queue.add(chunk[0].name, { envelopes: [chunk[0].envelope] }, { jobId: chunk[0].jobId });
      } else {
        await queue.addBulk(chunk.map((j) => ({ name: j.name, data: { envelopes: [j.envelope] }, opts: { jobId: j.jobId } })));
      }
      this.#gauge.added(chunk.length);
    }
  }

  async #admit(jobs: number, mode: 'reject' | 'wait'): Promise<void> {
    const { capacity, backpressureWaitMs } = this.#config.queues;
    const limit = capacity * HIGH_WATER;
    let depth = await this.#gauge.depth();
    if (depth + jobs < limit) return;
    const deadline = performance.now() + (mode === 'wait' ? backpressureWaitMs : 0);
    for (;;) {
      depth = await this.#gauge.depth(true);
      if (depth + jobs < limit) return;
      if (performance.now() >= deadline) throw new QueueFullError(this.#config.queues.trades, depth, capacity);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Sends the trades still lingering (their calls resolve or reject as usual), then closes. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await Promise.all([...this.#lingering.values()].map((b) => b.drain()));
      await Promise.all(this.#queues.map((q) => q.close()));
      await this.#ownedConnection?.quit().catch(() => undefined);
    })();
    return this.#closed;
  }
}

function validateAll(list: readonly unknown[]): Trade[] {
  const issues: FieldIssue[] = [];
  const trades: Trade[] = [];
  list.forEach((item, index) => {
    try {
      trades.push(parseTrade(item));
    } catch (err) {
      if (!(err instanceof TradeValidationError)) throw err;
      const prefix = list.length > 1 ? `[${index}].` : '';
      issues.push(...err.issues.map((i) => ({ path: `${prefix}${i.path}`, message: i.message })));
    }
  });
  if (issues.length > 0) throw new TradeValidationError(issues);
  return trades;
}
