import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { processAlive } from '../lifecycle/process-alive.js';

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

function keyPrefix(prefix: string, queue: string): string {
  return `${prefix}:${queue}:workers:`;
}

/** A set of every heartbeat key, so readers need no SCAN over the whole keyspace. */
function indexKey(prefix: string, queue: string): string {
  return `${prefix}:${queue}:worker-index`;
}

/** Writes this process's WorkerInfo to Redis (expiring) until stopped; stop deletes it. */
export class WorkerHeartbeat {
  readonly #redis: Redis;
  readonly #key: string;
  readonly #index: string;
  readonly #info: () => Omit<WorkerInfo, 'host' | 'pid'>;
  #timer: NodeJS.Timeout | undefined;

  constructor(redis: Redis, prefix: string, queue: string, info: () => Omit<WorkerInfo, 'host' | 'pid'>, intervalMs = 2_000) {
    this.#redis = redis;
    this.#key = `${keyPrefix(prefix, queue)}${hostname()}:${process.pid}`;
    this.#index = indexKey(prefix, queue);
    this.#info = info;
    this.#timer = setInterval(() => void this.beat(), intervalMs);
    this.#timer.unref();
  }

  async beat(): Promise<void> {
    await this.#redis
      .multi()
      .set(this.#key, JSON.stringify({ host: hostname(), pid: process.pid, ...this.#info(), beatAt: new Date().toISOString() }), 'EX', TTL_SECONDS)
      .sadd(this.#index, this.#key)
      .exec()
      .catch(() => undefined);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#redis.multi().del(this.#key).srem(this.#index, this.#key).exec().catch(() => undefined);
  }
}

/**
 * Every worker of a queue whose heartbeat has not expired, as last reported, with its age: a
 * heartbeat older than STALE_AFTER_MS is marked stale, and one of a process on this host that no
 * longer runs is marked gone (readers leave gone ones out of totals).
 */
export async function readWorkerHeartbeats(redis: Redis, prefix: string, queue: string, now = Date.now()): Promise<WorkerReport[]> {
  const index = indexKey(prefix, queue);
  const keys = await redis.smembers(index);
  if (keys.length === 0) return [];
  const values = await redis.mget(...keys);
  const expired = keys.filter((_, i) => values[i] === null);
  if (expired.length > 0) await redis.srem(index, ...expired).catch(() => undefined);
  const here = hostname();
  return values
    .filter((v): v is string => v !== null)
    .map((v) => {
      const info = JSON.parse(v) as WorkerInfo & { beatAt?: string };
      const beatAt = info.beatAt ?? info.startedAt;
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
