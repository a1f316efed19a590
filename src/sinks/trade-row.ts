import type { Trade } from '../trade/trade-schema.js';

/** Where a row came from: the message as queued and the job that carried it (to dead-letter or spill it). */
export interface RowSource {
  readonly jobId: string;
  /** Position of the envelope in its job. */
  readonly index: number;
  /** The envelope exactly as queued: one trade, or a signed pack (then `TradeRow.item` says which trade). */
  readonly envelope: unknown;
}

/** A verified trade ready for the sink, with where it came from. */
export interface TradeRow {
  readonly trade: Trade;
  /** Key id that signed it; stored with the row. */
  readonly kid: string;
  /** Shared by every trade of one envelope. */
  readonly source: RowSource;
  /** Position of the trade in its envelope's pack; undefined for a one-trade envelope. */
  readonly item?: number | undefined;
}
