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
 * order in Redis. Batches, and the staging of aged orders, change the book one at a time (a
 * large batch's order insert is awaited outside that); commits and the sweep run beside them.
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
  async afterBatch(rows: readonly TradeRow[], clickHouseUp = true): Promise<void> {
    const inserted = await this.#lock.run(async () => {
      const now = this.#now();
      const groups = groupByOrder(rows, this.#book.carriedOrder);
      const pending = clickHouseUp ? await this.#record(groups, rows.length >= this.#t.inBatchMinRows, now) : await this.#stageGroups(groups, now).then(() => undefined);
      if (this.#book.fills > this.#t.maxMemoryFills) {
        // The batch is durable already: a failure here only leaves the orders in memory, for the carry timer.
        await this.#stageAged(now).catch((err: unknown) => this.#log.warn({ err: firstLine(err) }, 'staging carried orders failed; retried'));
      }
      return pending;
    });
    try {
      await inserted?.settled; // outside the lock: a slow or hanging insert holds up this batch only
    } finally {
      void this.#committer.kick();
    }
  }

  /**
   * Complete orders written (a large batch: the insert returned, awaited outside the lock) or
   * held (a small one: written just after, off the critical path); open orders carried. One
   * batch record holds every new fill not being written.
   */
  async #record(groups: readonly BatchOrder[], inline: boolean, now: number): Promise<{ readonly settled: Promise<void> } | undefined> {
    const complete: { group: BatchOrder; row: OrderRow }[] = [];
    const open: BatchOrder[] = [];
    for (const group of groups) {
      if (group.order.fills.length === group.before) continue; // only repeats of fills it has
      const row = group.order.row();
      if (row !== undefined) complete.push({ group, row });
      else open.push(group);
    }
    const recorded = inline ? open : [...open, ...complete.map((c) => c.group)];
    const written = complete.map((c) => c.group);
    const insert = inline && complete.length > 0 ? this.#insert(complete.map((c) => c.row)) : undefined;
    // Being written: out of the book (claimed), so no other batch adds to them meanwhile. New in this batch: never in it.
    const claimed = insert === undefined ? [] : written.map((g) => (g.before > 0 ? this.#book.take(g.order.member, g.before) : undefined));
    let record: string | undefined;
    try {
      if (recorded.length > 0) record = await this.#store.writeRecord(recorded.map(newFills), now);
    } catch (err) {
      for (const group of recorded) this.#book.rollback(group);
      if (insert !== undefined) await this.#settleInsert(insert, written, claimed, now).catch(() => undefined);
      throw err;
    }
    for (const group of open) this.#book.carry(group, record as string, now);
    if (insert === undefined) {
      if (!inline) for (const { group, row } of complete) this.#book.hold(group, row, record, now);
      return undefined;
    }
    return { settled: this.#settleInsert(insert, written, claimed, now) }; // wrapped: an async function returning a promise would wait for it
  }

  /** Inserts rows; false (logged) when ClickHouse refused them. */
  async #insert(rows: readonly OrderRow[]): Promise<boolean> {
    try {
      await this.#sink.insert(rows);
      return true;
    } catch (err) {
      this.#log.warn({ orders: rows.length, err: firstLine(err) }, 'order insert failed; staging the orders for the sweep');
      return false;
    }
  }

  /** The batch's complete orders once their insert returned: written (their records released), or staged per order. */
  async #settleInsert(insert: Promise<boolean>, groups: readonly BatchOrder[], claimed: readonly (BookEntry | undefined)[], now: number): Promise<void> {
    if (await insert) this.#committer.written(groups.map((g) => g.order), this.#book.release(claimed.filter((e): e is BookEntry => e !== undefined)));
    else await this.#stageGroups(groups, now, claimed);
  }

  /** Orders staged per order with all their fills (carried ones taken out of the book, unless `taken` already); on failure the book is as before. */
  async #stageGroups(groups: readonly BatchOrder[], now: number, taken: readonly (BookEntry | undefined)[] = groups.map((g) => this.#book.take(g.order.member, g.before))): Promise<void> {
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
