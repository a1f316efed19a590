/** A mutation of Bull Board's API, as the audit trail records it. */
export interface BoardAction {
  readonly action: string;
  readonly queue: string;
  /** The job acted on; undefined for a whole-queue action. */
  readonly jobId: string | undefined;
  /** The job status a whole-queue action applies to (`retry all` of `failed`, `clean` of `completed`). */
  readonly status: string | undefined;
}

const QUEUE_ACTIONS = new Set(['promote', 'pause', 'resume', 'empty', 'obliterate', 'concurrency', 'add', 'rate-limit']);
const JOB_ACTIONS: Readonly<Record<string, string>> = { retry: 'retry', clean: 'remove job', promote: 'promote job', 'update-data': 'edit job data', delay: 'change job delay', priority: 'change job priority' };

/**
 * Names a non-GET request to Bull Board's API (`path` relative to the board, e.g.
 * `/api/queues/trades-dlq/dl.0123456789abcdef/retry/failed`); undefined for anything else.
 */
export function boardAction(method: string, path: string): BoardAction | undefined {
  if (method === 'GET' || method === 'HEAD' || !path.startsWith('/api/queues/')) return undefined;
  const parts = path.slice('/api/queues/'.length).split('/').filter((p) => p !== '').map(decodeURIComponent);
  const [queue, second, third, fourth] = parts;
  if (queue === undefined) return undefined;
  if (second === undefined) return { action: `${queue} (all queues)`, queue: '*', jobId: undefined, status: undefined };
  if (second === 'retry' && third !== undefined && fourth === undefined) return { action: 'retry all', queue, jobId: undefined, status: third };
  if (second === 'clean' && third !== undefined && fourth === undefined) return { action: 'clean', queue, jobId: undefined, status: third };
  if (second === 'job-schedulers') return { action: `job scheduler ${fourth ?? 'update'}`, queue, jobId: third, status: undefined };
  if (QUEUE_ACTIONS.has(second)) return { action: third === undefined ? second : `${second} ${third}`, queue, jobId: undefined, status: undefined };
  if (third === undefined) return { action: `${method} ${second}`, queue, jobId: undefined, status: undefined };
  return { action: JOB_ACTIONS[third] ?? `${method} ${third}`, queue, jobId: second, status: fourth };
}
