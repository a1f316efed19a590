import type { DeadLetter } from '../../queues/index.js';
import type { RejectedRow } from '../sinks/trade-batch-writer.js';
import type { DecodedJob } from '../worker/decode-job.js';

/** A dead letter and the key that names it within its source job (trade id and position). */
export interface KeyedDeadLetter {
  readonly key: string;
  readonly letter: DeadLetter;
}

/** The position part of a dead letter's key: the envelope's index, and the trade's in a pack. */
function position(index: number, item: number | undefined): string {
  return item === undefined ? `${index}` : `${index}.${item}`;
}

/** Dead letters for envelopes (or trades of packs) a job carried that failed verification or validation. */
export function earlyRejectLetters(job: DecodedJob, queue: string, failedAt: string): KeyedDeadLetter[] {
  return job.rejects.map((r) => ({
    key: `${r.tradeId ?? 'x'}.${position(r.index, r.item)}`,
    letter: {
      envelope: r.envelope,
      ...(r.item === undefined ? {} : { item: r.item }),
      tradeId: r.tradeId,
      error: { code: r.code, message: r.message },
      attempts: 0,
      failedAt,
      source: { queue, jobId: job.jobId },
    },
  }));
}

/** Dead letters for rows ClickHouse rejected (or that ran out of attempts). */
export function rejectedRowLetters(rejected: readonly RejectedRow[], queue: string, failedAt: string): KeyedDeadLetter[] {
  return rejected.map(({ row, code, message, attempts }) => ({
    key: `${row.trade.trade_id}.${position(row.source.index, row.item)}`,
    letter: {
      envelope: row.source.envelope,
      ...(row.item === undefined ? {} : { item: row.item }),
      tradeId: row.trade.trade_id,
      error: { code, message },
      attempts,
      failedAt,
      source: { queue, jobId: row.source.jobId },
    },
  }));
}
