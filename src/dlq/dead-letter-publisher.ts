import type { Queue } from 'bullmq';
import { JOB_NAMES, type DeadLetter } from '../../queues/index.js';

/**
 * Adds dead letters to the DLQ in one round trip. Job ids derive from the source job and the
 * trade (or the envelope's position), so a retried source job never dead-letters a trade twice.
 */
export class DeadLetterPublisher {
  readonly #dlq: Queue<DeadLetter>;

  constructor(dlq: Queue<DeadLetter>) {
    this.#dlq = dlq;
  }

  async publish(letters: readonly { letter: DeadLetter; key: string }[]): Promise<void> {
    if (letters.length === 0) return;
    await this.#dlq.addBulk(
      letters.map(({ letter, key }) => ({
        name: JOB_NAMES.deadLetter,
        data: letter,
        opts: { jobId: `dl.${letter.source.jobId}.${key}` },
      })),
    );
  }
}
