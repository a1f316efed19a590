import type { ErrorCode } from '../errors/index.js';
import type { TradeRow } from './trade-row.js';

/** An envelope, or one trade of a pack, that failed before reaching the sink, with why. */
export interface EarlyReject {
  readonly envelope: unknown;
  /** Position of the envelope in its job, which names the dead letter when no trade id is readable. */
  readonly index: number;
  /** Position of the trade in the envelope's pack, when only that trade failed. */
  readonly item?: number | undefined;
  /** The trades a redrive selected (`data.items`) when the whole envelope failed: its dead letter keeps them. */
  readonly selection?: readonly number[] | undefined;
  readonly tradeId: string | null;
  readonly code: ErrorCode;
  readonly message: string;
}

/** A job as the worker decoded it: the trades that passed, and what failed before the sink. */
export interface DecodedJob {
  readonly jobId: string;
  readonly rows: TradeRow[];
  readonly rejects: EarlyReject[];
  readonly bytes: number;
}
