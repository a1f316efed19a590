import { decodeRecord } from './fill-encoding.js';
import { LEGACY_RECORDS } from './legacy-records.js';
import type { OrderBook } from './order-book.js';
import type { OrderCommitter, OrderSink } from './order-committer.js';
import type { OrderFill } from './order-fill.js';
import type { OrderStore, OrderToStage } from './order-store.js';
import type { OrderThresholds } from '../config/order-thresholds.js';

/**
 * The periodic pass every worker runs (each step idempotent, so any number of workers may run
 * it at once): (1) recover the batch records of crashed workers by staging their fills, (2)
 * retry the commits of due orders, (3) commit orders past the timeout as `incomplete`. Each
 * step runs even when an earlier one failed; the first error is rethrown.
 */
export class OrderSweeper {
  readonly #store: OrderStore;
  readonly #sink: OrderSink;
  readonly #book: OrderBook;
  readonly #committer: OrderCommitter;
  readonly #t: OrderThresholds;
  #migrated = false;

  constructor(store: OrderStore, sink: OrderSink, book: OrderBook, committer: OrderCommitter, thresholds: OrderThresholds) {
    this.#store = store;
    this.#sink = sink;
    this.#book = book;
    this.#committer = committer;
    this.#t = thresholds;
  }

  async sweep(now: number): Promise<void> {
    const failures: unknown[] = [];
    const step = (run: () => Promise<void>) => run().catch((err: unknown) => void failures.push(err));
    await step(() => this.#recover(now, 'batches', 'batch:', decodeRecord));
    for (const legacy of LEGACY_RECORDS) await step(() => this.#recover(now, legacy.index, legacy.prefix, legacy.decode));
    if (!this.#migrated) await step(() => this.#migrate());
    await step(() => this.#retryDue(now));
    await step(() => this.#timeOut(now));
    if (failures.length > 0) throw failures[0];
  }

  /**
   * Records older than a sweep period that this process does not own: a crashed worker's. Their
   * fills are staged per order at the record's time (what they complete is due, and committed
   * at once), then the records dropped. The one recovery path, for every record kind.
   */
  async #recover(now: number, index: string, prefix: string, decode: (value: string) => Map<string, OrderFill[]>): Promise<void> {
    const limit = this.#t.recoverPerSweep;
    const entries = (await this.#store.recordsBefore(now - this.#t.recordLeaseMs, limit + this.#book.recordCount, index)).filter((e) => !this.#book.owns(e.id)).slice(0, limit);
    if (entries.length === 0) return;
    const values = await this.#store.readRecords(entries.map((e) => this.#store.key(`${prefix}${e.id}`)));
    const orders = new Map<string, { member: string; fills: OrderFill[]; firstSeen: number }>();
    entries.forEach(({ at }, i) => {
      const value = values[i];
      if (value === null || value === undefined) return; // expired, or dropped by its owner since
      for (const [member, fills] of decode(value)) {
        const order = orders.get(member);
        if (order === undefined) orders.set(member, { member, fills: [...fills], firstSeen: at });
        else order.fills.push(...fills);
      }
    });
    const due = await this.#store.stage([...orders.values()] satisfies OrderToStage[], now);
    this.#committer.due(due);
    await this.#committer.kick();
    await this.#store.dropRecords(entries.map((e) => e.id), index, prefix);
  }

  /**
   * Once per process: pending orders staged by an older release may hold their terminal fill
   * without being due (that release kept no `ended` set); those complete are committed now.
   */
  async #migrate(): Promise<void> {
    const limit = this.#t.sweepBatch;
    const members: string[] = [];
    for (let page: string[] = []; members.length === 0 || page.length === limit; members.push(...page)) {
      page = await this.#store.pendingBefore(Infinity, limit, members.length);
      if (page.length === 0) break;
    }
    for (let i = 0; i < members.length; i += limit) await this.#committer.commitFromRedis(members.slice(i, i + limit), false);
    this.#migrated = true;
  }

  /** Due orders whose commit has not happened a sweep period on (a failed insert, a crash): committed, or parked if still incomplete. */
  async #retryDue(now: number): Promise<void> {
    await this.#committer.commitFromRedis(await this.#store.dueBefore(now - this.#t.sweepIntervalMs, this.#t.sweepBatch), false);
  }

  /**
   * Orders first seen a timeout ago: those ClickHouse already has complete (a late duplicate
   * reopened them) are forgotten; the rest committed, as `incomplete` unless complete by now.
   */
  async #timeOut(now: number): Promise<void> {
    for (let round = 0; round < 10; round++) {
      const expired = await this.#store.pendingBefore(now - this.#t.timeoutMs, this.#t.sweepBatch);
      if (expired.length === 0) return;
      const done = await this.#sink.completeAmong(expired);
      await this.#store.forget([...done]);
      await this.#committer.commitFromRedis(expired.filter((m) => !done.has(m)), true);
      if (expired.length < this.#t.sweepBatch) return;
    }
  }
}
