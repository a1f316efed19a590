import type { Redis } from 'ioredis';
import { supervisorKeys } from './desired-state.js';
import type { ProcessExit, ProcessInfo } from './managed-process.js';

/** One queue as a supervisor runs it. */
export interface QueueProcesses {
  readonly role: string;
  readonly desired: number;
  readonly running: number;
  readonly processes: readonly ProcessInfo[];
  /** Crashes (unexpected exits) since the supervisor started. */
  readonly restarts: number;
  /** Crashes within the crash-loop window reached the limit; restarts continue with backoff. */
  readonly crashLoop: boolean;
  readonly lastExit: (ProcessExit & { readonly pid: number }) | null;
  /** When the next restart is due, if one waits for its backoff. */
  readonly nextRestartAt: string | null;
}

/** What a supervisor publishes every second (read by `restart --rolling`, `status` and the ops page). */
export interface SupervisorStatus {
  readonly host: string;
  readonly pid: number;
  readonly startedAt: string;
  /** The rolling-restart generation this supervisor has reached. */
  readonly generation: number;
  readonly rolling: { readonly inProgress: boolean; readonly lastError: string | null };
  readonly queues: Readonly<Record<string, QueueProcesses>>;
}

const TTL_SECONDS = 10;

/** The set indexing every status key, so readers need no SCAN over the keyspace. */
const indexOf = (prefix: string, tradesQueue: string) => `${supervisorKeys(prefix, tradesQueue).hostPrefix}index`;

export async function writeSupervisorStatus(redis: Redis, prefix: string, tradesQueue: string, status: SupervisorStatus): Promise<void> {
  const key = `${supervisorKeys(prefix, tradesQueue).hostPrefix}${status.host}:${status.pid}`;
  await redis.multi().set(key, JSON.stringify(status), 'EX', TTL_SECONDS).sadd(indexOf(prefix, tradesQueue), key).exec();
}

export async function deleteSupervisorStatus(redis: Redis, prefix: string, tradesQueue: string, host: string, pid: number): Promise<void> {
  const key = `${supervisorKeys(prefix, tradesQueue).hostPrefix}${host}:${pid}`;
  await redis.multi().del(key).srem(indexOf(prefix, tradesQueue), key).exec();
}

/** Every live supervisor of the pipeline, as last reported. */
export async function readSupervisorStatuses(redis: Redis, prefix: string, tradesQueue: string): Promise<SupervisorStatus[]> {
  const index = indexOf(prefix, tradesQueue);
  const keys = await redis.smembers(index);
  if (keys.length === 0) return [];
  const values = await redis.mget(...keys);
  const expired = keys.filter((_, i) => values[i] === null);
  if (expired.length > 0) await redis.srem(index, ...expired);
  return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as SupervisorStatus);
}
