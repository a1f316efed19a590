import type { CircuitBreakerPolicy, RetryPolicy } from 'cockatiel';
import type { ErrorCode } from '../errors/index.js';
import type { Logger } from '../logger.js';
import { classifyInsertError } from './clickhouse/classify-insert-error.js';
import { firstLine } from '../errors/first-line.js';
import type { TradeRow } from './trade-row.js';
import type { TradeSink } from './trade-sink.js';

/** A row the sink would not take, with the reason and the attempts it was given. */
export interface RejectedRow {
  readonly row: TradeRow;
  readonly code: ErrorCode;
  readonly message: string;
  readonly attempts: number;
}

/** Rows ClickHouse could not take now (retries used up, or the circuit open), with the last error. */
export interface UnavailableRows {
  readonly rows: readonly TradeRow[];
  readonly error: unknown;
  readonly attempts: number;
}

export interface InsertOutcome {
  readonly inserted: number;
  /** Bad data: rows ClickHouse refused, each isolated by splitting the batch. */
  readonly rejected: readonly RejectedRow[];
  /** What ClickHouse could not take now: the caller spills it, dead-letters it or keeps it. */
  readonly unavailable: readonly UnavailableRows[];
}

export interface InsertOptions {
  readonly sink: TradeSink;
  readonly retry: RetryPolicy;
  /** Shared by every batch of the process, so consecutive failures add up. */
  readonly circuit?: CircuitBreakerPolicy;
  readonly log: Logger;
}

/**
 * Inserts rows (already deduplicated and sorted) in one request, retrying transient failures
 * through the circuit breaker. On bad data the batch is split until the rejected rows are alone,
 * so only they are refused (classify-insert-error.ts decides what is bad data). Never throws for
 * ClickHouse errors: what it could not insert comes back as `rejected` or `unavailable`.
 */
export async function insertBatch(rows: readonly TradeRow[], options: InsertOptions): Promise<InsertOutcome> {
  const outcome = { inserted: 0, rejected: [] as RejectedRow[], unavailable: [] as UnavailableRows[] };
  await insertIsolating(rows, options, outcome);
  return outcome;
}

async function insertIsolating(rows: readonly TradeRow[], options: InsertOptions, outcome: { inserted: number; rejected: RejectedRow[]; unavailable: UnavailableRows[] }): Promise<void> {
  if (rows.length === 0) return;
  const { sink, circuit, retry, log } = options;
  let attempts = 0;
  try {
    await retry.execute(() => {
      attempts += 1;
      return circuit === undefined ? sink.insert(rows) : circuit.execute(() => sink.insert(rows));
    });
    outcome.inserted += rows.length;
  } catch (err) {
    const { kind, serverCode } = classifyInsertError(err);
    if (kind !== 'bad_data') {
      outcome.unavailable.push({ rows, error: err, attempts });
      return;
    }
    if (rows.length === 1) {
      outcome.rejected.push({ row: rows[0] as TradeRow, code: 'CLICKHOUSE_BAD_DATA', message: firstLine(err), attempts });
      return;
    }
    log.warn({ serverCode, rows: rows.length }, 'bad data in batch; splitting to isolate it');
    const half = rows.length >> 1;
    await insertIsolating(rows.slice(0, half), options, outcome);
    await insertIsolating(rows.slice(half), options, outcome);
  }
}
