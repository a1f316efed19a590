import { TradeSyncError } from './trade-sync-error.js';

/** A supervisor operation that cannot be carried out: an unknown queue, or a rolling restart that did not finish. */
export class SupervisorError extends TradeSyncError {
  constructor(code: 'QUEUE_UNKNOWN' | 'ROLLING_RESTART_FAILED', message: string) {
    super(code, message);
  }
}
