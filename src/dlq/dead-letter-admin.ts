import type { Job, Queue } from 'bullmq';
import type { DeadLetter } from '../../queues/index.js';
import { DeadLetterNotFoundError } from '../errors/index.js';

/** A parked dead letter, as `trade-sync dlq list` shows it. */
export interface DeadLetterSummary {
  readonly id: string;
  readonly tradeId: string | null;
  readonly code: string;
  readonly message: string;
  readonly attempts: number;
  readonly failedAt: string;
}

function summarize(job: Job<DeadLetter>): DeadLetterSummary {
  const d = job.data;
  return { id: job.id ?? '', tradeId: d.tradeId, code: d.error.code, message: d.error.message, attempts: d.attempts, failedAt: d.failedAt };
}

/** Lists and redrives parked dead letters; the same operations Bull Board's buttons perform. */
export class DeadLetterAdmin {
  readonly #dlq: Queue<DeadLetter>;

  constructor(dlq: Queue<DeadLetter>) {
    this.#dlq = dlq;
  }

  async count(): Promise<number> {
    return this.#dlq.getFailedCount();
  }

  async list(start = 0, limit = 100): Promise<DeadLetterSummary[]> {
    const jobs = await this.#dlq.getFailed(start, start + limit - 1);
    return jobs.filter((j): j is Job<DeadLetter> => j !== undefined).map(summarize);
  }

  /** Sends one parked dead letter back (Bull Board's Retry). */
  async redrive(id: string): Promise<void> {
    const job = await this.#dlq.getJob(id);
    if (job === undefined || !(await job.isFailed())) throw new DeadLetterNotFoundError(id);
    await job.retry('failed');
  }

  /** Sends every parked dead letter back, page by page; `onProgress(done, total)` after each page. */
  async redriveAll(onProgress: (done: number, total: number) => void = () => {}, pageSize = 500): Promise<number> {
    const total = await this.count();
    let done = 0;
    for (;;) {
      const page = await this.#dlq.getFailed(0, pageSize - 1);
      if (page.length === 0 || done >= total) break;
      await Promise.all(page.map((job) => job?.retry('failed')));
      done += page.length;
      onProgress(Math.min(done, total), total);
    }
    return done;
  }
}
