import type { Queue } from 'bullmq';
import { JOB_NAMES, type DeadLetter } from '../../queues/index.js';
import { deadLetterJobId, redriveSource } from './dead-letter-id.js';

/**
 * Adds dead letters to the DLQ in one round trip. Job ids derive from the source job and the
 * trade (or the envelope's position), so a retried source job never dead-letters a trade twice.
 * A letter from a redrive job names the dead letter that was redriven (`redriveOf`).
 */
export class DeadLetterPublisher {
  readonly #dlq: Queue<DeadLetter>;

  constructor(dlq: Queue<DeadLetter>) {
    this.#dlq = dlq;
  }

  /** The job ids the letters get (the same as `publish` gives them). */
  static idOf(letter: { letter: DeadLetter; key: string }): string {
    return deadLetterJobId(letter.letter.source.jobId, letter.key);
  }

  async publish(letters: readonly { letter: DeadLetter; key: string }[]): Promise<void> {
    if (letters.length === 0) return;
    await this.#dlq.addBulk(
      letters.map((keyed) => {
        const from = redriveSource(keyed.letter.source.jobId);
        return {
          name: JOB_NAMES.deadLetter,
          data: from === undefined ? keyed.letter : { ...keyed.letter, redriveOf: from.deadLetterId },
          // No stack trace is kept: Bull Board shows the reason (the failed reason) instead.
          opts: { jobId: DeadLetterPublisher.idOf(keyed), stackTraceLimit: 0 },
        };
      }),
    );
  }
}
