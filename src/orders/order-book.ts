import type { BatchOrder } from './group-by-order.js';
import { OrderAccumulator } from './order-accumulator.js';
import type { OrderRow } from './order-row.js';

/**
 * Where an order held in memory is (src/orders/README.md has the whole table):
 * - `carried`: open; found by later batches, which add their fills to it.
 * - `held`: complete, its row waiting for the committer's insert.
 * - `claimed`: taken out to be inserted or staged; back to `held`/`carried` if that fails.
 * In every state its fills are durable in the batch records it lists.
 */
export type OrderState = 'carried' | 'held' | 'claimed';

export interface BookEntry {
  state: OrderState;
  order: OrderAccumulator;
  /** When its first fill was seen (ms): its first-seen time once staged. */
  readonly firstSeen: number;
  /** Batch records holding its fills. */
  readonly records: string[];
  /** Its row, once complete. */
  row: OrderRow | undefined;
}

/**
 * The in-memory book of one worker's orders: carried ones by member, held ones in a queue, and
 * how many of them still need each batch record (a record is dropped once none does). Only
 * synchronous steps: the tracker serializes the steps that await between them.
 */
export class OrderBook {
  readonly #carried = new Map<string, BookEntry>();
  /** Carried orders per order id: most orders of a batch are not carried, and this tells so without building their member. */
  readonly #orderIds = new Map<string, number>();
  #held: BookEntry[] = [];
  readonly #records = new Map<string, number>();
  /** Fills of carried and held orders. */
  #fills = 0;

  /** The carried order of an account's order id, for a batch to add its fills to (groupByOrder). */
  readonly carriedOrder = (account: string, orderId: string): OrderAccumulator | undefined => {
    if (!this.#orderIds.has(orderId)) return undefined;
    return this.#carried.get(`${account}|${orderId}`)?.order;
  };

  /** Fills held in memory (carried or held). */
  get fills(): number {
    return this.#fills;
  }

  get carriedCount(): number {
    return this.#carried.size;
  }

  get heldCount(): number {
    return this.#held.length;
  }

  /** A record this process still needs: a sweep must leave it alone. */
  owns(record: string): boolean {
    return this.#records.has(record);
  }

  get recordCount(): number {
    return this.#records.size;
  }

  #entry(member: string): BookEntry | undefined {
    return this.#carried.get(member);
  }

  #addCarried(entry: BookEntry): void {
    entry.state = 'carried';
    this.#carried.set(entry.order.member, entry);
    this.#orderIds.set(entry.order.orderId, (this.#orderIds.get(entry.order.orderId) ?? 0) + 1);
    this.#fills += entry.order.fills.length;
  }

  #removeCarried(entry: BookEntry): void {
    this.#carried.delete(entry.order.member);
    const left = (this.#orderIds.get(entry.order.orderId) ?? 1) - 1;
    if (left > 0) this.#orderIds.set(entry.order.orderId, left);
    else this.#orderIds.delete(entry.order.orderId);
    this.#fills -= entry.order.fills.length;
  }

  #ref(entry: BookEntry, record: string | undefined): void {
    if (record === undefined || entry.records.includes(record)) return;
    entry.records.push(record);
    this.#records.set(record, (this.#records.get(record) ?? 0) + 1);
  }

  /** A batch's open order, its new fills written in `record`: carried (new, first seen `now`, or with its earlier fills). */
  carry({ order, before }: BatchOrder, record: string, now: number): void {
    const entry = this.#entry(order.member);
    if (entry === undefined) {
      const fresh: BookEntry = { state: 'carried', order, firstSeen: now, records: [], row: undefined };
      this.#ref(fresh, record);
      this.#addCarried(fresh);
    } else {
      this.#fills += order.fills.length - before;
      this.#ref(entry, record);
    }
  }

  /** A batch's order complete with its fills, written in `record`: held for the committer. */
  hold({ order, before }: BatchOrder, row: OrderRow, record: string | undefined, now: number): void {
    const entry = this.take(order.member, before) ?? { state: 'held', order, firstSeen: now, records: [], row };
    entry.state = 'held';
    entry.row = row;
    this.#ref(entry, record);
    this.#held.push(entry);
    this.#fills += order.fills.length;
  }

  /** Takes a carried order out (to write or stage it); `before` is how many fills it had before this batch. */
  take(member: string, before = -1): BookEntry | undefined {
    const entry = this.#entry(member);
    if (entry === undefined) return undefined;
    if (before >= 0) this.#fills -= entry.order.fills.length - before; // its new fills were never counted
    this.#removeCarried(entry);
    entry.state = 'claimed';
    return entry;
  }

  /** A batch that failed leaves its orders as they were before it: its fills come again with its jobs' retry. */
  rollback({ order, before }: BatchOrder, entry = this.#entry(order.member)): void {
    if (entry === undefined || entry.order !== order || order.fills.length === before) return;
    const restored = new OrderAccumulator(order.account, order.orderId, order.member);
    for (let i = 0; i < before; i++) restored.push(order.fills[i] as (typeof order.fills)[number]);
    entry.order = restored; // the batch's fills were never counted in #fills
  }

  /** Claims every held order, for one insert. */
  claimHeld(): BookEntry[] {
    const held = this.#held;
    this.#held = [];
    for (const e of held) {
      e.state = 'claimed';
      this.#fills -= e.order.fills.length;
    }
    return held;
  }

  /** Claims carried orders first seen before `before`, and the oldest beyond `maxFills` fills in memory. */
  claimAged(before: number, maxFills: number): BookEntry[] {
    const out: BookEntry[] = [];
    for (const entry of this.#carried.values()) {
      if (entry.firstSeen >= before && this.#fills <= maxFills) continue;
      this.#removeCarried(entry);
      entry.state = 'claimed';
      out.push(entry);
    }
    return out;
  }

  claimAll(): BookEntry[] {
    return [...this.claimAged(Infinity, -1), ...this.claimHeld()];
  }

  /** Puts claimed orders back (their insert or staging failed): held ones to the queue, open ones carried (merged with any carried since). */
  restore(entries: readonly BookEntry[]): void {
    for (const entry of entries) {
      if (entry.row !== undefined) {
        entry.state = 'held';
        this.#held.push(entry);
        this.#fills += entry.order.fills.length;
        continue;
      }
      const since = this.#entry(entry.order.member);
      if (since !== undefined) {
        this.#removeCarried(since);
        for (const f of since.order.fills) entry.order.add(f);
        for (const r of since.records) if (!entry.records.includes(r)) entry.records.push(r);
        else this.#records.set(r, (this.#records.get(r) ?? 1) - 1);
      }
      this.#addCarried(entry);
    }
  }

  /** Claimed orders are written or staged: returns the records none of the book's orders needs any more. */
  release(entries: readonly BookEntry[]): string[] {
    const done: string[] = [];
    for (const { records } of entries) {
      for (const id of records) {
        const refs = (this.#records.get(id) ?? 1) - 1;
        if (refs > 0) this.#records.set(id, refs);
        else if (this.#records.delete(id)) done.push(id);
      }
    }
    return done;
  }
}
