import type { TradeProducer } from '../producer/trade-producer.js';
import { SyntheticEngine } from './synthetic-engine.js';

export interface DemoOptions {
  /** Trades per second offered. */
  readonly rate: number;
  /** Trades in all; 0 runs until `signal` aborts. */
  readonly count: number;
  /** Trades per job (1 = one job per trade). */
  readonly packSize: number;
  readonly seed?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (sent: number) => void;
}

const TICK_MS = 20;

/**
 * Publishes synthetic fills at a steady rate, as an engine does: one `publish(trade)` call per
 * fill, not awaited one by one, so the producer coalesces them into signed packs (waiting on
 * backpressure). Resolves with the count sent once every call has resolved.
 */
export async function runDemo(producer: TradeProducer, options: DemoOptions): Promise<number> {
  const engine = new SyntheticEngine(options.seed);
  const started = performance.now();
  let sent = 0;
  while (!options.signal?.aborted && (options.count === 0 || sent < options.count)) {
    const due = Math.floor(((performance.now() - started) / 1000) * options.rate) - sent;
    const batch = Math.min(Math.max(due, 0), options.count === 0 ? Infinity : options.count - sent, 10_000);
    if (batch > 0) {
      await Promise.all(engine.take(batch).map((trade) => producer.publish(trade, { packSize: options.packSize, backpressure: 'wait' })));
      sent += batch;
      options.onProgress?.(sent);
    } else {
      await new Promise((resolve) => setTimeout(resolve, TICK_MS));
    }
  }
  return sent;
}
