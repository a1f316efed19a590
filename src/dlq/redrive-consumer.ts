import { UnrecoverableError, Worker, type Job, type Queue } from 'bullmq';
import type { RedisClient } from '../../queues/redis-connection.js';
import { JOB_NAMES, type DeadLetter, type TradeJobData } from '../../queues/index.js';
import type { Config } from '../config/index.js';
import type { Logger } from '../logger.js';
import { redriveJobId } from './dead-letter-id.js';
import { deadLetterHint } from './dead-letter-hint.js';
import { redriveQueue } from './redrive-queue.js';

/** Dead letters a redrive worker works at once (status and the ops page show it for the DLQ). */
export const REDRIVE_CONCURRENCY = 50;

/**
 * Works the dead-letter queue. A new dead letter is parked at once as a *failed* job (its reason
 * is the error code and message), which is where Bull Board shows it with a Retry button.
 * Retry (Bull Board, `trade-sync dlq redrive`) moves it back to *wait* with its attempt count
 * kept; on that second pass it is re-published to the trades queue, where the sink verifies it
 * again and ClickHouse collapses any duplicate. A dead letter of some trades of a signed pack goes
 * back as the whole signed pack with `items` naming them, so only they are taken again.
 */
export class RedriveConsumer {
  readonly #worker: Worker<DeadLetter>;
  readonly #log: Logger;
  #closing: Promise<void> | undefined;

  /** `trades`: the trades queue by name; a letter goes back to its own partition (redrive-queue.ts). */
  constructor(deps: { config: Config; connection: RedisClient; trades: (queue: string) => Queue<TradeJobData>; log: Logger; name?: string; onRedriven?: () => void }) {
    const { config, trades } = deps;
    this.#log = deps.log.child({ component: 'redrive-worker', queue: config.queues.layout.dlqQueue });
    this.#worker = new Worker<DeadLetter>(
      config.queues.layout.dlqQueue,
      async (job: Job<DeadLetter>) => {
        if (job.attemptsMade === 0) {
          // The reason is what Bull Board shows; a stack trace of this file would only hide it.
          const reason = `${job.data.error.code}: ${job.data.error.message} — what to do: ${deadLetterHint(job.data.error.code)}`;
          const parked = new UnrecoverableError(reason);
          parked.stack = reason;
          throw parked;
        }
        const redriveId = redriveJobId(job.id ?? 'x', job.attemptsMade);
        const { envelope, items } = job.data;
        const data = items === undefined ? { envelopes: [envelope] } : { envelopes: [envelope], items: items.map((i) => i.item) };
        const queue = redriveQueue(config.queues.layout, job.data);
        await trades(queue).add(JOB_NAMES.redrive, data, { jobId: redriveId });
        this.#log.info({ dlqJobId: job.id, tradeId: job.data.tradeId, redriveId, to: queue }, 'dead letter redriven');
        deps.onRedriven?.();
        return { redriveId };
      },
      {
        connection: deps.connection,
        prefix: config.redis.prefix,
        ...(deps.name === undefined ? {} : { name: deps.name }),
        concurrency: REDRIVE_CONCURRENCY,
        lockDuration: config.worker.lockDurationMs,
        stalledInterval: config.worker.stalledIntervalMs,
        maxStalledCount: 5,
        removeOnComplete: { count: 10_000 },
      },
    );
    this.#worker.on('error', (err) => this.#log.error({ err }, 'worker error'));
  }

  async waitUntilReady(): Promise<void> {
    await this.#worker.waitUntilReady();
  }

  close(): Promise<void> {
    this.#closing ??= this.#worker.close();
    return this.#closing;
  }
}
