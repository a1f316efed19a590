import { TradeSyncError } from './trade-sync-error.js';

export type ReconcileErrorCode = 'RECONCILE_SOURCE_NOT_FOUND' | 'RECONCILE_SOURCE_INVALID' | 'RECONCILE_COLUMN_UNKNOWN' | 'RECONCILE_WINDOW_INVALID';

/** Bad input to `trade-sync reconcile`: the source, its column mapping or the window. Nothing is re-published. */
export class ReconcileError extends TradeSyncError {
  constructor(code: ReconcileErrorCode, message: string, cause?: unknown) {
    super(code, message, { cause });
  }
}
