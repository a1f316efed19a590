import type { ErrorCode } from '../src/errors/index.js';

/**
 * Data of one job on the trades queue: one signed envelope (one job per trade) or several
 * (a packed job). Envelopes stay `unknown` here: the worker treats them as untrusted input.
 */
export interface TradeJobData {
  readonly envelopes: readonly unknown[];
}

/** Data of one dead letter on the DLQ: the original message, why it died, and when. */
export interface DeadLetter {
  /** The message exactly as it was queued (a signed envelope, or whatever an attacker sent). */
  readonly envelope: unknown;
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
