/** The trades queue's job counts a verdict quotes. */
export interface InFlight {
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly prioritized?: number;
}

export interface TradeVerdict {
  /** Where the trade is, in one word. */
  readonly status: 'in-clickhouse' | 'dead-lettered' | 'spilled' | 'queued' | 'maybe-in-flight' | 'not-found';
  /** One plain sentence for the operator. */
  readonly summary: string;
  /** The trades queue's counts when the trade may be in flight inside a packed job. */
  readonly inFlight: InFlight | null;
}

type Located = { readonly where: string; readonly state?: string; readonly code?: string; readonly file?: string; readonly insertedAt?: string };

const jobs = (n: number) => `${n} job${n === 1 ? '' : 's'}`;

/**
 * What a search found, said plainly. A trade in none of ClickHouse, the DLQ, a spill or a job of
 * its own is not called lost: trades travel inside packed jobs (packs, ingest batches) that a
 * trade id does not name, so while the trades queue holds jobs the trade may be in one of them.
 */
export function tradeVerdict(tradeId: string, locations: readonly Located[], inFlight: InFlight | undefined, scanned: number, unsearched: readonly string[]): TradeVerdict {
  const at = (where: string) => locations.find((l) => l.where === where);
  const stored = at('clickhouse');
  if (stored !== undefined) return { status: 'in-clickhouse', summary: `In ClickHouse (inserted ${stored.insertedAt ?? '?'}, server time).`, inFlight: null };
  const dead = at('dead-letter');
  if (dead !== undefined) return { status: 'dead-lettered', summary: `Dead-lettered (${dead.code ?? '?'}): parked in the dead-letter queue until an operator retries it.`, inFlight: null };
  const spill = at('spill');
  if (spill !== undefined) return { status: 'spilled', summary: `In the spill file ${spill.file ?? '?'}: it goes into ClickHouse when ClickHouse is back.`, inFlight: null };
  const queued = at('trades-queue');
  if (queued !== undefined) return { status: 'queued', summary: `In the trades queue as its own job (${queued.state ?? '?'}).`, inFlight: null };
  const gaps = unsearched.length === 0 ? '' : ` (${unsearched.join(', ')} could not be searched)`;
  const where = `Not in ClickHouse, the dead-letter queue (${scanned} letters searched) or a spill file${gaps}.`;
  if (inFlight === undefined) return { status: 'maybe-in-flight', summary: `${where} The trades queue could not be read: it may be in flight inside a packed job.`, inFlight: null };
  const pending = inFlight.waiting + inFlight.active + inFlight.delayed + (inFlight.prioritized ?? 0);
  if (pending > 0) {
    return {
      status: 'maybe-in-flight',
      summary: `${where} It may be in flight inside a packed job: the trades queue holds ${jobs(inFlight.waiting)} waiting, ${jobs(inFlight.active)} active and ${jobs(inFlight.delayed)} delayed. Search again in a few seconds.`,
      inFlight,
    };
  }
  return { status: 'not-found', summary: `${where} The trades queue is empty, so it is not in flight either: check the id ${tradeId}, or whether its sender got a 2xx for it.`, inFlight };
}
