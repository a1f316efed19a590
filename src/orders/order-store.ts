import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../../queues/redis-connection.js';
import { decodeFill, decodeRecord, encodeFill, encodeRecord, type OrderFills } from './fill-encoding.js';
import { defineOrdersScripts } from './lua-scripts.js';
import { isTerminalFill, type OrderFill } from './order-fill.js';

export interface OrderStoreOptions {
  /** Key namespace, e.g. `<prefix>:<queue>:orders`; on Redis Cluster it must hold a hash tag (every key of the orders is in one slot). */
  readonly namespace: string;
  /** How long the fills of an open order, and a batch record, are kept. */
  readonly fillTtlSeconds: number;
}

/** Fills of one order to stage, first seen at `firstSeen` (ms). */
export interface OrderToStage extends OrderFills {
  readonly firstSeen: number;
}

/** A batch record read back: its id, when it was written, and its fills by order. */
export interface StoredRecord {
  readonly id: string;
  readonly at: number;
  readonly fills: Map<string, OrderFill[]>;
}

/** Arguments per script call, at most: Redis runs a script atomically, so each stays short. */
const ARGS_PER_CALL = 4_000;

/** Orders per forget/park/load call (one key each). */
const KEYS_PER_CALL = 1_000;

/**
 * The orders' state in Redis (see src/orders/README.md). Every method is one Redis call (a
 * script with every key declared, or one command), so a failure leaves either all of a call's
 * effect or none, and a test can inject a failure at each call. Keys, under the namespace:
 * `fills:<member>` (hash: trade id → fill), `pending` (first-seen ms), `ended` (terminal fill
 * staged; score = when due, +inf = parked), `incomplete` and `incomplete-total`, `batch:<id>`
 * and `batches` (batch records and their index by write time).
 */
export class OrderStore {
  readonly #redis: RedisClient;
  readonly #ns: string;
  readonly #ttl: number;

  constructor(redis: RedisClient, options: OrderStoreOptions) {
    defineOrdersScripts(redis);
    this.#redis = redis;
    this.#ns = options.namespace;
    this.#ttl = options.fillTtlSeconds;
  }

  /** The key of a name under the namespace. */
  key(name: string): string {
    return `${this.#ns}:${name}`;
  }

  #fills(member: string): string {
    return `${this.#ns}:fills:${member}`;
  }

  /**
   * Stages orders' fills per order (one script call per few thousand arguments). Returns, with
   * their staged fills, the orders whose terminal fill is now staged: they are due for a commit.
   */
  async stage(orders: readonly OrderToStage[], now: number): Promise<Map<string, OrderFill[]>> {
    const due = new Map<string, OrderFill[]>();
    let keys: string[] = [];
    let args: (string | number)[] = [];
    const flush = async () => {
      if (keys.length === 0) return;
      const staged = await this.#redis.tsOrdersStage(2 + keys.length, this.key('pending'), this.key('ended'), ...keys, this.#ttl, now, ...args);
      for (const [member, hash] of staged) due.set(member, decodeHash(hash));
      keys = [];
      args = [];
    };
    for (const { member, fills, firstSeen } of orders) {
      if (fills.length === 0) continue;
      keys.push(this.#fills(member));
      args.push(member, firstSeen, fills.some(isTerminal) ? 1 : 0, fills.length);
      for (const f of fills) args.push(f.trade_id, encodeFill(f));
      if (args.length >= ARGS_PER_CALL) await flush();
    }
    await flush();
    return due;
  }

  /** Staged fills of orders (those with none are left out), and how many hash fields each had. */
  async load(members: readonly string[]): Promise<Map<string, { fills: OrderFill[]; fields: number }>> {
    const out = new Map<string, { fills: OrderFill[]; fields: number }>();
    for (let i = 0; i < members.length; i += KEYS_PER_CALL) {
      const chunk = members.slice(i, i + KEYS_PER_CALL);
      const hashes = await this.#redis.tsOrdersLoad(chunk.length, ...chunk.map((m) => this.#fills(m)));
      hashes.forEach((hash, j) => {
        if (hash.length > 0) out.set(chunk[j] as string, { fills: decodeHash(hash), fields: hash.length / 2 });
      });
    }
    return out;
  }

  /** Due orders found incomplete (a fill is missing) are parked, and entries without fills dropped, unless a fill was staged since they were loaded. */
  async park(orders: readonly { member: string; fields: number }[]): Promise<void> {
    for (let i = 0; i < orders.length; i += KEYS_PER_CALL) {
      const chunk = orders.slice(i, i + KEYS_PER_CALL);
      await this.#redis.tsOrdersPark(2 + chunk.length, this.key('ended'), this.key('pending'), ...chunk.map((o) => this.#fills(o.member)), ...chunk.flatMap((o) => [o.member, o.fields]));
    }
  }

  /** Forgets written orders entirely. */
  async forget(members: readonly string[]): Promise<void> {
    for (let i = 0; i < members.length; i += KEYS_PER_CALL) {
      const chunk = members.slice(i, i + KEYS_PER_CALL);
      await this.#redis.tsOrdersForget(3 + chunk.length, this.key('pending'), this.key('incomplete'), this.key('ended'), ...chunk.map((m) => this.#fills(m)), ...chunk);
    }
  }

  /**
   * Of orders just written from memory, forgets those with state staged (an earlier delivery of
   * their fills). Most orders written from memory never were, so both sets are usually empty:
   * then one call tells so, and no order is asked about.
   */
  async forgetStaged(orders: readonly { readonly member: string }[]): Promise<void> {
    if (orders.length === 0) return;
    const { pending, incomplete } = await this.counts();
    if (pending + incomplete === 0) return;
    const members = orders.map((o) => o.member); // only now: usually nothing is staged at all
    const staged: string[] = [];
    for (let i = 0; i < members.length; i += ARGS_PER_CALL) {
      const chunk = members.slice(i, i + ARGS_PER_CALL);
      staged.push(...(await this.#redis.tsOrdersStagedAmong(2, this.key('pending'), this.key('incomplete'), ...chunk)));
    }
    await this.forget(staged);
  }

  /** Orders committed as incomplete: out of `pending`, into `incomplete`, counted once (their fills stay for a late fill). */
  async markIncomplete(members: readonly string[], now: number): Promise<void> {
    for (let i = 0; i < members.length; i += ARGS_PER_CALL) {
      await this.#redis.tsOrdersMarkIncomplete(3, this.key('pending'), this.key('incomplete'), this.key('incomplete-total'), now, ...members.slice(i, i + ARGS_PER_CALL));
    }
  }

  /** Pending orders first seen before `before` (ms), oldest first. */
  pendingBefore(before: number, limit: number, offset = 0): Promise<string[]> {
    return this.#redis.zrangebyscore(this.key('pending'), '-inf', before === Infinity ? '+inf' : `(${before}`, 'LIMIT', offset, limit);
  }

  /** Orders due (terminal fill staged, not written) since before `before` (ms), oldest first. */
  dueBefore(before: number, limit: number): Promise<string[]> {
    return this.#redis.zrangebyscore(this.key('ended'), '-inf', `(${before}`, 'LIMIT', 0, limit);
  }

  /** Writes a batch record of fills this worker holds in memory (for a crash); returns its id. */
  async writeRecord(orders: readonly OrderFills[], at: number): Promise<string> {
    const id = randomUUID();
    await this.#redis.tsOrdersWriteRecord(2, this.key(`batch:${id}`), this.key('batches'), encodeRecord(orders), this.#ttl, at, id);
    return id;
  }

  /** Ids of batch records written before `before` (ms), oldest first, with their write times. */
  async recordsBefore(before: number, limit: number, index = 'batches'): Promise<{ id: string; at: number }[]> {
    const flat = await this.#redis.zrangebyscore(this.key(index), '-inf', `(${before}`, 'WITHSCORES', 'LIMIT', 0, limit);
    const out: { id: string; at: number }[] = [];
    for (let i = 0; i < flat.length; i += 2) out.push({ id: flat[i] as string, at: Number(flat[i + 1]) });
    return out;
  }

  /** Values of records (null once expired or dropped), by their keys. */
  async readRecords(keys: readonly string[]): Promise<(string | null)[]> {
    return keys.length === 0 ? [] : this.#redis.mget(...keys);
  }

  /** The batch records of these entries, decoded. */
  async readBatchRecords(entries: readonly { id: string; at: number }[]): Promise<StoredRecord[]> {
    const values = await this.readRecords(entries.map((e) => this.key(`batch:${e.id}`)));
    return entries.map((e, i) => ({ ...e, fills: decodeRecord(values[i] ?? '') }));
  }

  /** Drops records (value and index entry) by id. */
  async dropRecords(ids: readonly string[], index = 'batches', prefix = 'batch:'): Promise<void> {
    if (ids.length === 0) return;
    await this.#redis.tsOrdersDropRecords(1 + ids.length, this.key(index), ...ids.map((id) => this.key(`${prefix}${id}`)), ...ids);
  }

  /** Orders waiting, orders committed as incomplete (still open), and incomplete commits in all. */
  async counts(): Promise<{ pending: number; incomplete: number; incompleteTotal: number }> {
    const [pending, incomplete, incompleteTotal] = await this.#redis.tsOrdersCounts(3, this.key('pending'), this.key('incomplete'), this.key('incomplete-total'));
    return { pending, incomplete, incompleteTotal };
  }
}

function isTerminal(f: OrderFill): boolean {
  return isTerminalFill(f.order_status, f.cum_qty, f.order_qty);
}

/** An HGETALL reply (field, value, …) as fills. */
function decodeHash(hash: readonly string[]): OrderFill[] {
  const fills: OrderFill[] = [];
  for (let i = 0; i < hash.length; i += 2) fills.push(decodeFill(hash[i] as string, hash[i + 1] as string));
  return fills;
}
