import { createHash } from 'node:crypto';
import { execAll } from '../../queues/exec-all.js';
import type { RedisClient } from '../../queues/redis-connection.js';

/** Whether a login may be tried now; when not, how long to wait. */
export type LoginAllowance = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

/**
 * Failed logins counted in Redis per user name and per client address within a window; at
 * `maxFailures` either one blocks further tries (even with the right password) until the window
 * ends. A success clears the user's count.
 */
export class LoginRateLimiter {
  readonly #redis: RedisClient;
  readonly #prefix: string;
  readonly #max: number;
  readonly #windowMs: number;

  constructor(redis: RedisClient, keyPrefix: string, maxFailures: number, windowMs: number) {
    this.#redis = redis;
    this.#prefix = `${keyPrefix}:dashboard:login-failures:`;
    this.#max = maxFailures;
    this.#windowMs = windowMs;
  }

  #keys(user: string, ip: string): [string, string] {
    const h = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);
    return [`${this.#prefix}user:${h(user)}`, `${this.#prefix}ip:${h(ip)}`];
  }

  async check(user: string, ip: string): Promise<LoginAllowance> {
    const keys = this.#keys(user, ip);
    const counts = await this.#redis.mget(...keys);
    const blocked = keys.filter((_, i) => Number(counts[i] ?? 0) >= this.#max);
    if (blocked.length === 0) return { allowed: true };
    const ttls = await Promise.all(blocked.map((k) => this.#redis.pttl(k)));
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(Math.max(...ttls) / 1000)) };
  }

  async failed(user: string, ip: string): Promise<void> {
    const pipeline = this.#redis.pipeline();
    for (const key of this.#keys(user, ip)) {
      pipeline.incr(key);
      pipeline.pexpire(key, this.#windowMs, 'NX');
    }
    await execAll(pipeline);
  }

  async succeeded(user: string, ip: string): Promise<void> {
    await this.#redis.del(this.#keys(user, ip)[0]);
  }
}
