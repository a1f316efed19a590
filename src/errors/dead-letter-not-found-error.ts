import { TradeSyncError } from './trade-sync-error.js';

export class DeadLetterNotFoundError extends TradeSyncError {
  constructor(id: string) {
    super('DLQ_JOB_NOT_FOUND', `no dead letter with id "${id}" is parked in the dead-letter queue`);
  }
}
