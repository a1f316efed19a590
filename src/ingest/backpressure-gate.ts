import type { QueueDepthGauge } from '../producer/queue-depth-gauge.js';

const HIGH_WATER = 0.8;

/**
 * Admits a request's trades only while the queue stays below 80% of its capacity, like the
 * producer library; the depth comes from the producer's cached gauge (read at most every 250 ms,
 * jobs added since counted locally).
 */
export class BackpressureGate {
  readonly #gauge: QueueDepthGauge;
  readonly #limit: number;

  constructor(gauge: QueueDepthGauge, capacity: number) {
    this.#gauge = gauge;
    this.#limit = capacity * HIGH_WATER;
  }

  /** The queue's depth when `jobs` more would reach the high-water mark, else undefined. */
  async full(jobs: number): Promise<number | undefined> {
    const depth = await this.#gauge.depth();
    return depth + jobs >= this.#limit ? depth : undefined;
  }

  added(jobs: number): void {
    this.#gauge.added(jobs);
  }
}
