import type { Logger } from '../logger.js';
import type { ClickHouseOrderSink } from './clickhouse-order-sink.js';
import type { OrderBook, BookEntry } from './order-book.js';
import { OrderAccumulator } from './order-accumulator.js';
import type { OrderFill } from './order-fill.js';
import { splitOrderMember } from './order-fill.js';
import type { OrderRow } from './order-row.js';
import type { OrderStore } from './order-store.js';
import { firstLine } from '../errors/first-line.js';

export type OrderSink = Pick<ClickHouseOrderSink, 'insert' | 'completeAmong'>;

/** Counters since start (for tests, logs and metrics). */
export interface CommitCounts {
  /** Orders written from memory (held or complete in a batch). */
  fromMemory: number;
  /** Orders written from their fills staged in Redis. */
  fromRedis: number;
  /** Orders committed as incomplete. */
  incomplete: number;
}

/**
 * Writes order rows and then forgets what held them: held orders from memory (then their batch
 * records are dropped), staged orders from Redis (then their keys are deleted). Off the batch's
 * critical path: the tracker kicks it after each batch and waits for it only on stop. A failed
 * insert leaves its orders where a later attempt finds them (held ones staged per order, so the
 * sweep retries them; staged ones stay due).
 */
export class OrderCommitter {
  readonly #store: OrderStore;
  readonly #sink: OrderSink;
  readonly #book: OrderBook;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly counts: CommitCounts = { fromMemory: 0, fromRedis: 0, incomplete: 0 };
  /** Orders written from memory: whatever an earlier delivery of theirs staged is forgotten (their member built only then). */
  #written: { readonly member: string }[] = [];
  #toDrop: string[] = [];
  #due = new Map<string, OrderFill[]>();
  #running: Promise<void> | undefined;

  constructor(store: OrderStore, sink: OrderSink, book: OrderBook, log: Logger, now: () => number) {
    this.#store = store;
    this.#sink = sink;
    this.#book = book;
    this.#log = log;
    this.#now = now;
  }

  /** Orders just written from a batch, and the records their writing freed. */
  written(orders: readonly { readonly member: string }[], freedRecords: readonly string[]): void {
    this.counts.fromMemory += orders.length;
    for (const o of orders) this.#written.push(o);
    this.dropRecords(freedRecords);
  }

  dropRecords(ids: readonly string[]): void {
    for (const id of ids) this.#toDrop.push(id);
  }

  /** Orders staging found due (their terminal fill staged), with their staged fills. */
  due(orders: ReadonlyMap<string, OrderFill[]>): void {
    for (const [member, fills] of orders) this.#due.set(member, fills);
  }

  /** Starts the queued work unless it is running; resolves when the queue is empty. */
  kick(): Promise<void> {
    this.#running ??= this.#drain().finally(() => (this.#running = undefined));
    return this.#running;
  }

  /**
   * Runs the queue until it is empty, or until a step fails: what failed waits for the next
   * kick (the next batch, the carry timer or the sweep) rather than being retried at once.
   */
  async #drain(): Promise<void> {
    let failed = false;
    const warn = (what: string) => (err: unknown) => {
      failed = true;
      this.#log.warn({ err: firstLine(err) }, `${what} failed; retried later`);
    };
    while (!failed && (this.#book.heldCount > 0 || this.#written.length > 0 || this.#toDrop.length > 0 || this.#due.size > 0)) {
      await this.#commitHeld(this.#book.claimHeld()).catch(warn('order commit'));
      const due = this.#due;
      this.#due = new Map();
      if (due.size > 0) await this.commitStaged(due, false).catch(warn('order commit')); // still due in Redis: the sweep retries
      const written = this.#written.splice(0);
      if (written.length > 0) await this.#store.forgetStaged(written).catch((err: unknown) => (this.#written.push(...written), warn('forgetting written orders')(err)));
      const drop = this.#toDrop.splice(0);
      if (drop.length > 0) await this.#store.dropRecords(drop).catch((err: unknown) => (this.#toDrop.push(...drop), warn('dropping batch records')(err)));
    }
  }

  /** Held orders in one insert; when it fails they are staged per order (due: the sweep retries them). */
  async #commitHeld(held: readonly BookEntry[]): Promise<void> {
    if (held.length === 0) return;
    try {
      await this.#sink.insert(held.map((e) => e.row as OrderRow));
      this.written(held.map((e) => e.order), this.#book.release(held));
      return;
    } catch (err) {
      this.#log.warn({ orders: held.length, err: firstLine(err) }, 'order insert failed; staging the orders for the sweep');
    }
    try {
      await this.#store.stage(held.map((e) => ({ member: e.order.member, fills: e.order.fills, firstSeen: e.firstSeen })), this.#now());
    } catch (err) {
      this.#book.restore(held);
      throw err;
    }
    this.dropRecords(this.#book.release(held));
  }

  /**
   * Orders from their staged fills: complete ones written and forgotten; with `timedOut`, the
   * rest written as `incomplete` (fills kept for a late fill), otherwise parked until a fill
   * comes. Throws when the insert fails (the orders stay due or pending).
   */
  async commitStaged(orders: ReadonlyMap<string, readonly OrderFill[]>, timedOut: boolean, fields?: ReadonlyMap<string, number>): Promise<void> {
    const rows: OrderRow[] = [];
    const complete: string[] = [];
    const incomplete: string[] = [];
    const park: { member: string; fields: number }[] = [];
    for (const [member, fills] of orders) {
      const [account, orderId] = splitOrderMember(member);
      const order = new OrderAccumulator(account, orderId, member);
      for (const f of fills) order.add(f);
      const row = order.row(timedOut);
      if (row === undefined) park.push({ member, fields: fields?.get(member) ?? fills.length });
      else {
        rows.push(row);
        (row.status === 'incomplete' ? incomplete : complete).push(member);
      }
    }
    if (rows.length > 0) await this.#sink.insert(rows);
    this.counts.fromRedis += complete.length;
    await this.#store.forget(complete);
    if (park.length > 0) await this.#store.park(park);
    if (incomplete.length > 0) {
      await this.#store.markIncomplete(incomplete, this.#now());
      this.counts.incomplete += incomplete.length;
      this.#log.warn({ orders: incomplete.length }, 'orders timed out; committed as incomplete');
    }
  }

  /** Loads orders staged in Redis and commits them (see commitStaged). */
  async commitFromRedis(members: readonly string[], timedOut: boolean): Promise<void> {
    if (members.length === 0) return;
    const loaded = await this.#store.load(members);
    const fills = new Map<string, OrderFill[]>();
    const fields = new Map<string, number>();
    for (const [member, l] of loaded) {
      fills.set(member, l.fills);
      fields.set(member, l.fields);
    }
    // An entry without fills (an older release forgot the order, or its hash expired) is dropped unless fills came since.
    const empty = members.filter((m) => !loaded.has(m)).map((member) => ({ member, fields: 0 }));
    if (empty.length > 0) await this.#store.park(empty);
    await this.commitStaged(fills, timedOut, fields);
  }
}
