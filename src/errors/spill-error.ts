import { TradeSyncError } from './trade-sync-error.js';

export class SpillError extends TradeSyncError {
  constructor(code: 'SPILL_WRITE_FAILED' | 'SPILL_QUERY_FAILED' | 'SPILL_BACKUP_INVALID', message: string, cause?: unknown) {
    super(code, message, { retriable: code === 'SPILL_WRITE_FAILED', cause });
  }
}
