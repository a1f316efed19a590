import type { Trade } from '../trade/trade-schema.js';

/** A verified trade ready for the sink, with where it came from (to dead-letter it if needed). */
export interface TradeRow {
  readonly trade: Trade;
  /** Key id that signed it; stored with the row. */
  readonly kid: string;
  /** Encoded size in bytes, for the batcher's byte limit. */
  readonly bytes: number;
  /** The message as queued and the job that carried it. */
  readonly source: { readonly jobId: string; readonly index: number; readonly envelope: unknown };
}
