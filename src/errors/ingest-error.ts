import type { ErrorCode } from './error-codes.js';
import { TradeSyncError } from './trade-sync-error.js';

export type IngestErrorCode = Extract<ErrorCode, `INGEST_${string}`>;

/** A whole ingest request refused before any of its trades is looked at, with its HTTP status. */
export class IngestError extends TradeSyncError {
  readonly status: number;
  /** Seconds for the Retry-After header (retriable refusals only). */
  readonly retryAfterS: number | undefined;

  constructor(code: IngestErrorCode, status: number, message: string, retryAfterS?: number) {
    super(code, message, { retriable: retryAfterS !== undefined });
    this.status = status;
    this.retryAfterS = retryAfterS;
  }
}
