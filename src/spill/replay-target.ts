import type { Queue } from 'bullmq';
import type { DeadLetter } from '../../queues/index.js';
import type { Config } from '../config/index.js';
import { rejectedRowLetters } from '../dlq/build-dead-letters.js';
import { DeadLetterPublisher } from '../dlq/dead-letter-publisher.js';
import type { Logger } from '../logger.js';
import { insertBatch } from '../sinks/insert-batch.js';
import { insertRetryPolicy } from '../sinks/insert-retry-policy.js';
import type { TradeRow } from '../sinks/trade-row.js';
import type { EncodedBatch, TradeSink } from '../sinks/trade-sink.js';
import type { ReplayTarget } from './duckdb-spill-file.js';

/**
 * Where replayed spill rows go: a ready body (DuckDB built it) in one request when the sink takes
 * one, else (or when that fails) rows through the sink with a short retry, bad rows isolated and
 * dead-lettered. While ClickHouse is unavailable it throws, and the rows stay in the spill.
 */
export function replayTarget(config: Config, sink: TradeSink, dlq: Queue<DeadLetter>, log: Logger): ReplayTarget {
  const retry = insertRetryPolicy({ attempts: 2, baseDelayMs: config.worker.retryBaseMs, maxDelayMs: config.worker.retryMaxMs });
  const options = { sink, retry, log: log.child({ component: 'spill-replay' }) };
  const publisher = new DeadLetterPublisher(dlq);
  const encoded = sink.insertEncoded?.bind(sink);
  return {
    async insertRows(rows: TradeRow[], withEnvelopes: (rows: readonly TradeRow[]) => Promise<TradeRow[]>) {
      const outcome = await insertBatch(rows, options);
      const unavailable = outcome.unavailable[0];
      if (unavailable !== undefined) throw unavailable.error;
      if (outcome.rejected.length === 0) return;
      const resolved = await withEnvelopes(outcome.rejected.map((r) => r.row));
      const rejected = outcome.rejected.map((r, i) => ({ ...r, row: resolved[i] ?? r.row }));
      await publisher.publish(rejectedRowLetters(rejected, 'spill', new Date().toISOString()));
    },
    // One attempt: if it fails, the batch is replayed as rows, with the retries above.
    ...(encoded === undefined ? {} : { insertEncoded: (batch: EncodedBatch) => encoded(batch) }),
  };
}
