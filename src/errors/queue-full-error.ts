import { TradeSyncError } from './trade-sync-error.js';

/** Backpressure: the queue is at or above its high-water mark. Retriable by design. */
export class QueueFullError extends TradeSyncError {
  readonly depth: number;
  readonly capacity: number;

  constructor(queue: string, depth: number, capacity: number) {
    super('QUEUE_FULL', `queue "${queue}" holds ${depth} of ${capacity} jobs (>= 80%); retry later`, {
      retriable: true,
    });
    this.depth = depth;
    this.capacity = capacity;
  }
}
