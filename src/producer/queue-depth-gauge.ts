import type { Queue } from 'bullmq';

/**
 * A cached view of how many jobs the trades queue holds (every partition's, added up), so
 * publishing does not ask Redis every time: the count is refreshed at most every `refreshMs`,
 * and jobs added since are counted locally.
 */
export class QueueDepthGauge {
  readonly #queues: readonly Queue[];
  readonly #refreshMs: number;
  #depth = 0;
  #addedSince = 0;
  #readAt = -Infinity;
  #reading: Promise<void> | undefined;

  constructor(queues: Queue | readonly Queue[], refreshMs = 250) {
    this.#queues = Array.isArray(queues) ? queues : [queues as Queue];
    this.#refreshMs = refreshMs;
  }

  /** Estimated jobs in the queue (waiting, active, delayed, prioritized). */
  async depth(forceRefresh = false): Promise<number> {
    if (forceRefresh || performance.now() - this.#readAt >= this.#refreshMs) {
      this.#reading ??= this.#read().finally(() => (this.#reading = undefined));
      await this.#reading;
    }
    return this.#depth + this.#addedSince;
  }

  added(jobs: number): void {
    this.#addedSince += jobs;
  }

  async #read(): Promise<void> {
    const counts = await Promise.all(this.#queues.map((q) => q.getJobCounts('wait', 'active', 'delayed', 'prioritized')));
    this.#depth = counts.flatMap((c) => Object.values(c)).reduce((a, b) => a + b, 0);
    this.#addedSince = 0;
    this.#readAt = performance.now();
  }
}
