import { Worker, type Job, type Queue } from 'bullmq';
import type { RedisClient } from '../../queues/redis-connection.js';
import type { TradeJobData } from '../../queues/index.js';
import { Batcher } from '../batching/batcher.js';
import type { Config } from '../config/index.js';
import { decodeJob } from '../delivery/decode-job.js';
import type { DecodedJob } from '../sinks/decoded-job.js';
import type { SinkPipeline } from '../delivery/sink-pipeline.js';
import type { Logger } from '../logger.js';
import type { TradesConsumerMetrics } from '../metrics/worker-metrics.js';
import { partitionOfQueue } from '../partitions/partition-layout.js';

export interface TradesConsumerDeps {
  readonly config: Config;
  /** The BullMQ queue it consumes: one partition's (config.queues.layout.tradeQueues). */
  readonly queue: string;
  /** A connection with `maxRetriesPerRequest: null`; BullMQ duplicates it for blocking calls. */
  readonly connection: RedisClient;
  /** A batch's way out: insert, spill or dead-letter, orders. */
  readonly pipeline: SinkPipeline;
  readonly log: Logger;
  /** Told about every written batch (Prometheus counters, lag). */
  readonly metrics?: TradesConsumerMetrics;
  /** Name shown in Bull Board's workers list (`host:pid`). */
  readonly name?: string;
}

/** Counters since start, for logs, status and the benchmark. */
export interface SinkStats {
  jobs: number;
  inserted: number;
  spilled: number;
  duplicates: number;
  deadLettered: number;
  batches: number;
}

/**
 * The BullMQ consumer of one partition's trades queue: each job is decoded (signatures verified, trades
 * validated) and waits in a Batcher; each batch goes through the SinkPipeline, and a job
 * completes only once each of its trades is durable: in ClickHouse, in the spill, or in the DLQ.
 */
export class TradesConsumer {
  readonly stats: SinkStats = { jobs: 0, inserted: 0, spilled: 0, duplicates: 0, deadLettered: 0, batches: 0 };
  readonly #worker: Worker<TradeJobData>;
  readonly #batcher: Batcher<DecodedJob>;
  readonly #pipeline: SinkPipeline;
  readonly #config: Config;
  #rowsPerJob = 1;
  readonly #log: Logger;
  readonly #queue: string;
  /** The `partition` metric label: its number, or `old` for a queue of an earlier layout. */
  readonly #partition: string;
  readonly #metrics: TradesConsumerMetrics | undefined;
  #closing: Promise<void> | undefined;

  constructor(deps: TradesConsumerDeps) {
    const { config } = deps;
    const w = config.worker;
    this.#queue = deps.queue;
    const partition = partitionOfQueue(config.queues.layout, deps.queue);
    this.#partition = partition < 0 ? 'old' : String(partition);
    this.#log = deps.log.child({ component: 'sink-worker', queue: this.#queue });
    this.#pipeline = deps.pipeline;
    this.#config = config;
    this.#metrics = deps.metrics;
    this.#batcher = new Batcher<DecodedJob>(
      {
        maxRows: w.batchMaxRows,
        maxBytes: w.batchMaxBytes,
        maxAgeMs: w.batchMaxAgeMs,
        // Half the concurrency: one batch inserts while the next one fills.
        maxEntries: Math.max(1, Math.ceil(w.concurrency / 2)),
      },
      (job) => ({ rows: job.rows.length, bytes: job.bytes }),
      (jobs) => this.#flush(jobs),
    );
    const keyring = config.keyring;
    this.#worker = new Worker<TradeJobData>(
      this.#queue,
      (job: Job<TradeJobData>) => {
        const decoded = decodeJob(keyring, job.id ?? '', job.data, config.maxSchemaVersion);
        this.#adaptConcurrency(decoded);
        return this.#batcher.add(decoded);
      },
      {
        connection: deps.connection,
        prefix: config.redis.prefix,
        ...(deps.name === undefined ? {} : { name: deps.name }),
        concurrency: w.concurrency,
        lockDuration: w.lockDurationMs,
        stalledInterval: w.stalledIntervalMs,
        maxStalledCount: 5,
        removeOnComplete: { count: 10_000 },
        removeOnFail: { count: 100_000 },
      },
    );
    this.#worker.on('error', (err) => this.#log.error({ err }, 'worker error'));
    this.#worker.on('failed', (job, err) => this.#log.warn({ jobId: job?.id, err: err.message }, 'job failed; BullMQ will retry it'));
  }

  /** Resolves once the worker is connected and taking jobs. */
  async waitUntilReady(): Promise<void> {
    await this.#worker.waitUntilReady();
  }

  /**
   * Bounds the rows in flight, not only the jobs: with packed jobs, `concurrency` jobs can hold
   * hundreds of thousands of trades, whose decoding and encoding would stall the event loop past
   * the job locks. The worker's effective concurrency follows the observed rows per job so that
   * about two batches of rows are in flight.
   */
  #adaptConcurrency(job: DecodedJob): void {
    const rows = job.rows.length + job.rejects.length;
    // Up at once (a burst of packed jobs must not overfill memory), down slowly.
    this.#rowsPerJob = Math.max(rows, 0.99 * this.#rowsPerJob + 0.01 * rows);
    const configured = this.#config.worker.concurrency;
    const wanted = Math.max(1, Math.min(configured, Math.ceil((2 * this.#config.worker.batchMaxRows) / Math.max(1, this.#rowsPerJob))));
    if (wanted !== this.#worker.concurrency) {
      this.#worker.concurrency = wanted;
      this.#batcher.setMaxEntries(Math.ceil(wanted / 2));
    }
  }

  async #flush(jobs: DecodedJob[]): Promise<void> {
    const batchId = `${process.pid}-${++this.stats.batches}`;
    const log = this.#log.child({ batchId });
    const started = performance.now();
    const outcome = await this.#pipeline.deliver(jobs, log);
    this.stats.jobs += jobs.length;
    this.stats.inserted += outcome.inserted;
    this.stats.spilled += outcome.spilled;
    this.stats.duplicates += outcome.duplicates;
    this.stats.deadLettered += outcome.deadLettered;
    this.#metrics?.batchWritten(outcome, this.#partition);
    const { inserted, spilled, duplicates, deadLettered } = outcome;
    log.debug({ jobs: jobs.length, inserted, spilled, duplicates, deadLettered, ms: Math.round(performance.now() - started) }, 'batch written');
    if (deadLettered > 0) log.warn({ deadLettered, codes: outcome.deadLetterCodes }, 'trades dead-lettered');
  }

  /**
   * Graceful stop: no new jobs, open batch flushed, in-flight jobs finished. Past the deadline the
   * worker closes forcefully; unfinished jobs keep their Redis state and are picked up again by
   * another worker once their lock expires. Idempotent.
   */
  close(deadlineMs = Infinity): Promise<void> {
    this.#closing ??= (async () => {
      const graceful = Promise.all([this.#worker.close(), this.#batcher.drain()]).then(() => 'done' as const);
      const timeout = new Promise<'timeout'>((resolve) => {
        if (Number.isFinite(deadlineMs)) setTimeout(() => resolve('timeout'), deadlineMs).unref();
      });
      if ((await Promise.race([graceful, timeout])) === 'timeout') {
        this.#log.warn({ deadlineMs }, 'shutdown deadline passed; handing unfinished jobs back');
        await this.#worker.close(true);
      }
    })();
    return this.#closing;
  }
}
