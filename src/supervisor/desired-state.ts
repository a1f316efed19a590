import { execAll } from '../../queues/exec-all.js';
import type { RedisClient } from '../../queues/redis-connection.js';

/** Redis keys of one pipeline's supervisor state, under the layout's global state name (`trades`, or `{trades}` when tagged), so pipelines never mix. */
export function supervisorKeys(prefix: string, stateName: string) {
  const base = `${prefix}:${stateName}:supervisor`;
  return {
    /** Hash: queue → worker processes each supervisor host runs. */
    desired: `${base}:desired`,
    /** Counter: bumped by `restart --rolling`; supervisors replace processes of older generations. */
    generation: `${base}:generation`,
    /** One expiring JSON status per live supervisor: `…:hosts:<host>:<pid>`. */
    hostPrefix: `${base}:hosts:`,
  };
}

/**
 * The desired number of worker processes per scalable unit (src/supervisor/scalable-units.ts: a
 * partition's sinks, `trades.3`, or the DLQ's redrive workers), shared in Redis by the ops page,
 * `trade-sync scale` and every supervisor, under the layout's global state name. The number is
 * per supervisor host: with three hosts and `trades.3 = 2`, six sink processes take partition 3.
 */
export class DesiredState {
  readonly #redis: RedisClient;
  readonly #keys: ReturnType<typeof supervisorKeys>;

  constructor(redis: RedisClient, prefix: string, stateName: string) {
    this.#redis = redis;
    this.#keys = supervisorKeys(prefix, stateName);
  }

  /** Stores `defaults` for queues that have no desired number yet (a running setup keeps its own). */
  async seed(defaults: Readonly<Record<string, number>>): Promise<void> {
    const pipeline = this.#redis.pipeline();
    for (const [queue, count] of Object.entries(defaults)) pipeline.hsetnx(this.#keys.desired, queue, String(count));
    await execAll(pipeline);
  }

  async get(): Promise<Record<string, number>> {
    const raw = await this.#redis.hgetall(this.#keys.desired);
    return Object.fromEntries(Object.entries(raw).map(([q, n]) => [q, Math.max(0, Number(n) || 0)]));
  }

  /** Sets several units (e.g. every partition of the trades queue) at once, in one HSET. */
  async setMany(queues: readonly string[], count: number): Promise<void> {
    if (queues.length === 0) return;
    await this.#redis.hset(this.#keys.desired, Object.fromEntries(queues.map((q) => [q, String(count)])));
  }

  async generation(): Promise<number> {
    return Number((await this.#redis.get(this.#keys.generation)) ?? 0);
  }

  /** Asks every supervisor for a rolling restart; returns the generation they will reach. */
  async requestRollingRestart(): Promise<number> {
    return this.#redis.incr(this.#keys.generation);
  }
}
