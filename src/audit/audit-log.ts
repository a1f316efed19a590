import type { RedisClient } from '../../queues/redis-connection.js';

/** One operator action: who, in which role, when, what, on what. */
export interface AuditEntry {
  /** ISO-8601 time of the action. */
  readonly at: string;
  /** The dashboard login, or the OS user for the CLI. */
  readonly user: string;
  /** `operator` / `viewer` on the dashboard, `cli` for the command line. */
  readonly role: string;
  /** `retry`, `retry all`, `clean`, `scale`, `rolling restart`, `redrive`, `redrive all`, … */
  readonly action: string;
  /** What it acted on: `<queue>` or `<queue>/<job id>`. */
  readonly target: string;
  /** Free text: the status retried or cleaned, the number of jobs, the new process count, … */
  readonly detail: string;
  readonly via: 'dashboard' | 'cli';
}

const FIELDS = ['at', 'user', 'role', 'action', 'target', 'detail', 'via'] as const;

/**
 * The audit trail: a Redis stream `<prefix>:<trades queue>:audit`, newest ~`maxLength` entries
 * kept, one entry per operator action with the fields of AuditEntry (stable: only added to).
 * Answers "who replayed these trades" for the dashboard and `XRANGE` alike.
 */
export class AuditLog {
  readonly #redis: RedisClient;
  readonly key: string;
  readonly #maxLength: number;

  constructor(redis: RedisClient, prefix: string, tradesQueue: string, maxLength = 100_000) {
    this.#redis = redis;
    this.key = `${prefix}:${tradesQueue}:audit`;
    this.#maxLength = maxLength;
  }

  async record(entry: Omit<AuditEntry, 'at'> & { at?: string }): Promise<void> {
    const full: AuditEntry = { ...entry, at: entry.at ?? new Date().toISOString() };
    await this.#redis.xadd(this.key, 'MAXLEN', '~', String(this.#maxLength), '*', ...FIELDS.flatMap((f) => [f, full[f]]));
  }

  /** The newest `count` entries, newest first. */
  async recent(count = 50): Promise<AuditEntry[]> {
    const rows = await this.#redis.xrevrange(this.key, '+', '-', 'COUNT', count);
    return rows.map(([, fields]) => parseEntry(fields));
  }
}

function parseEntry(fields: readonly string[]): AuditEntry {
  const m = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) m.set(fields[i] as string, fields[i + 1] as string);
  const via = m.get('via') === 'cli' ? 'cli' : 'dashboard';
  return { at: m.get('at') ?? '', user: m.get('user') ?? '', role: m.get('role') ?? '', action: m.get('action') ?? '', target: m.get('target') ?? '', detail: m.get('detail') ?? '', via };
}
