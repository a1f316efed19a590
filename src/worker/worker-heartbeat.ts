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

/** Writes this process's WorkerInfo to Redis (expiring) until stopped; stop deletes it. */
export class WorkerHeartbeat {
  readonly #redis: Redis;
  readonly #key: string;
  readonly #info: () => Omit<WorkerInfo, 'host' | 'pid'>;
  #timer: NodeJS.Timeout | undefined;

  constructor(redis: Redis, prefix: string, queue: string, info: () => Omit<WorkerInfo, 'host' | 'pid'>, intervalMs = 2_000) {
    this.#redis = redis;
    this.#key = `${keyPrefix(prefix, queue)}${hostname()}:${process.pid}`;
    this.#info = info;
    this.#timer = setInterval(() => void this.beat(), intervalMs);
    this.#timer.unref();
  }

  async beat(): Promise<void> {
    await this.#redis.set(this.#key, JSON.stringify({ host: hostname(), pid: process.pid, ...this.#info() }), 'EX', TTL_SECONDS).catch(() => undefined);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#redis.del(this.#key).catch(() => undefined);
  }
}

/** Every live worker of a queue, as last reported. */
export async function readWorkerHeartbeats(redis: Redis, prefix: string, queue: string): Promise<WorkerInfo[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${keyPrefix(prefix, queue)}*`, 'COUNT', 200);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  if (keys.length === 0) return [];
  const values = await redis.mget(...keys);
  return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as WorkerInfo);
}
