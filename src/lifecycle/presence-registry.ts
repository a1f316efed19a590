import { execAll } from '../../queues/exec-all.js';
import type { RedisClient } from '../../queues/redis-connection.js';

/**
 * Who is alive, for status pages: each member (a worker or supervisor process) publishes its
 * latest report as a JSON value with a TTL, listed in a set index; a member that stops publishing
 * drops out when its value expires (and readers prune it from the index). Both keys of a write
 * share the caller's namespace, so one MULTI touches one Redis Cluster slot when that namespace
 * carries a hash tag. Used for worker heartbeats and supervisor status alike.
 */
export class PresenceRegistry<T> {
  readonly #redis: RedisClient;
  readonly #index: string;
  readonly #memberPrefix: string;
  readonly #ttlSeconds: number;

  /** Keys: the set `index`, and `memberPrefix + member` for each member's report. */
  constructor(redis: RedisClient, keys: { readonly index: string; readonly memberPrefix: string }, ttlSeconds = 10) {
    this.#redis = redis;
    this.#index = keys.index;
    this.#memberPrefix = keys.memberPrefix;
    this.#ttlSeconds = ttlSeconds;
  }

  async publish(member: string, report: T): Promise<void> {
    const key = this.#memberPrefix + member;
    await execAll(this.#redis.multi().set(key, JSON.stringify(report), 'EX', this.#ttlSeconds).sadd(this.#index, key));
  }

  async remove(member: string): Promise<void> {
    const key = this.#memberPrefix + member;
    await execAll(this.#redis.multi().del(key).srem(this.#index, key));
  }

  /** Every member's latest report that has not expired; expired members are pruned from the index. */
  async readAll(): Promise<T[]> {
    const keys = await this.#redis.smembers(this.#index);
    if (keys.length === 0) return [];
    const values = await this.#redis.mget(...keys);
    const expired = keys.filter((_, i) => values[i] === null);
    if (expired.length > 0) await this.#redis.srem(this.#index, ...expired).catch(() => undefined);
    return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as T);
  }
}
