import type { Redis, Result } from 'ioredis';
import type { TradeRow } from '../sinks/trade-row.js';
import { decodeFill, encodeFill, orderMemberOf, type StagedFill } from './staged-fill.js';

/** Stages a fill unless the order is already done; the order joins `pending` with its first-seen time. */
const STAGE = `
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('ZADD', KEYS[2], 'NX', ARGV[4], ARGV[3])
return 1`;

/** A complete order was committed: remember it as done, forget its fills. */
const FINISH = `
redis.call('SET', KEYS[3], '1', 'EX', ARGV[2])
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
return 1`;

/** An order was committed as incomplete: out of `pending`, into `incomplete`, fills kept for a late final fill. */
const MARK_INCOMPLETE = `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then
  redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
  redis.call('INCR', KEYS[3])
end
return 1`;

export interface OrderStoreOptions {
  /** Key namespace, e.g. `<prefix>:<queue>:orders`. */
  readonly namespace: string;
  /** How long fills of an open order are kept. */
  readonly fillTtlSeconds: number;
  /** How long a committed order stays "done" (late duplicates are ignored meanwhile). */
  readonly doneTtlSeconds: number;
}

declare module 'ioredis' {
  interface RedisCommander<Context> {
    tsOrderStage(fills: string, pending: string, done: string, tradeId: string, fill: string, member: string, now: number, ttl: number): Result<number, Context>;
    tsOrderFinish(fills: string, pending: string, done: string, incomplete: string, member: string, ttl: number): Result<number, Context>;
    tsOrderMarkIncomplete(pending: string, incomplete: string, total: string, member: string, now: number): Result<number, Context>;
  }
}

/**
 * Order state staged in Redis: a hash of fills per order (keyed by trade id, so duplicates
 * collapse), a `pending` sorted set by first-seen time, `done` markers, and an `incomplete`
 * set with a running total. Every change is one atomic script.
 */
export class OrderStore {
  readonly #redis: Redis;
  readonly #ns: string;
  readonly #options: OrderStoreOptions;

  constructor(redis: Redis, options: OrderStoreOptions) {
    if (!Object.hasOwn(redis, 'tsOrderStage')) {
      redis.defineCommand('tsOrderStage', { numberOfKeys: 3, lua: STAGE });
      redis.defineCommand('tsOrderFinish', { numberOfKeys: 4, lua: FINISH });
      redis.defineCommand('tsOrderMarkIncomplete', { numberOfKeys: 3, lua: MARK_INCOMPLETE });
    }
    this.#redis = redis;
    this.#ns = options.namespace;
    this.#options = options;
  }

  #fills(member: string): string {
    return `${this.#ns}:fills:${member}`;
  }

  #done(member: string): string {
    return `${this.#ns}:done:${member}`;
  }

  get #pending(): string {
    return `${this.#ns}:pending`;
  }

  get #incomplete(): string {
    return `${this.#ns}:incomplete`;
  }

  get #incompleteTotal(): string {
    return `${this.#ns}:incomplete-total`;
  }

  /** Stages the fills (one pipeline); returns the orders touched that are not done yet. */
  async stage(rows: readonly TradeRow[]): Promise<string[]> {
    if (rows.length === 0) return [];
    const now = Date.now();
    const pipeline = this.#redis.pipeline();
    const members = rows.map((r) => orderMemberOf(r.trade));
    rows.forEach((r, i) => {
      const member = members[i] as string;
      pipeline.tsOrderStage(this.#fills(member), this.#pending, this.#done(member), r.trade.trade_id, encodeFill(r.trade), member, now, this.#options.fillTtlSeconds);
    });
    const results = await pipeline.exec();
    const touched = new Set<string>();
    results?.forEach(([err, staged], i) => {
      if (err) throw err;
      if (staged === 1) touched.add(members[i] as string);
    });
    return [...touched];
  }

  /** Fills seen so far for each order. */
  async load(members: readonly string[]): Promise<Map<string, StagedFill[]>> {
    const pipeline = this.#redis.pipeline();
    for (const m of members) pipeline.hgetall(this.#fills(m));
    const results = (await pipeline.exec()) ?? [];
    const out = new Map<string, StagedFill[]>();
    results.forEach(([err, hash], i) => {
      if (err) throw err;
      const fills = Object.entries(hash as Record<string, string>).map(([id, encoded]) => decodeFill(id, encoded));
      if (fills.length > 0) out.set(members[i] as string, fills);
    });
    return out;
  }

  async finish(members: readonly string[]): Promise<void> {
    const pipeline = this.#redis.pipeline();
    for (const m of members) pipeline.tsOrderFinish(this.#fills(m), this.#pending, this.#done(m), this.#incomplete, m, this.#options.doneTtlSeconds);
    await pipeline.exec();
  }

  async markIncomplete(members: readonly string[]): Promise<void> {
    const pipeline = this.#redis.pipeline();
    const now = Date.now();
    for (const m of members) pipeline.tsOrderMarkIncomplete(this.#pending, this.#incomplete, this.#incompleteTotal, m, now);
    await pipeline.exec();
  }

  /** Pending orders first seen before `before` (ms), oldest first. */
  async pendingBefore(before: number, limit = 1_000): Promise<{ member: string; firstSeen: number }[]> {
    const flat = await this.#redis.zrangebyscore(this.#pending, '-inf', `(${before}`, 'WITHSCORES', 'LIMIT', 0, limit);
    const out: { member: string; firstSeen: number }[] = [];
    for (let i = 0; i < flat.length; i += 2) out.push({ member: flat[i] as string, firstSeen: Number(flat[i + 1]) });
    return out;
  }

  /** Orders waiting, orders committed as incomplete (still open), and incomplete commits in all. */
  async counts(): Promise<{ pending: number; incomplete: number; incompleteTotal: number }> {
    const [pending, incomplete, total] = await Promise.all([
      this.#redis.zcard(this.#pending),
      this.#redis.zcard(this.#incomplete),
      this.#redis.get(this.#incompleteTotal),
    ]);
    return { pending, incomplete, incompleteTotal: Number(total ?? 0) };
  }
}
