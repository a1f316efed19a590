import { createHash, randomBytes } from 'node:crypto';
import type { RedisClient } from '../../queues/redis-connection.js';
import type { DashboardRole } from '../../src/config/index.js';

export interface Session {
  readonly user: string;
  readonly role: DashboardRole;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** Where sessions live; Redis, so several dashboard instances share them and they expire on their own. */
export interface SessionStore {
  /** Creates a session and returns its id (the cookie value). */
  create(user: string, role: DashboardRole): Promise<string>;
  get(id: string): Promise<Session | undefined>;
  destroy(id: string): Promise<void>;
}

const ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * Sessions in Redis under the SHA-256 of their id (so a Redis dump holds no usable cookie),
 * expiring after `ttlMs` from login (absolute, not sliding).
 */
export class RedisSessionStore implements SessionStore {
  readonly #redis: RedisClient;
  readonly #prefix: string;
  readonly #ttlMs: number;

  constructor(redis: RedisClient, keyPrefix: string, ttlMs: number) {
    this.#redis = redis;
    this.#prefix = `${keyPrefix}:dashboard:session:`;
    this.#ttlMs = ttlMs;
  }

  #key(id: string): string {
    return this.#prefix + createHash('sha256').update(id).digest('hex');
  }

  async create(user: string, role: DashboardRole): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    const now = Date.now();
    const session: Session = { user, role, createdAt: now, expiresAt: now + this.#ttlMs };
    await this.#redis.set(this.#key(id), JSON.stringify(session), 'PX', this.#ttlMs);
    return id;
  }

  async get(id: string): Promise<Session | undefined> {
    if (!ID.test(id)) return undefined;
    const raw = await this.#redis.get(this.#key(id));
    if (raw === null) return undefined;
    const session = JSON.parse(raw) as Session;
    return session.expiresAt > Date.now() && (session.role === 'viewer' || session.role === 'operator') ? session : undefined;
  }

  async destroy(id: string): Promise<void> {
    if (ID.test(id)) await this.#redis.del(this.#key(id));
  }
}
