import { createHash } from 'node:crypto';
import type { DeadItem, DeadLetter } from '../../queues/index.js';
import type { ErrorCode } from '../errors/index.js';
import type { RejectedRow } from '../sinks/insert-batch.js';
import type { DecodedJob } from '../sinks/decoded-job.js';

/** A dead letter and the key that names it within its source job (trade id and position). */
export interface KeyedDeadLetter {
  readonly key: string;
  readonly letter: DeadLetter;
}

/** One trade (or whole envelope) that died, before dead letters are built. */
interface Death {
  readonly envelope: unknown;
  readonly jobId: string;
  /** Position of the envelope in its job. */
  readonly index: number;
  /** Position of the trade in the envelope's pack; undefined when the whole envelope died. */
  readonly item: number | undefined;
  /** For a whole envelope that died while a redrive had selected some of its trades: those. */
  readonly selection?: readonly number[] | undefined;
  readonly tradeId: string | null;
  readonly code: ErrorCode;
  readonly message: string;
  readonly attempts: number;
}

function sigOf(envelope: unknown): string {
  const sig = (envelope as { sig?: unknown } | null)?.sig;
  return typeof sig === 'string' ? sig : '';
}

/**
 * Dead letters for these deaths: one per envelope that died whole, and one per signed pack and
 * error code for trades of a pack (listing them), so a pack is stored once per letter, never once
 * per trade. Keys name the envelope's position and, for packs, the pack and the trades, so a
 * retried job never dead-letters a trade twice and never hides a different set of trades.
 */
function lettersOf(deaths: readonly Death[], queue: string, failedAt: string): KeyedDeadLetter[] {
  const letters: KeyedDeadLetter[] = [];
  const packs = new Map<unknown, Map<ErrorCode, Death[]>>();
  for (const d of deaths) {
    if (d.item === undefined) {
      const items = d.selection?.map((item): DeadItem => ({ item, tradeId: null, message: d.message }));
      letters.push({
        key: `${d.tradeId ?? 'x'}.${d.index}${items === undefined ? '' : `.${items.map((i) => i.item).join('-')}`}`,
        letter: { envelope: d.envelope, ...(items === undefined ? {} : { items }), tradeId: d.tradeId, error: { code: d.code, message: d.message }, attempts: d.attempts, failedAt, source: { queue, jobId: d.jobId } },
      });
      continue;
    }
    let byCode = packs.get(d.envelope);
    if (byCode === undefined) packs.set(d.envelope, (byCode = new Map()));
    const group = byCode.get(d.code);
    if (group === undefined) byCode.set(d.code, [d]);
    else group.push(d);
  }
  for (const byCode of packs.values()) {
    for (const [code, group] of byCode) {
      const first = group[0] as Death;
      const items = group.map((d): DeadItem => ({ item: d.item as number, tradeId: d.tradeId, message: d.message }));
      const digest = createHash('sha256').update(`${sigOf(first.envelope)}|${items.map((i) => i.item).join(',')}`).digest('hex').slice(0, 16);
      const message = items.length === 1 ? first.message : `${items.length} trades of the pack; the first (item ${first.item}): ${first.message}`;
      letters.push({
        key: `pack.${first.index}.${code}.${digest}`,
        letter: {
          envelope: first.envelope,
          items,
          tradeId: items.length === 1 ? first.tradeId : null,
          error: { code, message },
          attempts: Math.max(...group.map((d) => d.attempts)),
          failedAt,
          source: { queue, jobId: first.jobId },
        },
      });
    }
  }
  return letters;
}

/** Dead letters for envelopes (or trades of packs) a job carried that failed verification or validation. */
export function earlyRejectLetters(job: DecodedJob, queue: string, failedAt: string): KeyedDeadLetter[] {
  return lettersOf(
    job.rejects.map((r) => ({ envelope: r.envelope, jobId: job.jobId, index: r.index, item: r.item, selection: r.selection, tradeId: r.tradeId, code: r.code, message: r.message, attempts: 0 })),
    queue,
    failedAt,
  );
}

/** Dead letters for rows ClickHouse rejected (or that ran out of attempts). */
export function rejectedRowLetters(rejected: readonly RejectedRow[], queue: string, failedAt: string): KeyedDeadLetter[] {
  return lettersOf(
    rejected.map(({ row, code, message, attempts }) => ({ envelope: row.source.envelope, jobId: row.source.jobId, index: row.source.index, item: row.item, tradeId: row.trade.trade_id, code, message, attempts })),
    queue,
    failedAt,
  );
}

/** Trades these dead letters hold: a letter of a pack's trades counts each (a whole envelope counts as one). */
export function tradesIn(letters: readonly KeyedDeadLetter[]): number {
  let n = 0;
  for (const { letter } of letters) n += letter.items?.length ?? 1;
  return n;
}
