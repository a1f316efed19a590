import type { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import type { DeadLetter } from '../../queues/index.js';
import { deadLetterTitle, describeDeadLetter, tradeLine } from '../../src/dlq/describe-dead-letter.js';

/** The part of Bull Board's job JSON the formatters read. */
interface BoardJob {
  readonly data: unknown;
  readonly returnvalue: unknown;
}

function isDeadLetter(data: unknown): data is DeadLetter {
  const d = data as Partial<DeadLetter> | null;
  return d !== null && typeof d === 'object' && typeof d.error?.code === 'string' && typeof d.source?.jobId === 'string';
}

function redrivenAttempt(returnvalue: unknown): number | undefined {
  const id = (returnvalue as { redriveId?: unknown } | null)?.redriveId;
  const match = typeof id === 'string' ? /\.(\d+)$/.exec(id) : null;
  return match === null ? undefined : Number(match[1]);
}

/**
 * A dead letter's name in Bull Board: its code and trade while parked; once redriven, the outcome
 * first, so a letter whose trade died again never reads like one that landed.
 */
export function deadLetterJobName(job: BoardJob): string {
  if (!isDeadLetter(job.data)) return 'dead-letter (unreadable)';
  const letter = job.data;
  const title = deadLetterTitle(letter);
  const attempt = redrivenAttempt(job.returnvalue);
  if (attempt === undefined) return letter.redriveOf === undefined ? title : `${title} · died again after redrive of ${letter.redriveOf}`;
  const outcome = letter.redrive?.attempt === attempt ? letter.redrive : undefined;
  if (outcome === undefined) return `REDRIVEN, outcome pending · ${title}`;
  if (outcome.outcome === 'landed') return `LANDED after redrive · ${title}`;
  if (outcome.outcome === 'spilled') return `SPILLED after redrive, lands when ClickHouse is back · ${title}`;
  return `DEAD-LETTERED AGAIN as ${outcome.deadLetterId ?? '?'} (${outcome.error?.code ?? '?'}) · ${title}`;
}

/**
 * A dead letter's Data tab: its redrive history first, then the reason, what to do and the
 * decoded trade (one trade in full; a pack's trades one line each and the first in full).
 */
export function deadLetterJobData(data: unknown): unknown {
  if (!isDeadLetter(data)) return data;
  const view = describeDeadLetter(data);
  const [first] = view.trades;
  return {
    ...(data.redrive === undefined ? {} : { redrive: data.redrive }),
    ...(data.redriveOf === undefined ? {} : { redriveOf: data.redriveOf }),
    reason: view.reason,
    whatToDo: `${view.hint} (Retry: the ↻ button at the top right of this card, operators only.)`,
    ...(view.tradeCount <= 1 ? { trade: first ?? null } : { trades: view.trades.map(tradeLine), firstTrade: first }),
    tradeCount: view.tradeCount,
    deadLetteredAt: view.deadLetteredAt,
    insertAttempts: view.attempts,
    sourceJob: view.sourceJob,
  };
}

/** A link from a redriven letter to the letter its trade became, and back. */
export function deadLetterLink(boardPath: string, dlq: string, job: BoardJob): { href: string; displayText: string } | undefined {
  if (!isDeadLetter(job.data)) return undefined;
  const at = (id: string) => `${boardPath}/queue/${encodeURIComponent(dlq)}/${encodeURIComponent(id)}`;
  const again = job.data.redrive?.deadLetterId;
  if (again !== undefined) return { href: at(again), displayText: `dead-lettered again: ${again}` };
  if (job.data.redriveOf !== undefined) return { href: at(job.data.redriveOf), displayText: `redriven from ${job.data.redriveOf}` };
  return undefined;
}

/** Installs the dead-letter formatters on a board's adapter of the DLQ. */
export function formatDeadLetters(adapter: BullMQAdapter): void {
  adapter.setFormatter('name', (job: BoardJob) => deadLetterJobName(job));
  adapter.setFormatter('data', deadLetterJobData);
}
