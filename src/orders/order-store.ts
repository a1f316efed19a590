import { randomUUID } from 'node:crypto';
import type { Redis, Result } from 'ioredis';
import type { TradeRow } from '../sinks/trade-row.js';
import { decodeFill, encodeFill, orderMemberOf, type StagedFill } from './staged-fill.js';

/**
 * Stages a whole batch in one call: ARGV = now, ttl, then per order: member, fill count, and
 * that many (trade id, encoded fill) pairs. HSET rewrites a repeated trade id with the same value.
 */
const STAGE_BATCH = `
local now, ttl, i = ARGV[1], ARGV[2], 3
while i <= #ARGV do
  local member, n = ARGV[i], tonumber(ARGV[i + 1])
  local key = KEYS[1] .. member
  redis.call('HSET', key, unpack(ARGV, i + 2, i + 1 + 2 * n))
  redis.call('EXPIRE', key, ttl)
  redis.call('ZADD', KEYS[2], 'NX', now, member)
  i = i + 2 + 2 * n
end
return 1`;

/** An order was committed as incomplete: out of `pending`, into `incomplete`, counted once; fills kept for a late final fill. */
const MARK_INCOMPLETE = `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then
  redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
  redis.call('INCR', KEYS[3])
end
return 1`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    tsOrderMarkIncomplete(pending: string, incomplete: string, total: string, member: string, now: number): Result<number, Context>;
    tsOrderStageBatch(fillsPrefix: string, pending: string, ...args: (string | number)[]): Result<number, Context>;
  }
}

export interface OrderStoreOptions {
  /** Key namespace, e.g. `<prefix>:<queue>:orders`. */
  readonly namespace: string;
  /** How long the fills of an open order are kept. */
  readonly fillTtlSeconds: number;
}

/**
 * Order state staged in Redis: a hash of fills per open order (keyed by trade id, so duplicates
 * collapse), a `pending` sorted set by first-seen time, and an `incomplete` set with a running
 * total. Committed orders are deleted at once, so memory holds open orders only.
 */
export class OrderStore {
  readonly #redis: Redis;
  readonly #ns: string;
  readonly #fillTtlSeconds: number;

  constructor(redis: Redis, options: OrderStoreOptions) {
    if (!Object.hasOwn(redis, 'tsOrderMarkIncomplete')) {
      redis.defineCommand('tsOrderMarkIncomplete', { numberOfKeys: 3, lua: MARK_INCOMPLETE });
      redis.defineCommand('tsOrderStageBatch', { numberOfKeys: 2, lua: STAGE_BATCH });
    }
    this.#redis = redis;
    this.#ns = options.namespace;
    this.#fillTtlSeconds = options.fillTtlSeconds;
  }

  #fills(member: string): string {
    return `${this.#ns}:fills:${member}`;
  }

  get #pending(): string {
    return `${this.#ns}:pending`;
  }

  get #incomplete(): string {
    return `${this.#ns}:incomplete`;
  }

  #record(id: string): string {
    return `${this.#ns}:whole:${id}`;
  }

  /** Batch records by the time they were staged. */
  get #records(): string {
    return `${this.#ns}:whole-records`;
  }

  get #incompleteTotal(): string {
    return `${this.#ns}:incomplete-total`;
  }

  /**
   * Stages the fills with one script call per chunk of orders (HSET of each order's fills — a
   * repeated trade id rewrites the same value — EXPIRE, and ZADD NX into `pending`).
   */
  async stage(rows: readonly TradeRow[]): Promise<void> {
    if (rows.length === 0) return;
    const byOrder = new Map<string, string[]>();
    for (const { trade } of rows) {
      const member = orderMemberOf(trade);
      let fields = byOrder.get(member);
      if (fields === undefined) byOrder.set(member, (fields = []));
      fields.push(trade.trade_id, encodeFill(trade));
    }
    const now = Date.now();
    let args: (string | number)[] = [];
    const flush = async () => {
      if (args.length > 0) await this.#redis.tsOrderStageBatch(`${this.#ns}:fills:`, this.#pending, now, this.#fillTtlSeconds, ...args);
      args = [];
    };
    for (const [member, fields] of byOrder) {
      args.push(member, fields.length / 2, ...fields);
      if (args.length >= 4_000) await flush(); // keep each script call short: Redis runs it atomically
    }
    await flush();
  }

  /**
   * Stages the fills of orders that are whole within one batch as one batch record: one value
   * and one sorted-set entry, instead of a hash per order. Nothing merges into these orders
   * later; the record only has to outlive a crash until their rows are written. Returns its id.
   */
  async stageWhole(rows: readonly TradeRow[]): Promise<string> {
    const id = randomUUID();
    const value = JSON.stringify(rows.map(({ trade }) => [orderMemberOf(trade), trade.trade_id, encodeFill(trade)]));
    const results = await this.#redis.multi().set(this.#record(id), value, 'EX', this.#fillTtlSeconds).zadd(this.#records, Date.now(), id).exec();
    for (const [err] of results ?? []) if (err) throw err;
    return id;
  }

  /** Batch records staged before `before` (ms), oldest first, with their fills by order. An expired record has none. */
  async wholeRecordsBefore(before: number, limit = 100): Promise<{ id: string; fills: Map<string, StagedFill[]> }[]> {
    const ids = await this.#redis.zrangebyscore(this.#records, '-inf', `(${before}`, 'LIMIT', 0, limit);
    if (ids.length === 0) return [];
    const values = await this.#redis.mget(...ids.map((id) => this.#record(id)));
    return ids.map((id, i) => {
      const fills = new Map<string, StagedFill[]>();
      for (const [member, tradeId, encoded] of JSON.parse(values[i] ?? '[]') as [string, string, string][]) {
        let list = fills.get(member);
        if (list === undefined) fills.set(member, (list = []));
        list.push(decodeFill(tradeId, encoded));
      }
      return { id, fills };
    });
  }

  /** Drops batch records whose orders are written. */
  async dropWholeRecords(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const results = await this.#redis.multi().del(...ids.map((id) => this.#record(id))).zrem(this.#records, ...ids).exec();
    for (const [err] of results ?? []) if (err) throw err;
  }

  /** Fills seen so far for each order (orders with none are left out). */
  async load(members: readonly string[]): Promise<Map<string, StagedFill[]>> {
    const pipeline = this.#redis.pipeline();
    for (const m of members) pipeline.hgetall(this.#fills(m));
    const out = new Map<string, StagedFill[]>();
    ((await pipeline.exec()) ?? []).forEach(([err, hash], i) => {
      if (err) throw err;
      const fills = Object.entries(hash as Record<string, string>).map(([id, encoded]) => decodeFill(id, encoded));
      if (fills.length > 0) out.set(members[i] as string, fills);
    });
    return out;
  }

  /** Forgets committed (or already committed elsewhere) orders entirely. */
  async forget(members: readonly string[]): Promise<void> {
    if (members.length === 0) return;
    const pipeline = this.#redis.pipeline();
    // One DEL per 1,000 orders, not one per order (every key is under the prefix, so one hash slot on a cluster).
    for (let i = 0; i < members.length; i += 1_000) pipeline.del(...members.slice(i, i + 1_000).map((m) => this.#fills(m)));
    pipeline.zrem(this.#pending, ...members);
    pipeline.zrem(this.#incomplete, ...members);
    for (const [err] of (await pipeline.exec()) ?? []) if (err) throw err;
  }

  async markIncomplete(members: readonly string[]): Promise<void> {
    const pipeline = this.#redis.pipeline();
    const now = Date.now();
    for (const m of members) pipeline.tsOrderMarkIncomplete(this.#pending, this.#incomplete, this.#incompleteTotal, m, now);
    for (const [err] of (await pipeline.exec()) ?? []) if (err) throw err;
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
