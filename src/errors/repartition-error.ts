import { TradeSyncError } from './trade-sync-error.js';

/** `trade-sync repartition` found work still in the queues or orders in flight. */
export class RepartitionError extends TradeSyncError {
  constructor(message: string) {
    super('REPARTITION_NOT_DRAINED', message);
  }
}
