import { BrokenCircuitError } from 'cockatiel';
import type { DeadLetterPublisher } from '../dlq/dead-letter-publisher.js';
import { earlyRejectLetters, rejectedRowLetters, tradesIn } from '../dlq/build-dead-letters.js';
import type { RedriveOutcomeRecorder } from '../dlq/redrive-outcome-recorder.js';
import { firstLine } from '../errors/first-line.js';
import type { Logger } from '../logger.js';
import type { BatchOutcome } from '../metrics/worker-metrics.js';
import type { OrderTracker } from '../orders/order-tracker.js';
import { classifyInsertError } from '../sinks/clickhouse/classify-insert-error.js';
import { insertBatch, type InsertOptions, type RejectedRow, type UnavailableRows } from '../sinks/insert-batch.js';
import { prepareBatch } from '../sinks/prepare-batch.js';
import type { SpillStore } from '../spill/spill-store.js';
import type { DecodedJob } from '../sinks/decoded-job.js';

export interface SinkPipelineOptions {
  /** The ClickHouse sink with its retry policy and the process's circuit breaker. */
  readonly insert: InsertOptions;
  /** Where rows go while ClickHouse cannot take them; without one they are dead-lettered. */
  readonly spill: SpillStore | undefined;
  readonly deadLetters: DeadLetterPublisher;
  /** Writes onto a redriven dead letter what became of its redrive (landed, spilled, dead-lettered again). */
  readonly redriveOutcomes: RedriveOutcomeRecorder | undefined;
  /** Stages fills and commits completed orders once their rows are durable. */
  readonly orders: OrderTracker | undefined;
  /** The trades queue, named as the source of dead letters. */
  readonly queue: string;
}

/** What became of one batch: the metrics' BatchOutcome, and the codes of its dead letters for the log. */
export interface DeliveredBatch extends BatchOutcome {
  readonly deadLetterCodes: readonly string[];
}

/**
 * A batch's way out, in the order it happens (as Vector's ClickHouse sink.rs is only its
 * pipeline): its rows deduplicated and sorted → one INSERT (retried through the circuit, bad rows
 * split off) → what ClickHouse cannot take now into the spill, or dead letters without one →
 * dead letters for everything refused (and, on redriven letters, what became of them) → order
 * state for the rows now durable. When `deliver`
 * resolves, every trade of the batch's jobs is in ClickHouse, in the spill or in the DLQ, so the
 * jobs may complete; when it throws (Redis or the spill failed), nothing is acknowledged and the
 * jobs are retried.
 */
export class SinkPipeline {
  readonly #options: SinkPipelineOptions;

  constructor(options: SinkPipelineOptions) {
    this.#options = options;
  }

  async deliver(jobs: readonly DecodedJob[], log: Logger): Promise<DeliveredBatch> {
    const { queue, deadLetters, orders } = this.#options;
    const rows = jobs.flatMap((j) => j.rows);
    const { unique, duplicates } = prepareBatch(rows);
    const insert = await insertBatch(unique, this.#options.insert);
    const { spilled, exhausted } = await this.#spillOrExhaust(insert.unavailable, log);

    const failedAt = new Date().toISOString();
    const refused = [...insert.rejected, ...exhausted];
    const letters = [...jobs.flatMap((j) => earlyRejectLetters(j, queue, failedAt)), ...rejectedRowLetters(refused, queue, failedAt)];
    await deadLetters.publish(letters);
    await this.#options.redriveOutcomes?.record(jobs.map((j) => j.jobId), letters, spilled > 0, failedAt);

    const dead = new Set(refused.map((r) => r.row));
    const durable = dead.size === 0 ? unique : unique.filter((row) => !dead.has(row));
    await orders?.afterBatch(durable, spilled === 0);
    return {
      received: jobs.reduce((n, j) => n + j.rows.length + j.rejects.length, 0),
      rows,
      inserted: insert.inserted,
      spilled,
      duplicates,
      deadLettered: tradesIn(letters),
      deadLetterCodes: [...new Set(letters.map((l) => l.letter.error.code))],
    };
  }

  /** Rows ClickHouse could not take now: appended to the spill (durable when it resolves), or, with no spill, refused as exhausted. */
  async #spillOrExhaust(unavailable: readonly UnavailableRows[], log: Logger): Promise<{ spilled: number; exhausted: RejectedRow[] }> {
    let spilled = 0;
    const exhausted: RejectedRow[] = [];
    for (const { rows, error, attempts } of unavailable) {
      const { kind, serverCode } = classifyInsertError(error);
      const fields = { err: firstLine(error), kind, serverCode, rows: rows.length, attempts };
      if (this.#options.spill === undefined) {
        log.error(fields, 'insert failed after all attempts; dead-lettering');
        for (const row of rows) exhausted.push({ row, code: 'CLICKHOUSE_RETRIES_EXHAUSTED', message: firstLine(error), attempts });
        continue;
      }
      log[error instanceof BrokenCircuitError ? 'debug' : 'warn'](fields, 'clickhouse unavailable; spilling batch');
      await this.#options.spill.append(rows);
      spilled += rows.length;
    }
    return { spilled, exhausted };
  }
}
