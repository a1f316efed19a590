import type { Job, Queue } from 'bullmq';
import type { DeadLetter } from '../../queues/index.js';
import type { AuditEntry } from '../../src/audit/audit-log.js';
import { deadTrades } from '../../src/dlq/describe-dead-letter.js';

/** One step of a trade's history, oldest first. */
export interface TradeEvent {
  readonly at: string;
  readonly event: 'dead-lettered' | 'redriven' | 'redrive outcome' | 'job completed' | 'landed' | 'spilled';
  readonly detail: string;
}

/** Payload texts a dead letter holds: its envelope's, or each envelope's of a job that died whole. */
function payloads(envelope: unknown): string[] {
  const e = envelope as { payload?: unknown; envelopes?: unknown } | null;
  if (typeof e?.payload === 'string') return [e.payload];
  if (Array.isArray(e?.envelopes)) return e.envelopes.flatMap((x) => payloads(x));
  return [];
}

/**
 * A dead letter of this trade: it names the trade, lists it among the trades of a pack that died,
 * or holds a signed pack or a whole job (naming no single trade) whose payload has it.
 */
export function namesTrade(letter: DeadLetter | undefined, tradeId: string): boolean {
  if (letter === undefined) return false;
  if (letter.items !== undefined) return letter.items.some((i) => i.tradeId === tradeId);
  if (letter.tradeId !== null) return letter.tradeId === tradeId;
  return payloads(letter.envelope).some((p) => p.includes(`"trade_id":"${tradeId}"`));
}

/** The trade's fields as queued, from a dead letter (undefined when its message cannot be read). */
export function tradeFromLetter(letter: DeadLetter, tradeId: string): Record<string, unknown> | undefined {
  const { trades } = deadTrades({ envelope: letter.envelope, ...(letter.items === undefined ? {} : { items: letter.items }) });
  const all = trades.length > 0 ? trades : payloads(letter.envelope).flatMap((p) => deadTrades({ envelope: { payload: p } }).trades);
  return all.find((t) => (t as { trade_id?: unknown } | null)?.trade_id === tradeId) as Record<string, unknown> | undefined;
}

export interface FoundLetter {
  readonly job: Job<DeadLetter>;
  readonly parked: boolean;
}

/** Dead letters (parked, then redriven) naming the trade; at most `max` of each kind are scanned. */
export async function findLetters(dlq: Queue<DeadLetter>, tradeId: string, max: number): Promise<{ found: FoundLetter[]; scanned: number }> {
  const found: FoundLetter[] = [];
  let scanned = 0;
  const page = 1_000;
  for (const state of ['failed', 'completed'] as const) {
    for (let start = 0; start < max; start += page) {
      const jobs = (await dlq.getJobs([state], start, start + page - 1)).filter((j): j is Job<DeadLetter> => j !== undefined);
      scanned += jobs.length;
      for (const job of jobs) if (namesTrade(job.data, tradeId)) found.push({ job, parked: state === 'failed' });
      if (jobs.length < page) break;
    }
  }
  return { found, scanned };
}

/** Who sent a dead letter back: the audit entry for it, or the nearest earlier "retry all" / "redrive all" of the DLQ. */
function redriver(audit: readonly AuditEntry[], dlq: string, jobId: string, at: number): string {
  const mine = audit.find((e) => e.target === `${dlq}/${jobId}` && (e.action === 'retry' || e.action === 'redrive'));
  const all = mine ?? audit.find((e) => e.target === dlq && (e.action === 'retry all' || e.action === 'redrive all') && Date.parse(e.at) <= at + 1_000);
  return all === undefined ? 'by an unrecorded action' : `by ${all.user} (${all.role}, ${all.via}: ${all.action}${all.detail === '' ? '' : `, ${all.detail}`}) at ${all.at}`;
}

/** The history a trade's dead letters tell: dead-lettered (why), redriven (when, by whom), and what came of it. */
export function letterEvents(found: readonly FoundLetter[], audit: readonly AuditEntry[], dlq: string): TradeEvent[] {
  const events: TradeEvent[] = [];
  for (const { job, parked } of found) {
    const d = job.data;
    events.push({ at: d.failedAt, event: 'dead-lettered', detail: `${d.error.code}: ${d.error.message} (dead letter ${job.id}${d.redriveOf === undefined ? '' : `, after redrive of ${d.redriveOf}`})` });
    // A redriven letter is completed; its last processing was the redrive.
    const redriveAt = parked ? undefined : job.processedOn;
    if (redriveAt !== undefined) events.push({ at: new Date(redriveAt).toISOString(), event: 'redriven', detail: `dead letter ${job.id} ${redriver(audit, dlq, job.id ?? '', redriveAt)}` });
    if (d.redrive !== undefined) {
      const r = d.redrive;
      events.push({ at: r.at, event: 'redrive outcome', detail: r.outcome === 'dead-lettered again' ? `dead-lettered again as ${r.deadLetterId ?? '?'}: ${r.error?.code ?? '?'}` : r.outcome });
    }
  }
  return events;
}
