import { randomUUID } from 'node:crypto';
import type { Redis, Result } from 'ioredis';
import { decodeCarryRecord, encodeCarryRecord } from './carry-record.js';
import type { OrderFills } from './group-by-order.js';
import { decodeFill, encodeFill, type StagedFill } from './staged-fill.js';

/**
 * Stages fills in one call: ARGV = ttl, then per order: member, first-seen time, fill count, and
 * that many (trade id, encoded fill) pairs. HSET rewrites a repeated trade id with the same value;
 * ZADD NX keeps the earliest first-seen time of an order already pending.
 */
const STAGE_FILLS = `
local ttl, i = ARGV[1], 2
while i <= #ARGV do
  local member, seen, n = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  local key = KEYS[1] .. member
  redis.call('HSET', key, unpack(ARGV, i + 3, i + 2 + 2 * n))
  redis.call('EXPIRE', key, ttl)
  redis.call('ZADD', KEYS[2], 'NX', seen, member)
  i = i + 3 + 2 * n
end
return 1`;

/** A carry record: its value (with a TTL) and its index entry, in one call. */
const STAGE_CARRY = `
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
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
    tsOrderStageFills(fillsPrefix: string, pending: string, ...args: (string | number)[]): Result<number, Context>;
    tsOrderStageCarry(record: string, index: string, value: string, ttlSeconds: number, at: number, id: string): Result<number, Context>;
  }
}

export interface OrderStoreOptions {
  /** Key namespace, e.g. `<prefix>:<queue>:orders`. */
  readonly namespace: string;
  /** How long the fills of an open order are kept. */
  readonly fillTtlSeconds: number;
}

/** Fills of one order to stage, first seen at `firstSeen` (ms; now when absent). */
export interface OrderToStage extends OrderFills {
  readonly firstSeen?: number | undefined;
}

/** A batch record read back: its id, when it was written, and its fills by order. */
export interface StoredRecord {
  readonly id: string;
  readonly at: number;
  readonly fills: Map<string, StagedFill[]>;
}

/**
 * Order state staged in Redis: a hash of fills per open order (keyed by trade id, so duplicates
 * collapse), a `pending` sorted set by first-seen time, and an `incomplete` set with a running
 * total. Committed orders are deleted at once, so memory holds open orders only. Batch records
 * (one value per batch) hold fills a worker keeps in memory, for a crash: `whole` records the
 * orders complete in a small batch, `carry` records the fills of orders still open in a large one.
 */
export class OrderStore {
  readonly #redis: Redis;
  readonly #ns: string;
  readonly #fillTtlSeconds: number;

  constructor(redis: Redis, options: OrderStoreOptions) {
    if (!Object.hasOwn(redis, 'tsOrderMarkIncomplete')) {
      redis.defineCommand('tsOrderMarkIncomplete', { numberOfKeys: 3, lua: MARK_INCOMPLETE });
      redis.defineCommand('tsOrderStageFills', { numberOfKeys: 2, lua: STAGE_FILLS });
      redis.defineCommand('tsOrderStageCarry', { numberOfKeys: 2, lua: STAGE_CARRY });
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

  /** Batch records of whole orders by the time they were staged. */
  get #records(): string {
    return `${this.#ns}:whole-records`;
  }

  #carry(id: string): string {
    return `${this.#ns}:carry:${id}`;
  }

  /** Batch records of carried (open) orders by the time they were staged. Apart from `whole-records`: what they hold is not complete. */
  get #carryRecords(): string {
    return `${this.#ns}:carry-records`;
  }

  get #incompleteTotal(): string {
    return `${this.#ns}:incomplete-total`;
  }

  /**
   * Stages the fills with one script call per chunk of orders (HSET of each order's fills — a
   * repeated trade id rewrites the same value — EXPIRE, and ZADD NX into `pending` at the order's
   * first-seen time).
   */
  async stage(orders: readonly OrderToStage[], now = Date.now()): Promise<void> {
    let args: (string | number)[] = [];
    const flush = async () => {
      if (args.length > 0) await this.#redis.tsOrderStageFills(`${this.#ns}:fills:`, this.#pending, this.#fillTtlSeconds, ...args);
      args = [];
    };
    for (const { member, fills, firstSeen } of orders) {
      if (fills.length === 0) continue;
      args.push(member, firstSeen ?? now, fills.length);
      for (const f of fills) args.push(f.trade_id, encodeFill(f));
      if (args.length >= 4_000) await flush(); // keep each script call short: Redis runs it atomically
    }
    await flush();
  }

  /**
   * Stages the fills of orders that are whole within one batch as one batch record: one value
   * and one sorted-set entry, instead of a hash per order. Nothing merges into these orders
   * later; the record only has to outlive a crash until their rows are written. Returns its id.
   */
  async stageWhole(orders: readonly OrderFills[]): Promise<string> {
    const id = randomUUID();
    const results = await this.#redis.multi().set(this.#record(id), encodeRecord(orders), 'EX', this.#fillTtlSeconds).zadd(this.#records, Date.now(), id).exec();
    for (const [err] of results ?? []) if (err) throw err;
    return id;
  }

  /** Batch records staged before `before` (ms), oldest first, with their fills by order. An expired record has none. */
  wholeRecordsBefore(before: number, limit = 100): Promise<StoredRecord[]> {
    return this.#recordsBefore(this.#records, (id) => this.#record(id), decodeRecord, before, limit);
  }

  /** Drops batch records whose orders are written. */
  async dropWholeRecords(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const results = await this.#redis.multi().del(...ids.map((id) => this.#record(id))).zrem(this.#records, ...ids).exec();
    for (const [err] of results ?? []) if (err) throw err;
  }

  /**
   * Records the fills of orders a worker carries in memory to merge with later batches, as one
   * value under `id`, written at `at`: what a crash would otherwise lose once the batch's jobs
   * complete. The worker drops it once every order in it is written or staged per order.
   */
  async stageCarry(id: string, orders: readonly OrderFills[], at: number): Promise<void> {
    // A script, not MULTI: an ioredis pipeline copies every script defined on the connection (BullMQ's too) each time.
    await this.#redis.tsOrderStageCarry(this.#carry(id), this.#carryRecords, encodeCarryRecord(orders), this.#fillTtlSeconds, at, id);
  }

  /** Carry records written before `before` (ms), oldest first, with their fills by order. */
  carryRecordsBefore(before: number, limit = 100): Promise<StoredRecord[]> {
    return this.#recordsBefore(this.#carryRecords, (id) => this.#carry(id), decodeCarryRecord, before, limit);
  }

  /**
   * Drops carry records whose orders are all written or staged per order: values first, then
   * index entries (an entry left without its value by a crash reads as an empty record).
   */
  async dropCarryRecords(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.#redis.del(...ids.map((id) => this.#carry(id)));
    await this.#redis.zrem(this.#carryRecords, ...ids);
  }

  async #recordsBefore(index: string, key: (id: string) => string, decode: (value: string) => Map<string, StagedFill[]>, before: number, limit: number): Promise<StoredRecord[]> {
    const flat = await this.#redis.zrangebyscore(index, '-inf', `(${before}`, 'WITHSCORES', 'LIMIT', 0, limit);
    if (flat.length === 0) return [];
    const ids = flat.filter((_, i) => i % 2 === 0);
    const values = await this.#redis.mget(...ids.map(key));
    return ids.map((id, i) => ({ id, at: Number(flat[2 * i + 1]), fills: decode(values[i] ?? '[]') })); // an expired record reads as none
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

  /**
   * Forgets, of orders just written, those with state here. Staging puts an order's fills hash
   * and its `pending` entry in one script, and only markIncomplete (pending → incomplete) or
   * forget removes the entry, so an order in neither set has nothing staged. Most orders written
   * from memory never were, and a busy worker carries its open orders in memory, so both sets
   * are often small or empty: then reading them whole is cheaper than asking about each order
   * (ZMSCORE), which in turn is cheaper than deleting each order's keys blindly.
   */
  async forgetStaged(orders: readonly { readonly member: string }[]): Promise<void> {
    if (orders.length === 0) return;
    const [pending, incomplete] = await Promise.all([this.#redis.zcard(this.#pending), this.#redis.zcard(this.#incomplete)]); // no pipeline object: see stageCarry
    if (pending + incomplete === 0) return;
    const members = orders.map((o) => o.member); // only now: most of the time nothing is staged at all
    const staged = pending + incomplete <= members.length ? await this.#stagedAmongAll(members) : await this.#stagedAmong(members);
    await this.forget(staged);
  }

  /** Which members are in `pending` or `incomplete`, from both sets read whole. */
  async #stagedAmongAll(members: readonly string[]): Promise<string[]> {
    const [pending, incomplete] = await Promise.all([this.#redis.zrange(this.#pending, '0', '-1'), this.#redis.zrange(this.#incomplete, '0', '-1')]);
    const staged = new Set([...pending, ...incomplete]);
    return members.filter((m) => staged.has(m));
  }

  /** Which members are in `pending` or `incomplete`, asked member by member (ZMSCORE). */
  async #stagedAmong(members: readonly string[]): Promise<string[]> {
    const staged: string[] = [];
    for (let i = 0; i < members.length; i += 2_000) {
      const chunk = members.slice(i, i + 2_000);
      const [pending, incomplete] = await Promise.all([this.#redis.zmscore(this.#pending, ...chunk), this.#redis.zmscore(this.#incomplete, ...chunk)]);
      chunk.forEach((m, j) => {
        if (pending[j] != null || incomplete[j] != null) staged.push(m);
      });
    }
    return staged;
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

/** A batch record's value: [member, trade id, encoded fill] per fill, as JSON (safe for any text). */
function encodeRecord(orders: readonly OrderFills[]): string {
  const entries: [string, string, string][] = [];
  for (const { member, fills } of orders) for (const f of fills) entries.push([member, f.trade_id, encodeFill(f)]);
  return JSON.stringify(entries);
}

function decodeRecord(value: string): Map<string, StagedFill[]> {
  const fills = new Map<string, StagedFill[]>();
  for (const [member, tradeId, encoded] of JSON.parse(value) as [string, string, string][]) {
    let list = fills.get(member);
    if (list === undefined) fills.set(member, (list = []));
    list.push(decodeFill(tradeId, encoded));
  }
  return fills;
}
