import type { DeadLetter } from '../../queues/index.js';
import { formatTsNs } from '../trade/format-ts-ns.js';
import { deadLetterHint } from './dead-letter-hint.js';

/** At most this many trades of a letter are shown decoded (a pack can hold thousands). */
const SHOWN_TRADES = 20;

/** A dead letter as an operator reads it: no envelope, no escaped JSON, no stack trace. */
export interface DeadLetterView {
  /** `SIGNATURE_INVALID · AAPL buy 100 @ 227.125 · ORD-42` */
  readonly title: string;
  readonly reason: string;
  readonly hint: string;
  /** The dead trade(s), decoded from the queued message as it was (its signature is not checked here). */
  readonly trades: readonly Record<string, unknown>[];
  /** How many trades the letter holds (more than `trades` when it was cut). */
  readonly tradeCount: number;
  readonly deadLetteredAt: string;
  readonly attempts: number;
  readonly sourceJob: string;
}

function payloadItems(envelope: unknown): unknown[] | undefined {
  const payload = (envelope as { payload?: unknown } | null)?.payload;
  if (typeof payload !== 'string') return undefined;
  try {
    const body: unknown = JSON.parse(payload);
    return Array.isArray(body) ? body : [body];
  } catch {
    return undefined;
  }
}

/** The trades a letter is about: the named items of a pack, or every trade of its envelope. */
export function deadTrades(letter: Pick<DeadLetter, 'envelope' | 'items'>): { trades: unknown[]; count: number } {
  const all = payloadItems(letter.envelope);
  if (all === undefined) return { trades: [], count: 0 };
  if (letter.items === undefined || letter.items.length === 0) return { trades: all, count: all.length };
  return { trades: letter.items.map((i) => all[i.item]).filter((t) => t !== undefined), count: letter.items.length };
}

const text = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '?');

/** `AAPL buy 100 @ 227.125 · ORD-42` for a trade object (whatever it holds). */
export function tradeLine(trade: unknown): string {
  const t = (trade ?? {}) as Record<string, unknown>;
  return `${text(t.symbol)} ${text(t.side)} ${text(t.qty)} @ ${text(t.price)} · ${text(t.order_id)}`;
}

function readable(trade: unknown): Record<string, unknown> {
  if (trade === null || typeof trade !== 'object' || Array.isArray(trade)) return { value: trade };
  const t = trade as Record<string, unknown>;
  return typeof t.ts_ns === 'string' ? { ...t, time_utc: formatTsNs(t.ts_ns) } : { ...t };
}

/** The title line of a letter: its code and its trade (or how many trades, and the first). */
export function deadLetterTitle(letter: DeadLetter): string {
  const { trades, count } = deadTrades(letter);
  const code = letter.error.code;
  if (count === 0) return `${code} · unreadable message${letter.tradeId === null ? '' : ` · trade ${letter.tradeId}`}`;
  if (count === 1) return `${code} · ${tradeLine(trades[0])}`;
  return `${code} · ${count} trades · ${tradeLine(trades[0])} …`;
}

export function describeDeadLetter(letter: DeadLetter): DeadLetterView {
  const { trades, count } = deadTrades(letter);
  return {
    title: deadLetterTitle(letter),
    reason: `${letter.error.code}: ${letter.error.message}`,
    hint: deadLetterHint(letter.error.code),
    trades: trades.slice(0, SHOWN_TRADES).map(readable),
    tradeCount: count,
    deadLetteredAt: letter.failedAt,
    attempts: letter.attempts,
    sourceJob: `${letter.source.queue} / ${letter.source.jobId}`,
  };
}
