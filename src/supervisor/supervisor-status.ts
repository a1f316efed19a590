import type { RedisClient } from '../../queues/redis-connection.js';
import { PresenceRegistry } from '../lifecycle/presence-registry.js';
import { supervisorKeys } from './desired-state.js';
import type { ProcessExit, ProcessInfo } from './managed-process.js';

/** One scalable unit (a partition's sinks, the DLQ's redrive workers) as a supervisor runs it. */
export interface QueueProcesses {
  readonly role: string;
  /** The partition a sink unit takes (null for the DLQ; absent from older releases). */
  readonly partition?: number | null;
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

/** Where the supervisors of a trades queue report their status (one per host and pid). */
function statuses(redis: RedisClient, prefix: string, tradesQueue: string): PresenceRegistry<SupervisorStatus> {
  const { hostPrefix } = supervisorKeys(prefix, tradesQueue);
  return new PresenceRegistry(redis, { index: `${hostPrefix}index`, memberPrefix: hostPrefix });
}

export async function writeSupervisorStatus(redis: RedisClient, prefix: string, tradesQueue: string, status: SupervisorStatus): Promise<void> {
  await statuses(redis, prefix, tradesQueue).publish(`${status.host}:${status.pid}`, status);
}

export async function deleteSupervisorStatus(redis: RedisClient, prefix: string, tradesQueue: string, host: string, pid: number): Promise<void> {
  await statuses(redis, prefix, tradesQueue).remove(`${host}:${pid}`);
}

export function readSupervisorStatuses(redis: RedisClient, prefix: string, tradesQueue: string): Promise<SupervisorStatus[]> {
  return statuses(redis, prefix, tradesQueue).readAll();
}
