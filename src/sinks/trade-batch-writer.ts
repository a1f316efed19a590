import { BrokenCircuitError, type CircuitBreakerPolicy, type RetryPolicy } from 'cockatiel';
import type { ErrorCode } from '../errors/index.js';
import type { Logger } from '../logger.js';
import { classifyInsertError } from './clickhouse/classify-insert-error.js';
import { prepareBatch } from './prepare-batch.js';
import type { TradeRow } from './trade-row.js';
import type { TradeSink } from './trade-sink.js';

/** A row the sink would not take, with the reason and the attempts it was given. */
export interface RejectedRow {
  readonly row: TradeRow;
  readonly code: ErrorCode;
  readonly message: string;
  readonly attempts: number;
}

export interface WriteResult {
  /** The batch's rows, duplicates dropped and sorted, less the rejected: each is in ClickHouse or in the spill. */
  readonly durable: readonly TradeRow[];
  readonly inserted: number;
  readonly spilled: number;
  readonly duplicates: number;
  readonly rejected: readonly RejectedRow[];
}

/**
 * What happens to rows when ClickHouse stays unavailable (retries used up, or circuit open):
 * hand them to a spill (durable when it resolves), dead-letter them, or throw so the caller
 * keeps them.
 */
export type UnavailablePolicy = { readonly spill: (rows: readonly TradeRow[]) => Promise<void> } | 'dead-letter' | 'throw';

export interface TradeBatchWriterOptions {
  readonly sink: TradeSink;
  readonly retry: RetryPolicy;
  /** Shared by every batch of the process, so consecutive failures add up. */
  readonly circuit?: CircuitBreakerPolicy;
  readonly onUnavailable: UnavailablePolicy;
  readonly log: Logger;
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return (text.split('\n').find((l) => l.trim() !== '') ?? text).slice(0, 500);
}

/**
 * Writes one batch: dedupe, sort, insert in one request, retry transient failures through the
 * circuit breaker; on bad data split the batch until the rejected rows are alone, so only they
 * are dead-lettered; when ClickHouse stays unavailable apply the UnavailablePolicy.
 */
export class TradeBatchWriter {
  readonly #options: TradeBatchWriterOptions;

  constructor(options: TradeBatchWriterOptions) {
    this.#options = options;
  }

  async write(rows: readonly TradeRow[]): Promise<WriteResult> {
    const { unique, duplicates } = prepareBatch(rows);
    const tally = { inserted: 0, spilled: 0, rejected: [] as RejectedRow[] };
    await this.#insertIsolating(unique, tally);
    const rejected = new Set(tally.rejected.map((r) => r.row));
    const durable = rejected.size === 0 ? unique : unique.filter((row) => !rejected.has(row));
    return { ...tally, durable, duplicates };
  }

  #attempt(rows: TradeRow[]): Promise<void> {
    const { sink, circuit } = this.#options;
    return circuit === undefined ? sink.insert(rows) : circuit.execute(() => sink.insert(rows));
  }

  async #insertIsolating(rows: TradeRow[], tally: { inserted: number; spilled: number; rejected: RejectedRow[] }): Promise<void> {
    if (rows.length === 0) return;
    const { log, onUnavailable } = this.#options;
    let attempts = 0;
    try {
      await this.#options.retry.execute(() => {
        attempts += 1;
        return this.#attempt(rows);
      });
      tally.inserted += rows.length;
      return;
    } catch (err) {
      const { kind, serverCode } = classifyInsertError(err);
      if (kind === 'bad_data') {
        if (rows.length === 1) {
          tally.rejected.push({ row: rows[0] as TradeRow, code: 'CLICKHOUSE_BAD_DATA', message: firstLine(err), attempts });
          return;
        }
        log.warn({ serverCode, rows: rows.length }, 'bad data in batch; splitting to isolate it');
        const half = rows.length >> 1;
        await this.#insertIsolating(rows.slice(0, half), tally);
        await this.#insertIsolating(rows.slice(half), tally);
        return;
      }
      if (onUnavailable === 'throw') throw err;
      if (onUnavailable === 'dead-letter') {
        log.error({ err: firstLine(err), kind, serverCode, rows: rows.length, attempts }, 'insert failed after all attempts; dead-lettering');
        for (const row of rows) tally.rejected.push({ row, code: 'CLICKHOUSE_RETRIES_EXHAUSTED', message: firstLine(err), attempts });
        return;
      }
      const level = err instanceof BrokenCircuitError ? 'debug' : 'warn';
      log[level]({ err: firstLine(err), kind, serverCode, rows: rows.length, attempts }, 'clickhouse unavailable; spilling batch');
      await onUnavailable.spill(rows);
      tally.spilled += rows.length;
    }
  }
}
