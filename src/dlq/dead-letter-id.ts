import { createHash } from 'node:crypto';

/**
 * Ids of dead letters and of their redrives. A dead letter's id is `dl.` and 16 hex digits of a
 * hash of its source job id and its key (trade and position), so it is short, the same for the
 * same death (a retried source job never dead-letters a trade twice), and does not grow when a
 * redriven trade dies again. A redrive job is `rd.<dead letter id>.<attempt>`.
 */
export function deadLetterJobId(sourceJobId: string, key: string): string {
  return `dl.${createHash('sha256').update(`${sourceJobId}\n${key}`).digest('hex').slice(0, 16)}`;
}

export function redriveJobId(deadLetterId: string, attempt: number): string {
  return `rd.${deadLetterId}.${attempt}`;
}

const REDRIVE = /^rd\.(.+)\.(\d+)$/;

/** The dead letter a redrive job sent back, and which redrive of it this is; undefined for any other job. */
export function redriveSource(jobId: string): { deadLetterId: string; attempt: number } | undefined {
  const match = REDRIVE.exec(jobId);
  return match === null ? undefined : { deadLetterId: match[1] as string, attempt: Number(match[2]) };
}
