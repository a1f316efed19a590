import type { TradeRow } from './trade-row.js';

/**
 * A batch already encoded as the INSERT body: TabSeparated lines in TRADE_COLUMNS order, one
 * per distinct trade, with those trades' ids (for the server's dedup token).
 */
export interface EncodedBatch {
  readonly body: string;
  readonly tradeIds: readonly string[];
}

/** Where verified trades go. One call is one atomic request; it throws on failure. */
export interface TradeSink {
  insert(rows: readonly TradeRow[]): Promise<void>;
  /** The same for a batch encoded elsewhere (spill replay has DuckDB build the body). */
  insertEncoded?(batch: EncodedBatch): Promise<void>;
  close(): Promise<void>;
}
