import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { createRedisConnection, createTradesQueue, type TradeJobData } from '../../queues/index.js';
import { requireKeys, type Config } from '../config/index.js';
import { QueueFullError, TradeValidationError, type FieldIssue } from '../errors/index.js';
import { parseTrade } from '../trade/parse-trade.js';
import type { Trade } from '../trade/trade-schema.js';
import { packTrades } from './pack-trades.js';
import { QueueDepthGauge } from './queue-depth-gauge.js';

/** Options of one `publish` call; each defaults to the producer's config. */
export interface PublishOptions {
  /** `reject`: throw QueueFullError at 80% of capacity; `wait`: wait for room (up to backpressureWaitMs). */
  readonly backpressure?: 'reject' | 'wait';
  /**
   * Trades per job for arrays: above 1, each job is one signed pack (one signature, checked once
   * by the worker), at most MAX_PACK_TRADES (1,000). @defaultValue TRADE_SYNC_PACK_SIZE (1)
   */
  readonly packSize?: number;
}

export interface PublishResult {
  readonly trades: number;
  readonly jobs: number;
}

const HIGH_WATER = 0.8;
const ADD_CHUNK = 1_000;

/**
 * The producer library: validates, signs and enqueues trades. Invalid input throws
 * TradeValidationError before anything is enqueued; a full queue throws QueueFullError
 * (retriable) or waits, as the caller chooses.
 */
export class TradeProducer {
  readonly #config: Config;
  readonly #queue: Queue<TradeJobData>;
  readonly #gauge: QueueDepthGauge;
  readonly #ownedConnection: Redis | undefined;

  constructor(config: Config, connection?: Redis) {
    requireKeys(config);
    this.#config = config;
    this.#ownedConnection = connection === undefined ? createRedisConnection(config, 'producer') : undefined;
    this.#queue = createTradesQueue(config, connection ?? (this.#ownedConnection as Redis));
    this.#queue.on('error', () => {}); // connection errors surface as rejected publish calls
    this.#gauge = new QueueDepthGauge(this.#queue);
  }

  async publish(input: Trade | readonly Trade[], options: PublishOptions = {}): Promise<PublishResult> {
    const list: readonly unknown[] = Array.isArray(input) ? input : [input];
    const trades = validateAll(list);
    const jobs = packTrades(this.#config.keyring, trades, Array.isArray(input) ? (options.packSize ?? this.#config.queues.packSize) : 1);
    await this.#admit(jobs.length, options.backpressure ?? this.#config.queues.backpressure);
    for (let i = 0; i < jobs.length; i += ADD_CHUNK) {
      const chunk = jobs.slice(i, i + ADD_CHUNK);
      if (chunk.length === 1 && chunk[0] !== undefined) {
        await this.#queue.add(chunk[0].name, { envelopes: [chunk[0].envelope] }, { jobId: chunk[0].jobId });
      } else {
        await this.#queue.addBulk(chunk.map((j) => ({ name: j.name, data: { envelopes: [j.envelope] }, opts: { jobId: j.jobId } })));
      }
      this.#gauge.added(chunk.length);
    }
    return { trades: trades.length, jobs: jobs.length };
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

  async close(): Promise<void> {
    await this.#queue.close();
    await this.#ownedConnection?.quit().catch(() => undefined);
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
