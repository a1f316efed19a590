import type { Queue } from 'bullmq';
import type { DeadLetter } from '../../queues/index.js';
import type { Config } from '../config/index.js';
import { rejectedRowLetters } from '../dlq/build-dead-letters.js';
import { DeadLetterPublisher } from '../dlq/dead-letter-publisher.js';
import type { Logger } from '../logger.js';
import { insertRetryPolicy } from '../sinks/insert-retry-policy.js';
import { TradeBatchWriter } from '../sinks/trade-batch-writer.js';
import type { TradeRow } from '../sinks/trade-row.js';
import type { EncodedBatch, TradeSink } from '../sinks/trade-sink.js';
import type { ReplayTarget } from '../spill/duckdb-spill-file.js';

/**
 * How replayed spill rows reach ClickHouse: a ready body in one request when the sink takes
 * one, else (or when that fails) rows through the sink with a short retry, bad rows isolated
 * and dead-lettered; if ClickHouse fails, it throws and the rows stay in the spill.
 */
export function spillReplayInsert(config: Config, sink: TradeSink, dlq: Queue<DeadLetter>, log: Logger): ReplayTarget {
  const writer = new TradeBatchWriter({
    sink,
    retry: insertRetryPolicy({ attempts: 2, baseDelayMs: config.worker.retryBaseMs, maxDelayMs: config.worker.retryMaxMs }),
    onUnavailable: 'throw',
    log: log.child({ component: 'spill-replay' }),
  });
  const publisher = new DeadLetterPublisher(dlq);
  const encoded = sink.insertEncoded?.bind(sink);
  return {
    async insertRows(rows: TradeRow[], withEnvelopes: (rows: readonly TradeRow[]) => Promise<TradeRow[]>) {
      const result = await writer.write(rows);
      if (result.rejected.length === 0) return;
      const resolved = await withEnvelopes(result.rejected.map((r) => r.row));
      const rejected = result.rejected.map((r, i) => ({ ...r, row: resolved[i] ?? r.row }));
      await publisher.publish(rejectedRowLetters(rejected, 'spill', new Date().toISOString()));
    },
    // One attempt: if it fails, the batch is replayed as rows, with the retries above.
    ...(encoded === undefined ? {} : { insertEncoded: (batch: EncodedBatch) => encoded(batch) }),
  };
}
