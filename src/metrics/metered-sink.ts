import type { TradeRow } from '../sinks/trade-row.js';
import type { EncodedBatch, TradeSink } from '../sinks/trade-sink.js';
import type { WorkerMetrics } from './worker-metrics.js';

/** A TradeSink that times every insert request and counts failures into WorkerMetrics. */
export function meteredSink(sink: TradeSink, metrics: WorkerMetrics): TradeSink {
  const timed = async (insert: () => Promise<void>): Promise<void> => {
    const started = performance.now();
    try {
      await insert();
      metrics.insertFinished((performance.now() - started) / 1000, true);
    } catch (err) {
      metrics.insertFinished((performance.now() - started) / 1000, false);
      throw err;
    }
  };
  const encoded = sink.insertEncoded?.bind(sink);
  return {
    insert: (rows: readonly TradeRow[]) => timed(() => sink.insert(rows)),
    ...(encoded === undefined ? {} : { insertEncoded: (batch: EncodedBatch) => timed(() => encoded(batch)) }),
    close: () => sink.close(),
  };
}
