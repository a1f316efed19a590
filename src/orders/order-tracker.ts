import type { Logger } from '../logger.js';
import type { TradeRow } from '../sinks/trade-row.js';
import type { OrderFills } from './fill-encoding.js';
import { groupByOrder, type BatchOrder } from './group-by-order.js';
import { OrderBook, type BookEntry } from './order-book.js';
import { OrderCommitter, type CommitCounts, type OrderSink } from './order-committer.js';
import type { OrderRow } from './order-row.js';
import type { OrderStore } from './order-store.js';
import { OrderSweeper } from './order-sweeper.js';
import type { OrderThresholds } from '../config/order-thresholds.js';
import { Serial } from '../spill/serial.js';
import { firstLine } from '../errors/first-line.js';

export interface OrderTrackerOptions {
  readonly store: OrderStore;
  readonly sink: OrderSink;
  readonly thresholds: OrderThresholds;
  readonly log: Logger;
  /** The clock (ms); tests move it. @defaultValue Date.now */
  readonly now?: () => number;
}

/**
 * Partial fills → one orders row per order (src/orders/README.md: states, events, what is
 * durable where, what a crash leaves and who recovers it). After each durable batch, before its
 * jobs complete, every fill of it is durable for its order: written (the order's row is in
 * ClickHouse), in a batch record of this worker's (carried or held in its book), or staged per
 * order in Redis. Batches, and the staging of aged orders, run one at a time; commits and the
 * sweep run beside them.
 */
export class OrderTracker {
  readonly #store: OrderStore;
  readonly #sink: OrderSink;
  readonly #t: OrderThresholds;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #book = new OrderBook();
  readonly #committer: OrderCommitter;
  readonly #sweeper: OrderSweeper;
  readonly #lock = new Serial();
  #timer: NodeJS.Timeout | undefined;
  #carryTimer: NodeJS.Timeout | undefined;
  #sweeping: Promise<void> | undefined;

  constructor(options: OrderTrackerOptions) {
    this.#store = options.store;
    this.#sink = options.sink;
    this.#t = options.thresholds;
    this.#log = options.log.child({ component: 'order-tracker' });
    this.#now = options.now ?? Date.now;
    this.#committer = new OrderCommitter(this.#store, this.#sink, this.#book, this.#log, this.#now);
    this.#sweeper = new OrderSweeper(this.#store, this.#sink, this.#book, this.#committer, this.#t);
  }

  /** Orders written, from memory and from Redis, and committed as incomplete, by this process. */
  get counts(): Readonly<CommitCounts> {
    return this.#committer.counts;
  }

  /** Orders in this process's book, by state (for status and tests). */
  get book(): { carried: number; held: number; fills: number } {
    return { carried: this.#book.carriedCount, held: this.#book.heldCount, fills: this.#book.fills };
  }

  /**
   * Called with each batch's durable fills before the batch's jobs complete; throws (the jobs
   * are retried) only when the batch's fills could not be made durable, and then leaves the
   * book as it was before the batch. `clickHouseUp` false (the batch was spilled): every order
   * is staged per order, for the sweep to commit once ClickHouse is back.
   */
  afterBatch(rows: readonly TradeRow[], clickHouseUp = true): Promise<void> {
    return this.#lock.run(async () => {
      const now = this.#now();
      const groups = groupByOrder(rows, this.#book.carriedOrder);
      if (clickHouseUp) await this.#record(groups, rows.length >= this.#t.inBatchMinRows, now);
      else await this.#stageGroups(groups, now);
      if (this.#book.fills > this.#t.maxMemoryFills) {
        // The batch is durable already: a failure here only leaves the orders in memory, for the carry timer.
        await this.#stageAged(now).catch((err: unknown) => this.#log.warn({ err: firstLine(err) }, 'staging carried orders failed; retried'));
      }
      void this.#committer.kick();
    });
  }

  /**
   * Complete orders written (a large batch, now) or held (a small one: written just after, off
   * the critical path); open orders carried. One batch record holds every new fill not written.
   */
  async #record(groups: readonly BatchOrder[], inline: boolean, now: number): Promise<void> {
    const complete: { group: BatchOrder; row: OrderRow }[] = [];
    const open: BatchOrder[] = [];
    for (const group of groups) {
      if (group.order.fills.length === group.before) continue; // only repeats of fills it has
      const row = group.order.row();
      if (row !== undefined) complete.push({ group, row });
      else open.push(group);
    }
    const recorded = inline ? open : [...open, ...complete.map((c) => c.group)];
    const [record, insert] = await Promise.allSettled([
      recorded.length > 0 ? this.#store.writeRecord(recorded.map(newFills), now) : Promise.resolve(undefined),
      inline && complete.length > 0 ? this.#sink.insert(complete.map((c) => c.row)) : Promise.resolve(),
    ]);
    if (inline && insert.status === 'fulfilled') {
      const carried: BookEntry[] = [];
      for (const { group } of complete) {
        const entry = group.before > 0 ? this.#book.take(group.order.member, group.before) : undefined; // new in this batch: never in the book
        if (entry !== undefined) carried.push(entry);
      }
      this.#committer.written(complete.map((c) => c.group.order), this.#book.release(carried));
    }
    if (record.status === 'rejected') {
      for (const group of recorded) this.#book.rollback(group);
      if (inline && insert.status === 'rejected') for (const { group } of complete) this.#book.rollback(group);
      throw record.reason;
    }
    for (const group of open) this.#book.carry(group, record.value as string, now);
    if (!inline) for (const { group, row } of complete) this.#book.hold(group, row, record.value, now);
    else if (insert.status === 'rejected') {
      this.#log.warn({ orders: complete.length, err: firstLine(insert.reason) }, 'order insert failed; staging the orders for the sweep');
      await this.#stageGroups(complete.map((c) => c.group), now);
    }
  }

  /** Orders staged per order with all their fills (a carried one taken out of the book); on failure the book is as before. */
  async #stageGroups(groups: readonly BatchOrder[], now: number): Promise<void> {
    const taken: (BookEntry | undefined)[] = groups.map((g) => this.#book.take(g.order.member, g.before));
    try {
      const due = await this.#store.stage(groups.map((g, i) => ({ member: g.order.member, fills: g.order.fills, firstSeen: taken[i]?.firstSeen ?? now })), now);
      this.#committer.due(due);
    } catch (err) {
      groups.forEach((g, i) => {
        const entry = taken[i];
        if (entry === undefined) return;
        this.#book.rollback(g, entry);
        this.#book.restore([entry]);
      });
      throw err;
    }
    this.#committer.dropRecords(this.#book.release(taken.filter((e): e is BookEntry => e !== undefined)));
  }

  /** Carried orders past carryMs (or beyond maxMemoryFills) are staged per order, where a fill through any worker completes them. */
  async #stageAged(now: number, all = false): Promise<void> {
    const aged = all ? this.#book.claimAll() : this.#book.claimAged(now - this.#t.carryMs, this.#t.maxMemoryFills);
    if (aged.length === 0) return;
    try {
      this.#committer.due(await this.#store.stage(aged.map((e) => ({ member: e.order.member, fills: e.order.fills, firstSeen: e.firstSeen })), now));
    } catch (err) {
      this.#book.restore(aged);
      throw err;
    }
    this.#committer.dropRecords(this.#book.release(aged));
  }

  /** Ages carried orders now (what the carry timer does). */
  age(now = this.#now()): Promise<void> {
    return this.#lock.run(() => this.#stageAged(now)).finally(() => void this.#committer.kick());
  }

  /** One sweep (see OrderSweeper); one at a time per process. */
  sweep(now = this.#now()): Promise<void> {
    this.#sweeping ??= this.#sweeper.sweep(now).finally(() => (this.#sweeping = undefined));
    return this.#sweeping;
  }

  /** Waits until the committer's queue is empty (tests). */
  async settle(): Promise<void> {
    await this.#committer.kick();
  }

  start(): void {
    const warn = (what: string) => (err: unknown) => this.#log.warn({ err: firstLine(err) }, `${what} failed; retried`);
    this.#timer = setInterval(() => void this.sweep().catch(warn('order sweep')), this.#t.sweepIntervalMs);
    this.#timer.unref();
    this.#carryTimer = setInterval(() => void this.age().catch(warn('staging carried orders')), Math.max(1, this.#t.carryMs / 2));
    this.#carryTimer.unref();
  }

  /** Stops the timers, stages every order still in the book (held ones are written first if they can be), finishes queued commits. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    clearInterval(this.#carryTimer);
    await this.#sweeping?.catch(() => undefined);
    await this.#committer.kick();
    await this.#lock
      .run(() => this.#stageAged(this.#now(), true))
      .catch((err: unknown) => this.#log.warn({ err: firstLine(err) }, 'staging open orders failed; their batch records stay for the sweep'));
    await this.#committer.kick();
  }
}

/** What a batch adds to an order: its new fills (all of them for an order new in it). */
function newFills({ order, before }: BatchOrder): OrderFills {
  return { member: order.member, fills: before === 0 ? order.fills : order.fills.slice(before) };
}
