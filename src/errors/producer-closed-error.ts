import { TradeSyncError } from './trade-sync-error.js';

/** `publish` after `close()`: the producer takes no more trades. */
export class ProducerClosedError extends TradeSyncError {
  constructor() {
    super('PRODUCER_CLOSED', 'the producer is closed; create a new TradeProducer to publish');
  }
}
