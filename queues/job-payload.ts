import type { ErrorCode } from '../src/errors/index.js';

/**
 * Data of one job on the trades queue: signed envelopes, each of one trade or of a signed pack
 * (the producer's packed jobs carry one pack). Envelopes stay `unknown` here: the worker treats
 * them as untrusted input.
 */
export interface TradeJobData {
  readonly envelopes: readonly unknown[];
  /**
   * Set on a redriven dead letter of a pack: only this trade of the (one) envelope's pack is
   * taken. It is not signed, and needs no signature: it can only pick among the pack's own
   * signed trades.
   */
  readonly item?: number;
}

/** Data of one dead letter on the DLQ: the original message, why it died, and when. */
export interface DeadLetter {
  /** The message exactly as it was queued (a signed envelope, or whatever an attacker sent). */
  readonly envelope: unknown;
  /** When the envelope is a signed pack: the position of this trade in it. */
  readonly item?: number;
  /** The trade's id when it could be read, else null. */
  readonly tradeId: string | null;
  readonly error: { readonly code: ErrorCode; readonly message: string };
  /** Insert attempts made before giving up (0 when rejected before any insert). */
  readonly attempts: number;
  /** ISO-8601 time of death. */
  readonly failedAt: string;
  readonly source: { readonly queue: string; readonly jobId: string };
}

/** Job names, for Bull Board and logs. */
export const JOB_NAMES = { trade: 'trade', pack: 'pack', deadLetter: 'dead-letter', redrive: 'redrive' } as const;
