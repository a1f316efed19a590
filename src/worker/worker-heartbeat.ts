import { hostname } from 'node:os';
import type { Redis } from 'ioredis';

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

const TTL_SECONDS = 10;

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
      .set(this.#key, JSON.stringify({ host: hostname(), pid: process.pid, ...this.#info() }), 'EX', TTL_SECONDS)
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

/** Every live worker of a queue, as last reported. */
export async function readWorkerHeartbeats(redis: Redis, prefix: string, queue: string): Promise<WorkerInfo[]> {
  const index = indexKey(prefix, queue);
  const keys = await redis.smembers(index);
  if (keys.length === 0) return [];
  const values = await redis.mget(...keys);
  const expired = keys.filter((_, i) => values[i] === null);
  if (expired.length > 0) await redis.srem(index, ...expired).catch(() => undefined);
  return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as WorkerInfo);
}
