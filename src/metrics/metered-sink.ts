import type { TradeRow } from '../sinks/trade-row.js';
import type { TradeSink } from '../sinks/trade-sink.js';
import type { WorkerMetrics } from './worker-metrics.js';

/** A TradeSink that times every insert request and counts failures into WorkerMetrics. */
export function meteredSink(sink: TradeSink, metrics: WorkerMetrics): TradeSink {
  return {
    async insert(rows: readonly TradeRow[]): Promise<void> {
      const started = performance.now();
      try {
        await sink.insert(rows);
        metrics.insertFinished((performance.now() - started) / 1000, true);
      } catch (err) {
        metrics.insertFinished((performance.now() - started) / 1000, false);
        throw err;
      }
    },
    close: () => sink.close(),
  };
}
