import type { Logger } from '../logger.js';
import type { TradeRow } from '../sinks/trade-row.js';
import type { ClickHouseOrderSink } from './clickhouse-order-sink.js';
import { completeInBatch, type BatchOrders } from './complete-in-batch.js';
import { computeOrder, type OrderRow } from './compute-order.js';
import type { OrderStore } from './order-store.js';
import { isTerminalFill, orderMemberOf } from './staged-fill.js';

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

function split(member: string): [string, string] {
  const bar = member.indexOf('|');
  return [member.slice(0, bar), member.slice(bar + 1)];
}

/**
 * Partial fills → orders. After each batch is durable, the fills of orders it does not complete
 * are staged in Redis per order, and orders complete within it are written or kept in a batch
 * record until they are; an order is written once to the orders table and forgotten. A periodic
 * sweep commits what a failed insert left behind and times out stragglers as `incomplete`. Every
 * step is idempotent (fills keyed by trade id, order rows collapse in ClickHouse by version),
 * so a crash anywhere re-runs it without losing or doubling an order.
 */
export class OrderTracker {
  readonly #o: OrderTrackerOptions;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<void> | undefined;
  readonly #toCommit = new Set<string>();
  /** Orders written straight from a large batch: what an earlier delivery of their fills left in Redis is cleared off the critical path. */
  readonly #toForget: string[] = [];
  /** Whole orders of small batches, staged as batch records, still to be written from memory. */
  readonly #held: { readonly record: string; readonly orders: BatchOrders['complete'] }[] = [];
  #heldRows = 0;
  #committing: Promise<void> | undefined;
  /** Orders committed as incomplete by this process (for metrics). */
  incompleteCommitted = 0;
  /** Orders written straight from one batch, without staging (for tests and metrics). */
  committedInBatch = 0;

  constructor(options: OrderTrackerOptions) {
    this.#o = options;
    this.#log = options.log.child({ component: 'order-tracker' });
  }

  /**
   * Called with each batch's durable fills before the batch's jobs complete. Most orders fill
   * within milliseconds, so all their fills are in one batch ("whole" orders, completeInBatch).
   * - A large batch that reached ClickHouse: whole orders are written at once, in one insert,
   *   without staging; the other fills are staged in Redis.
   * - A small batch stages its whole orders as one batch record and the other fills per order
   *   (side by side); the whole orders are then written from memory off the critical path and
   *   the record dropped. The sweep writes what a crash or a failed insert left in records.
   * - While ClickHouse is down, or commits lag (MAX_ROWS_HELD), every fill is staged per order.
   * Orders ended by a staged terminal fill are committed from Redis off the critical path; the
   * sweep commits whatever a crash or a failed insert left. Throws only when Redis fails.
   */
  async afterBatch(rows: readonly TradeRow[], clickHouseUp = true): Promise<void> {
    if (clickHouseUp && rows.length >= (this.#o.inBatchMinRows ?? IN_BATCH_MIN_ROWS)) {
      await this.#writeWholeOrders(rows);
    } else if (clickHouseUp && this.#heldRows + rows.length <= MAX_ROWS_HELD) {
      await this.#holdWholeOrders(rows);
    } else {
      await this.#o.store.stage(rows);
      this.#queueTerminal(rows);
    }
    this.#committing ??= this.#commitQueued().finally(() => (this.#committing = undefined));
  }

  /** The large-batch path: whole orders inserted beside the staging of the rest. */
  async #writeWholeOrders(rows: readonly TradeRow[]): Promise<void> {
    const { complete, open } = completeInBatch(rows);
    // The insert and the staging are independent: run them side by side.
    const insert = complete.length === 0 ? Promise.resolve(true) : this.#insertWhole(complete);
    await this.#o.store.stage(open);
    if (await insert) {
      this.committedInBatch += complete.length;
      this.#queueTerminal(open);
      for (const c of complete) this.#toForget.push(c.member); // off the critical path
    } else {
      const fills = complete.flatMap((c) => c.fills);
      await this.#o.store.stage(fills);
      this.#queueTerminal([...open, ...fills]);
    }
  }

  /** The small-batch path: whole orders into one batch record, the rest staged per order. */
  async #holdWholeOrders(rows: readonly TradeRow[]): Promise<void> {
    const { complete, open } = completeInBatch(rows);
    const fills = complete.flatMap((c) => c.fills);
    const [record] = await Promise.all([fills.length > 0 ? this.#o.store.stageWhole(fills) : undefined, this.#o.store.stage(open)]);
    this.#queueTerminal(open);
    if (record === undefined) return;
    this.#held.push({ record, orders: complete });
    this.#heldRows += fills.length;
  }

  /**
   * Only a terminal fill can complete an order when fills arrive in order; an order completed by
   * a late earlier fill is picked up by the sweep instead (one HGETALL per order, not per batch).
   */
  #queueTerminal(rows: readonly TradeRow[]): void {
    for (const { trade } of rows) if (isTerminalFill(trade.order_status, trade.cum_qty, trade.order_qty)) this.#toCommit.add(orderMemberOf(trade));
  }

  /** Inserts whole orders; false (logged) when ClickHouse refused them: the caller keeps their fills (staged, or in a batch record) for the sweep. */
  async #insertWhole(orders: BatchOrders['complete']): Promise<boolean> {
    try {
      await this.#o.sink.insert(orders.map((o) => o.row));
      return true;
    } catch (err) {
      this.#log.warn({ orders: orders.length, err: (err as Error).message.split('\n')[0] }, 'order insert failed; the sweep will write these orders');
      return false;
    }
  }

  async #commitQueued(): Promise<void> {
    const warn = (err: unknown) => this.#log.warn({ err: (err as Error).message }, 'order commit failed; the sweep will retry');
    while (this.#held.length > 0 || this.#toCommit.size > 0 || this.#toForget.length > 0) {
      const held = this.#held.splice(0);
      this.#heldRows = 0;
      await this.#commitHeld(held).catch(warn);
      const forget = this.#toForget.splice(0);
      if (forget.length > 0) await this.#o.store.forget(forget).catch(warn);
      const members = [...this.#toCommit];
      this.#toCommit.clear();
      if (members.length > 0) await this.#commit(members, false).catch(warn);
    }
  }

  /** Whole orders of batch records, written from memory in one insert; then the records go. */
  async #commitHeld(held: readonly { record: string; orders: BatchOrders['complete'] }[]): Promise<void> {
    const orders = held.flatMap((h) => h.orders);
    if (orders.length === 0 || !(await this.#insertWhole(orders))) return; // the sweep writes them from the records
    // Forgetting also clears what an earlier delivery of these fills may have left (a pending or incomplete entry).
    await Promise.all([this.#o.store.dropWholeRecords(held.map((h) => h.record)), this.#o.store.forget(orders.map((o) => o.member))]);
  }

  /** Batch records a crash or a failed insert left: their orders computed from the record, written, the records dropped. */
  async #commitRecords(before: number): Promise<void> {
    const records = await this.#o.store.wholeRecordsBefore(before);
    if (records.length === 0) return;
    const rows: OrderRow[] = [];
    const members: string[] = [];
    for (const { fills } of records) {
      for (const [member, list] of fills) {
        const [account, orderId] = split(member);
        const row = computeOrder(account, orderId, list, true); // whole when staged: complete
        if (row) rows.push(row);
        members.push(member);
      }
    }
    if (rows.length > 0) await this.#o.sink.insert(rows);
    await Promise.all([this.#o.store.dropWholeRecords(records.map((r) => r.id)), this.#o.store.forget(members)]);
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
      const [account, orderId] = split(member);
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
      await this.#commitRecords(now - this.#o.sweepIntervalMs);
      const stale = await this.#o.store.pendingBefore(now - this.#o.sweepIntervalMs);
      if (stale.length === 0) return;
      await this.#commit(stale.map((s) => s.member), false);
      const expired = (await this.#o.store.pendingBefore(now - this.#o.timeoutMs)).map((s) => s.member);
      if (expired.length > 0) await this.#commit(expired, true);
    })().finally(() => (this.#sweeping = undefined));
    return this.#sweeping;
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.sweep().catch((err: unknown) => this.#log.warn({ err: (err as Error).message }, 'order sweep failed'));
    }, this.#o.sweepIntervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#committing;
    await this.#sweeping?.catch(() => undefined);
  }
}
