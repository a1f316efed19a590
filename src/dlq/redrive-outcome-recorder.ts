import type { Queue } from 'bullmq';
import type { DeadLetter, RedriveOutcome } from '../../queues/index.js';
import type { Logger } from '../logger.js';
import { redriveSource } from './dead-letter-id.js';
import { DeadLetterPublisher } from './dead-letter-publisher.js';

/**
 * Writes onto a redriven dead letter what became of its redrive, once the sink worker has worked
 * the redrive job: landed, spilled, or dead-lettered again (with the new letter's id and reason),
 * so Bull Board never shows a letter that failed again like one that landed. Jobs that are not
 * redrives cost nothing. A failure to record is logged, never fails the batch.
 */
export class RedriveOutcomeRecorder {
  readonly #dlq: Queue<DeadLetter>;
  readonly #log: Logger;

  constructor(dlq: Queue<DeadLetter>, log: Logger) {
    this.#dlq = dlq;
    this.#log = log;
  }

  async record(jobIds: readonly string[], letters: readonly { letter: DeadLetter; key: string }[], spilled: boolean, at = new Date().toISOString()): Promise<void> {
    for (const jobId of jobIds) {
      const from = redriveSource(jobId);
      if (from === undefined) continue;
      const again = letters.find((l) => l.letter.source.jobId === jobId);
      const outcome: RedriveOutcome =
        again === undefined
          ? { attempt: from.attempt, outcome: spilled ? 'spilled' : 'landed', at }
          : { attempt: from.attempt, outcome: 'dead-lettered again', at, deadLetterId: DeadLetterPublisher.idOf(again), error: again.letter.error };
      try {
        const job = await this.#dlq.getJob(from.deadLetterId);
        if (job !== undefined) await job.updateData({ ...job.data, redrive: outcome });
      } catch (err) {
        this.#log.warn({ jobId, deadLetterId: from.deadLetterId, err: err instanceof Error ? err.message : String(err) }, 'redrive outcome not recorded');
      }
    }
  }
}
