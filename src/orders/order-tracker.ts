import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { TradeRow } from '../sinks/trade-row.js';
import { CarriedOrders, type CarriedOrder } from './carried-orders.js';
import type { ClickHouseOrderSink } from './clickhouse-order-sink.js';
import { completeInGroups, type CompleteOrder } from './complete-in-batch.js';
import { computeOrder, type OrderRow } from './compute-order.js';
import { groupByOrder, type BatchOrder, type OrderFills } from './group-by-order.js';
import { OrderAccumulator } from './order-accumulator.js';
import type { OrderStore, StoredRecord } from './order-store.js';
import { RecentMembers } from './recent-members.js';
import { isTerminalFill, splitOrderMember } from './staged-fill.js';

export interface OrderTrackerOptions {
  readonly store: OrderStore;
  readonly sink: Pick<ClickHouseOrderSink, 'insert' | 'completeAmong'>;
  /** Orders still incomplete this long after their first fill are committed as `incomplete`. */
  readonly timeoutMs: number;
  /** Sweep period; also the age after which the sweeper retries commits the batch path missed. */
  readonly sweepIntervalMs: number;
  readonly log: Logger;
  /**
   * Smallest batch whose whole orders are written straight away (see afterBatch).
   * @defaultValue 2_000
   */
  readonly inBatchMinRows?: number;
  /**
   * How long a large batch's open orders stay in memory for later batches to complete before
   * they are staged per order. Under a sweep period, so that no sweep takes a live worker's
   * carry record for a crashed one's.
   * @defaultValue sweepIntervalMs / 2
   */
  readonly carryMs?: number;
}

/**
 * Below this, a batch's whole orders go to a batch record in Redis and are written from memory
 * off the critical path. Writing them before the batch's jobs complete costs a ClickHouse round
 * trip, which for a small batch (a worker waiting on I/O, where latency is what matters) costs
 * more than the Redis calls that stage them; a large batch comes from a busy worker, where any
 * staging is the CPU it lacks.
 */
const IN_BATCH_MIN_ROWS = 2_000;

/** Fills held in memory for commits from batch records; past it (commits lagging) fills are staged per order. */
const MAX_ROWS_HELD = 50_000;

/** Fills carried in memory (as for MAX_ROWS_HELD); past it the oldest orders are staged per order. */
const MAX_ROWS_CARRIED = 50_000;

/** Carry records of crashed workers recovered per sweep. */
const RECOVER_PER_SWEEP = 100;

/** Orders this process staged per order, remembered so that their later fills go straight to Redis. */
const RECENTLY_STAGED = 100_000;

/** A batch's order that is complete with the fills carried so far. */
interface Completed {
  readonly order: OrderAccumulator;
  readonly row: OrderRow;
  /** What was carried of it, claimed; undefined for an order whole in this batch. */
  readonly carried: CarriedOrder | undefined;
}

/**
 * Partial fills → orders. After each batch is durable, orders complete within it are written (or
 * kept in a batch record until they are); a large batch's open orders are carried in memory,
 * with a carry record in Redis for a crash, until a later batch completes them or they are staged
 * per order; a small batch stages them per order. An order is written once to the orders table
 * and forgotten. A periodic sweep commits what a failed insert or a crash left behind and times
 * out stragglers as `incomplete`. Every step is idempotent (fills keyed by trade id, order rows
 * collapse in ClickHouse by version), so a crash anywhere re-runs it without losing or doubling
 * an order.
 */
export class OrderTracker {
  readonly #o: OrderTrackerOptions;
  readonly #log: Logger;
  readonly #carryMs: number;
  #timer: NodeJS.Timeout | undefined;
  #carryTimer: NodeJS.Timeout | undefined;
  /** The carry timer's staging of aged orders, while it runs. */
  #aging: Promise<void> | undefined;
  #sweeping: Promise<void> | undefined;
  readonly #toCommit = new Set<string>();
  /** Orders written from memory: whatever an earlier delivery of their fills left in Redis is cleared off the critical path. */
  readonly #toForget: { readonly member: string }[] = [];
  /** Whole orders of small batches, staged as batch records, still to be written from memory. */
  readonly #held: { readonly record: string; readonly orders: readonly CompleteOrder[] }[] = [];
  #heldRows = 0;
  readonly #carried = new CarriedOrders();
  /** Carry records no order needs any more, to drop once written. */
  readonly #toDrop: { readonly id: string; readonly written: Promise<unknown> }[] = [];
  readonly #staged = new RecentMembers(RECENTLY_STAGED);
  #committing: Promise<void> | undefined;
  /** Orders committed as incomplete by this process (for metrics). */
  incompleteCommitted = 0;
  /** Orders written straight from one batch, without staging (for tests and metrics). */
  committedInBatch = 0;
  /** Orders written from fills carried in memory across batches, without staging (for tests and metrics). */
  committedCarried = 0;

  constructor(options: OrderTrackerOptions) {
    this.#o = options;
    this.#log = options.log.child({ component: 'order-tracker' });
    this.#carryMs = options.carryMs ?? options.sweepIntervalMs / 2;
  }

  /**
   * Called with each batch's durable fills before the batch's jobs complete. Most orders fill
   * within milliseconds, so all their fills are in one batch ("whole" orders, completeInBatch).
   * - A large batch that reached ClickHouse: orders complete with it (whole in it, or with fills
   *   carried from earlier batches) are written at once, in one insert, without staging; the
   *   other orders are carried in memory, their new fills in one carry record.
   * - A small batch stages its whole orders as one batch record and the other fills per order
   *   (side by side); the whole orders are then written from memory off the critical path and
   *   the record dropped. The sweep writes what a crash or a failed insert left in records.
   * - While ClickHouse is down, or commits lag (MAX_ROWS_HELD), every fill is staged per order.
   * Orders ended by a staged terminal fill are committed from Redis off the critical path; the
   * sweep commits whatever a crash or a failed insert left. Throws only when Redis fails.
   */
  async afterBatch(rows: readonly TradeRow[], clickHouseUp = true): Promise<void> {
    if (clickHouseUp && rows.length >= (this.#o.inBatchMinRows ?? IN_BATCH_MIN_ROWS)) {
      await this.#writeWholeOrders(groupByOrder(rows, (account, orderId) => this.#carried.orderOf(account, orderId)));
      if (this.#carried.rows > MAX_ROWS_CARRIED) await this.#stageAged(); // not only on the timer: a busy worker passes it between ticks
    } else {
      const groups = groupByOrder(rows);
      // Fills carried for these orders join them in Redis, so the orders can complete there.
      await this.#stageCarried(this.#carried.claimAmong(groups.map((g) => g.order.member)));
      if (clickHouseUp && this.#heldRows + rows.length <= MAX_ROWS_HELD) {
        await this.#holdWholeOrders(groups);
      } else {
        const orders = groups.map((g) => g.order);
        await this.#o.store.stage(orders);
        this.#stagedPerOrder(orders);
      }
    }
    this.#kick();
  }

  /**
   * The large-batch path: complete orders inserted beside the carry record of the rest. Orders
   * carried from earlier batches took this batch's fills in groupByOrder.
   */
  async #writeWholeOrders(groups: readonly BatchOrder[]): Promise<void> {
    const now = Date.now();
    const complete: Completed[] = [];
    const toCarry: BatchOrder[] = [];
    const toStage: OrderAccumulator[] = [];
    for (const group of groups) {
      const { order, before } = group;
      const row = order.row();
      if (row !== undefined) {
        complete.push({ order, row, carried: before > 0 ? this.#carried.claim(order.member) : undefined });
      } else if (before > 0) {
        if (this.#carried.isTainted(order.member)) toCarry.push({ order, before: 0 }); // all its fills again
        else if (order.fills.length > before) toCarry.push(group);
      } else if (this.#staged.size > 0 && this.#staged.has(order.member)) {
        toStage.push(order); // its earlier fills are in Redis: completing it there saves the wait
      } else {
        toCarry.push(group);
      }
    }
    // The insert, the carry record and any staging are independent: run them side by side.
    const inserted = complete.length === 0 ? Promise.resolve(true) : this.#insertWhole(complete.map((c) => c.row));
    let written: Promise<void> | undefined;
    if (toCarry.length > 0) {
      const record = randomUUID();
      const fresh = toCarry.map(({ order, before }) => ({ member: order.member, fills: before === 0 ? order.fills : order.fills.slice(before) }));
      written = this.#o.store.stageCarry(record, fresh, now);
      this.#carried.carry(record, written.catch(() => undefined), toCarry, now);
      // A failed write taints its orders before this batch's jobs are retried: their fills are in
      // memory now, and a retry would take them for repeats. A record holding all of an order's
      // fills clears the mark.
      const held = toCarry.map((g) => [g.order.member, g.before === 0 ? g.order.fills.length : -1] as const);
      written.then(
        () => {
          for (const [member, fills] of held) if (fills >= 0) this.#carried.untaint(member, fills);
        },
        () => this.#carried.taint(held.map(([member]) => member)),
      );
    }
    const redis = Promise.all([written, toStage.length > 0 ? this.#o.store.stage(toStage, now) : undefined]);
    redis.catch(() => undefined); // awaited below, once the insert's outcome is settled
    const carried: CarriedOrder[] = [];
    for (const c of complete) if (c.carried !== undefined) carried.push(c.carried);
    if (await inserted) {
      for (const c of complete) {
        if (c.carried === undefined) this.committedInBatch += 1;
        else this.committedCarried += 1;
        this.#toForget.push(c.order); // off the critical path
      }
      this.#release(carried);
    } else {
      await this.#stageOrders(complete.map((c) => ({ order: c.order, firstSeen: c.carried?.firstSeen })), carried, now);
    }
    await redis;
    this.#stagedPerOrder(toStage);
  }

  /** The small-batch path: whole orders into one batch record, the rest staged per order. */
  async #holdWholeOrders(groups: readonly BatchOrder[]): Promise<void> {
    const { complete, open } = completeInGroups(groups);
    const [record] = await Promise.all([complete.length > 0 ? this.#o.store.stageWhole(complete) : undefined, this.#o.store.stage(open)]);
    this.#stagedPerOrder(open);
    if (record === undefined) return;
    this.#held.push({ record, orders: complete });
    for (const c of complete) this.#heldRows += c.fills.length;
  }

  /** Carried orders staged per order (written back to memory if Redis refuses); what they complete is committed from there. */
  #stageCarried(orders: readonly CarriedOrder[]): Promise<void> {
    return this.#stageOrders(orders, orders);
  }

  /**
   * Stages orders per order. The carried ones claimed for them go back to memory if Redis refuses
   * (the caller's batch then fails and is retried), and are released once staged.
   */
  async #stageOrders(orders: readonly { readonly order: OrderAccumulator; readonly firstSeen?: number | undefined }[], claimed: readonly CarriedOrder[], now = Date.now()): Promise<void> {
    if (orders.length === 0) return;
    try {
      await this.#o.store.stage(orders.map(({ order, firstSeen }) => ({ member: order.member, fills: order.fills, firstSeen })), now);
    } catch (err) {
      for (const c of claimed) this.#carried.restore(c);
      throw err;
    }
    this.#stagedPerOrder(orders.map((o) => o.order));
    this.#release(claimed);
  }

  /** Carried orders past carryMs (or past MAX_ROWS_CARRIED) are staged per order. */
  async #stageAged(now = Date.now()): Promise<void> {
    await this.#stageCarried(this.#carried.claimAged(now - this.#carryMs, MAX_ROWS_CARRIED));
  }

  /**
   * These orders are now staged per order: later fills of theirs go straight to Redis, and those
   * with a terminal fill are committed from there. Only a terminal fill can complete an order when
   * fills arrive in order; an order completed by a late earlier fill is picked up by the sweep
   * instead (one HGETALL per order, not per batch).
   */
  #stagedPerOrder(orders: readonly OrderFills[]): void {
    for (const { member, fills } of orders) {
      this.#staged.add(member);
      if (fills.some((f) => isTerminalFill(f.order_status, f.cum_qty, f.order_qty))) this.#toCommit.add(member);
    }
  }

  #release(orders: readonly CarriedOrder[]): void {
    for (const done of this.#carried.release(orders)) this.#toDrop.push(done);
  }

  /** Inserts whole orders; false (logged) when ClickHouse refused them: the caller keeps their fills (staged, or in a batch record) for the sweep. */
  async #insertWhole(rows: readonly OrderRow[]): Promise<boolean> {
    try {
      await this.#o.sink.insert(rows);
      return true;
    } catch (err) {
      this.#log.warn({ orders: rows.length, err: (err as Error).message.split('\n')[0] }, 'order insert failed; the sweep will write these orders');
      return false;
    }
  }

  /** Starts the off-critical-path work unless it is running. */
  #kick(): void {
    this.#committing ??= this.#commitQueued().finally(() => (this.#committing = undefined));
  }

  async #commitQueued(): Promise<void> {
    const warn = (err: unknown) => this.#log.warn({ err: (err as Error).message }, 'order commit failed; the sweep will retry');
    while (this.#held.length > 0 || this.#toCommit.size > 0 || this.#toForget.length > 0 || this.#toDrop.length > 0) {
      const held = this.#held.splice(0);
      this.#heldRows = 0;
      await this.#commitHeld(held).catch(warn);
      const forget = this.#toForget.splice(0);
      if (forget.length > 0) await this.#o.store.forgetStaged(forget).catch(warn);
      const drop = this.#toDrop.splice(0);
      if (drop.length > 0) await this.#dropCarryRecords(drop).catch(warn);
      const members = [...this.#toCommit];
      this.#toCommit.clear();
      if (members.length > 0) await this.#commit(members, false).catch(warn);
    }
  }

  /** Carry records whose orders are all written or staged: dropped once their own write settled (else a late write would bring one back). */
  async #dropCarryRecords(records: readonly { id: string; written: Promise<unknown> }[]): Promise<void> {
    await Promise.all(records.map((r) => r.written));
    await this.#o.store.dropCarryRecords(records.map((r) => r.id));
  }

  /** Whole orders of batch records, written from memory in one insert; then the records go. */
  async #commitHeld(held: readonly { record: string; orders: readonly CompleteOrder[] }[]): Promise<void> {
    const orders = held.flatMap((h) => h.orders);
    if (orders.length === 0 || !(await this.#insertWhole(orders.map((o) => o.row)))) return; // the sweep writes them from the records
    // Forgetting also clears what an earlier delivery of these fills may have left (a pending or incomplete entry).
    await Promise.all([this.#o.store.dropWholeRecords(held.map((h) => h.record)), this.#o.store.forgetStaged(orders)]);
  }

  /** Batch records a crash or a failed insert left: their orders computed from the record, written, the records dropped. */
  async #commitRecords(before: number): Promise<void> {
    const records = await this.#o.store.wholeRecordsBefore(before);
    if (records.length === 0) return;
    const rows: OrderRow[] = [];
    const members: string[] = [];
    for (const { fills } of records) {
      for (const [member, list] of fills) {
        const [account, orderId] = splitOrderMember(member);
        const row = computeOrder(account, orderId, list, true); // whole when staged: complete
        if (row) rows.push(row);
        members.push(member);
      }
    }
    if (rows.length > 0) await this.#o.sink.insert(rows);
    await Promise.all([this.#o.store.dropWholeRecords(records.map((r) => r.id)), this.#o.store.forget(members)]);
  }

  /**
   * Carry records a crashed worker left (this process's own are skipped): orders their fills
   * complete are written; the rest are staged per order at their first-seen time — unless
   * ClickHouse already has them complete (written from memory before the record was dropped) —
   * and committed or timed out by the sweep like any staged order.
   */
  async #recoverCarried(before: number): Promise<void> {
    // Asked for past this process's own records, which it skips, so they never crowd out a crashed worker's.
    const records = (await this.#o.store.carryRecordsBefore(before, RECOVER_PER_SWEEP + this.#carried.recordCount)).filter((r) => !this.#carried.owns(r.id)).slice(0, RECOVER_PER_SWEEP);
    if (records.length === 0) return;
    const orders = mergeRecords(records);
    const rows: OrderRow[] = [];
    const written: string[] = [];
    const open: { member: string; fills: OrderAccumulator['fills']; firstSeen: number }[] = [];
    for (const { order, firstSeen } of orders) {
      const row = order.row();
      if (row !== undefined) {
        rows.push(row);
        written.push(order.member);
      } else {
        open.push({ member: order.member, fills: order.fills, firstSeen });
      }
    }
    if (rows.length > 0) await this.#o.sink.insert(rows);
    const done = open.length > 0 ? await this.#o.sink.completeAmong(open.map((o) => o.member)) : new Set<string>();
    const staged = open.filter((o) => !done.has(o.member));
    await this.#o.store.stage(staged);
    this.#stagedPerOrder(staged);
    await this.#o.store.forgetStaged([...written, ...done].map((member) => ({ member })));
    await this.#o.store.dropCarryRecords(records.map((r) => r.id));
  }

  async #commit(members: readonly string[], timedOut: boolean): Promise<void> {
    if (timedOut) {
      // Late duplicates of a fill can reopen an order that was already committed complete:
      // forget those instead of counting them as incomplete.
      const done = await this.#o.sink.completeAmong(members);
      if (done.size > 0) await this.#o.store.forget([...done]);
      members = members.filter((m) => !done.has(m));
    }
    const fills = await this.#o.store.load(members);
    const rows: { member: string; row: OrderRow }[] = [];
    for (const [member, list] of fills) {
      const [account, orderId] = splitOrderMember(member);
      const row = computeOrder(account, orderId, list, timedOut);
      if (row) rows.push({ member, row });
    }
    if (rows.length === 0) return;
    try {
      await this.#o.sink.insert(rows.map((r) => r.row));
    } catch (err) {
      this.#log.warn({ orders: rows.length, err: (err as Error).message.split('\n')[0] }, 'order commit failed; the sweep will retry');
      return;
    }
    const complete = rows.filter((r) => r.row.status !== 'incomplete').map((r) => r.member);
    const incomplete = rows.filter((r) => r.row.status === 'incomplete').map((r) => r.member);
    if (complete.length > 0) await this.#o.store.forget(complete);
    if (incomplete.length > 0) {
      await this.#o.store.markIncomplete(incomplete);
      this.incompleteCommitted += incomplete.length;
      this.#log.warn({ orders: incomplete.length }, 'orders timed out; committed as incomplete');
    }
  }

  /** One sweep: retry commits older than a sweep period, time out orders older than the timeout. */
  sweep(now = Date.now()): Promise<void> {
    this.#sweeping ??= (async () => {
      // Each step runs even when an earlier one failed (one bad record must not stop timeouts); the first error is rethrown.
      const failures: unknown[] = [];
      const step = (run: () => Promise<void>) => run().catch((err: unknown) => void failures.push(err));
      await step(() => this.#commitRecords(now - this.#o.sweepIntervalMs));
      await step(() => this.#recoverCarried(now - this.#o.sweepIntervalMs));
      await step(async () => {
        const stale = await this.#o.store.pendingBefore(now - this.#o.sweepIntervalMs);
        if (stale.length === 0) return;
        await this.#commit(stale.map((s) => s.member), false);
        const expired = (await this.#o.store.pendingBefore(now - this.#o.timeoutMs)).map((s) => s.member);
        if (expired.length > 0) await this.#commit(expired, true);
      });
      if (failures.length > 0) throw failures[0];
    })().finally(() => (this.#sweeping = undefined));
    return this.#sweeping;
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.sweep().catch((err: unknown) => this.#log.warn({ err: (err as Error).message }, 'order sweep failed'));
    }, this.#o.sweepIntervalMs);
    this.#timer.unref();
    // Carried orders age out even when no batch comes to check them.
    this.#carryTimer = setInterval(() => {
      this.#aging ??= this.#stageAged()
        .catch((err: unknown) => this.#log.warn({ err: (err as Error).message }, 'staging carried orders failed; retried'))
        .finally(() => {
          this.#aging = undefined;
          this.#kick();
        });
    }, Math.max(1, this.#carryMs / 2));
    this.#carryTimer.unref();
  }

  /** Stops the timers, stages what is still carried (so nothing waits for a sweep elsewhere), finishes queued commits. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    clearInterval(this.#carryTimer);
    await this.#aging; // a timer's staging already under way, before everything left is claimed
    await this.#sweeping?.catch(() => undefined);
    await this.#stageCarried(this.#carried.claimAll()).catch((err: unknown) =>
      this.#log.warn({ err: (err as Error).message }, 'staging carried orders failed; their carry records stay for the sweep'),
    );
    this.#kick();
    await this.#committing;
  }
}

/** Fills of carry records by order, a repeated trade id kept once, first seen at the earliest record. */
function mergeRecords(records: readonly StoredRecord[]): { order: OrderAccumulator; firstSeen: number }[] {
  const orders = new Map<string, { order: OrderAccumulator; firstSeen: number }>();
  for (const record of records) {
    for (const [member, fills] of record.fills) {
      let merged = orders.get(member);
      if (merged === undefined) {
        const [account, orderId] = splitOrderMember(member);
        orders.set(member, (merged = { order: new OrderAccumulator(account, orderId, member), firstSeen: record.at }));
      }
      for (const f of fills) merged.order.add(f);
      if (record.at < merged.firstSeen) merged.firstSeen = record.at;
    }
  }
  return [...orders.values()];
}
