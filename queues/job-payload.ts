import type { ErrorCode } from '../src/errors/index.js';

/**
 * Data of one job on the trades queue: signed envelopes, each of one trade or of a signed pack.
 * Three kinds of job (see JOB_NAMES): `trade`, one envelope of one trade (jobId = trade_id);
 * `pack`, one signed pack from the producer library; `ingest`, up to TRADE_SYNC_PACK_SIZE
 * envelopes of one trade each, exactly as the engine signed and posted them to the HTTPS ingest,
 * so the worker verifies the engine's own signatures. Envelopes stay `unknown` here: the worker
 * treats them as untrusted input.
 */
export interface TradeJobData {
  readonly envelopes: readonly unknown[];
  /**
   * Set on a redriven dead letter of a pack: only these trades (positions in the pack) of the
   * job's one envelope are taken. It is not signed, and needs no signature: it can only pick
   * among the pack's own signed trades.
   */
  readonly items?: readonly number[];
}

/** One trade of a signed pack that died, by its position in the pack. */
export interface DeadItem {
  readonly item: number;
  /** The trade's id when it could be read, else null. */
  readonly tradeId: string | null;
  readonly message: string;
}

/** Data of one dead letter on the DLQ: the original message, why it died, and when. */
export interface DeadLetter {
  /** The message exactly as it was queued (a signed envelope, or whatever an attacker sent). */
  readonly envelope: unknown;
  /**
   * When the envelope is a signed pack of which only some trades died (all with this error):
   * those trades. The pack is kept once per dead letter, never once per trade.
   */
  readonly items?: readonly DeadItem[];
  /** The trade's id when it could be read (the one trade of `items`, if it holds one), else null. */
  readonly tradeId: string | null;
  readonly error: { readonly code: ErrorCode; readonly message: string };
  /** Insert attempts made before giving up (0 when rejected before any insert). */
  readonly attempts: number;
  /** ISO-8601 time of death. */
  readonly failedAt: string;
  readonly source: { readonly queue: string; readonly jobId: string };
  /** Set when this letter's trade died again after a redrive: the id of the dead letter that was redriven. */
  readonly redriveOf?: string;
  /** Set on a redriven dead letter once its redrive job has been worked: what became of it. */
  readonly redrive?: RedriveOutcome;
}

/** What became of a redriven dead letter, written onto it by the sink worker that took the redrive. */
export interface RedriveOutcome {
  /** Which redrive of the letter this was (1 for the first Retry). */
  readonly attempt: number;
  /** `landed`: in ClickHouse; `spilled`: in a worker's spill, replayed when ClickHouse is back; `dead-lettered again`: see deadLetterId. */
  readonly outcome: 'landed' | 'spilled' | 'dead-lettered again';
  /** ISO-8601 time the redrive job was worked. */
  readonly at: string;
  /** The new dead letter (outcome `dead-lettered again`). */
  readonly deadLetterId?: string;
  readonly error?: { readonly code: ErrorCode; readonly message: string };
}

/** Job names, for Bull Board and logs. */
export const JOB_NAMES = { trade: 'trade', pack: 'pack', ingest: 'ingest', deadLetter: 'dead-letter', redrive: 'redrive' } as const;
