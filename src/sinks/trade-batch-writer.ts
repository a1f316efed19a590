import type { RetryPolicy } from 'cockatiel';
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
  readonly inserted: number;
  readonly duplicates: number;
  readonly rejected: readonly RejectedRow[];
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return (text.split('\n').find((l) => l.trim() !== '') ?? text).slice(0, 500);
}

/**
 * Writes one batch: dedupe, sort, insert in one request, retry transient failures, and on bad
 * data split the batch until the rejected rows are alone, so only they are dead-lettered.
 */
export class TradeBatchWriter {
  readonly #sink: TradeSink;
  readonly #policy: RetryPolicy;
  readonly #log: Logger;

  constructor(sink: TradeSink, policy: RetryPolicy, log: Logger) {
    this.#sink = sink;
    this.#policy = policy;
    this.#log = log;
  }

  async write(rows: readonly TradeRow[]): Promise<WriteResult> {
    const { unique, duplicates } = prepareBatch(rows);
    const rejected: RejectedRow[] = [];
    const inserted = await this.#insertIsolating(unique, rejected);
    return { inserted, duplicates, rejected };
  }

  async #insertIsolating(rows: TradeRow[], rejected: RejectedRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    let attempts = 0;
    try {
      await this.#policy.execute(() => {
        attempts += 1;
        return this.#sink.insert(rows);
      });
      return rows.length;
    } catch (err) {
      const { kind, serverCode } = classifyInsertError(err);
      if (kind !== 'bad_data') {
        this.#log.error({ err: firstLine(err), kind, serverCode, rows: rows.length, attempts }, 'insert failed after all attempts');
        for (const row of rows) rejected.push({ row, code: 'CLICKHOUSE_RETRIES_EXHAUSTED', message: firstLine(err), attempts });
        return 0;
      }
      if (rows.length === 1) {
        const [row] = rows as [TradeRow];
        rejected.push({ row, code: 'CLICKHOUSE_BAD_DATA', message: firstLine(err), attempts });
        return 0;
      }
      this.#log.warn({ serverCode, rows: rows.length }, 'bad data in batch; splitting to isolate it');
      const half = rows.length >> 1;
      return (
        (await this.#insertIsolating(rows.slice(0, half), rejected)) +
        (await this.#insertIsolating(rows.slice(half), rejected))
      );
    }
  }
}
