import type { TradeRow } from './trade-row.js';

/** Where verified trades go. One call is one atomic request; it throws on failure. */
export interface TradeSink {
  insert(rows: readonly TradeRow[]): Promise<void>;
  close(): Promise<void>;
}
