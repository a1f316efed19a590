import { hostname } from 'node:os';
import type { RedisClient } from '../../queues/redis-connection.js';
import { PresenceRegistry } from './presence-registry.js';
import { processAlive } from './process-alive.js';

/** What a worker process publishes about itself every few seconds (read by `status` and the dashboard). */
export interface WorkerInfo {
  readonly host: string;
  readonly pid: number;
  readonly queue: string;
  readonly role: string;
  readonly concurrency: number;
  readonly startedAt: string;
  readonly circuit: string;
  readonly clickhouseUrl: string;
  readonly spillBacklog: number;
  readonly stats: Readonly<Record<string, number>>;
}

/** A heartbeat as read back: how old it is, and whether what it says can still be true. */
export interface WorkerReport extends WorkerInfo {
  /** ISO-8601 time the heartbeat was written. */
  readonly beatAt: string;
  /** Milliseconds since the heartbeat was written. */
  readonly ageMs: number;
  /** No heartbeat for more than STALE_AFTER_MS: the process may be gone or stuck; its figures are old. */
  readonly stale: boolean;
  /** The process is on this host and no longer runs (e.g. after `kill -9`): its key simply has not expired yet. */
  readonly gone: boolean;
}

const TTL_SECONDS = 10;
/** Heartbeats come every 2 s; one missing more than two beats is stale. */
export const STALE_AFTER_MS = 5_000;

/** Where a queue's worker heartbeats live (a set index of them, so readers need no SCAN). */
function heartbeats(redis: RedisClient, prefix: string, queue: string): PresenceRegistry<WorkerInfo & { beatAt: string }> {
  return new PresenceRegistry(redis, { index: `${prefix}:${queue}:worker-index`, memberPrefix: `${prefix}:${queue}:workers:` }, TTL_SECONDS);
}

/** Writes this process's WorkerInfo to Redis (expiring) until stopped; stop deletes it. */
export class WorkerHeartbeat {
  readonly #registry: PresenceRegistry<WorkerInfo & { beatAt: string }>;
  readonly #member = `${hostname()}:${process.pid}`;
  readonly #info: () => Omit<WorkerInfo, 'host' | 'pid'>;
  #timer: NodeJS.Timeout | undefined;

  constructor(redis: RedisClient, prefix: string, queue: string, info: () => Omit<WorkerInfo, 'host' | 'pid'>, intervalMs = 2_000) {
    this.#registry = heartbeats(redis, prefix, queue);
    this.#info = info;
    this.#timer = setInterval(() => void this.beat(), intervalMs);
    this.#timer.unref();
  }

  async beat(): Promise<void> {
    await this.#registry.publish(this.#member, { host: hostname(), pid: process.pid, ...this.#info(), beatAt: new Date().toISOString() }).catch(() => undefined);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#registry.remove(this.#member).catch(() => undefined);
  }
}

/**
 * Every worker of a queue whose heartbeat has not expired, as last reported, with its age: a
 * heartbeat older than STALE_AFTER_MS is marked stale, and one of a process on this host that no
 * longer runs is marked gone (readers leave gone ones out of totals).
 */
export async function readWorkerHeartbeats(redis: RedisClient, prefix: string, queue: string, now = Date.now()): Promise<WorkerReport[]> {
  const here = hostname();
  return (await heartbeats(redis, prefix, queue).readAll()).map((info) => {
    const beatAt = info.beatAt ?? info.startedAt; // heartbeats of older releases carry no beatAt
    const ageMs = Math.max(0, now - Date.parse(beatAt));
    const gone = info.host === here && !processAlive(info.pid);
    return { ...info, beatAt, ageMs, stale: gone || ageMs > STALE_AFTER_MS, gone };
  });
}

/**
 * The workers whose figures count in totals: every one still running. A stale report (a busy or
 * stuck process) is the newest figure there is and counts, marked; a gone process's does not.
 */
export function liveWorkers<W extends WorkerReport>(workers: readonly W[]): W[] {
  return workers.filter((w) => !w.gone);
}
