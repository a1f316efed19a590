import type { RedisClient } from '../../queues/redis-connection.js';
import { RedisUnavailableError } from '../errors/index.js';

export interface NonceRef {
  readonly kid: string;
  readonly nonce: string;
}

/**
 * Nonces seen per key id, in Redis: `SET key 1 NX EX ttl` claims one (the TTL is at least twice
 * the replay window, so an envelope can never be replayed while its timestamp is still valid).
 * One pipeline per request; keys live under `<prefix>:ingest:<queue>:nonce:<kid>:<nonce>`.
 */
export class NonceStore {
  readonly #redis: RedisClient;
  readonly #base: string;
  readonly #ttlSeconds: number;

  constructor(redis: RedisClient, prefix: string, queue: string, ttlSeconds: number) {
    this.#redis = redis;
    this.#base = `${prefix}:ingest:${queue}:nonce:`;
    this.#ttlSeconds = ttlSeconds;
  }

  #key(ref: NonceRef): string {
    return `${this.#base}${ref.kid}:${ref.nonce}`;
  }

  /** Claims every nonce in one round trip; `true` where it was new (in order, so a repeat within the list is `false`). */
  async claim(refs: readonly NonceRef[]): Promise<boolean[]> {
    if (refs.length === 0) return [];
    const pipeline = this.#redis.pipeline();
    for (const ref of refs) pipeline.set(this.#key(ref), '1', 'EX', this.#ttlSeconds, 'NX');
    const replies = await pipeline.exec();
    if (replies === null) throw new RedisUnavailableError('(ingest nonce store)', new Error('pipeline was discarded'));
    return replies.map(([err, reply]) => {
      if (err) throw new RedisUnavailableError('(ingest nonce store)', err);
      return reply === 'OK';
    });
  }

  /** Forgets claimed nonces of envelopes that were not enqueued after all, so the same envelope may be sent again. */
  async release(refs: readonly NonceRef[]): Promise<void> {
    if (refs.length === 0) return;
    await this.#redis.del(...refs.map((ref) => this.#key(ref)));
  }
}
