import type { BatchOrder } from './group-by-order.js';
import type { OrderAccumulator } from './order-accumulator.js';
import { orderMember } from './staged-fill.js';

/** An order still open after a large batch, kept in memory to merge with later batches. */
export interface CarriedOrder {
  readonly order: OrderAccumulator;
  /** When its first fill was carried (ms): its first-seen time if it is staged later. */
  readonly firstSeen: number;
  /** Carry records holding its fills. */
  readonly records: string[];
  /** Its fills counted in CarriedOrders.rows. */
  rows: number;
  /**
   * Some of its fills in memory may be in no carry record (a record write or a staging failed):
   * the next record written for it holds all its fills, not only the new ones.
   */
  tainted: boolean;
}

interface RecordState {
  /** Carried orders with fills in the record. */
  refs: number;
  /** Settles once the record is written (or failed to be). */
  readonly written: Promise<unknown>;
}

/**
 * Open orders of large batches, in memory, and the carry records in Redis that hold their fills
 * for a crash. An order leaves by being claimed (to be written or staged per order) and then
 * released, or restored if that failed; a record can be dropped once no carried or claimed order
 * has fills in it. Claiming first means batches in flight side by side never both take an order.
 */
export class CarriedOrders {
  readonly #orders = new Map<string, CarriedOrder>();
  /** Carried orders per order id: most orders of a batch are not carried, and this tells so without building their member. */
  readonly #orderIds = new Map<string, number>();
  readonly #records = new Map<string, RecordState>();
  #rows = 0;

  /** The carried order of an account's order id, to add a batch's fills to. */
  orderOf(account: string, orderId: string): OrderAccumulator | undefined {
    if (!this.#orderIds.has(orderId)) return undefined;
    return this.#orders.get(orderMember(account, orderId))?.order;
  }

  #set(carried: CarriedOrder): void {
    this.#orders.set(carried.order.member, carried);
    this.#orderIds.set(carried.order.orderId, (this.#orderIds.get(carried.order.orderId) ?? 0) + 1);
    this.#rows += carried.rows;
  }

  #delete(carried: CarriedOrder): void {
    this.#orders.delete(carried.order.member);
    const left = (this.#orderIds.get(carried.order.orderId) ?? 1) - 1;
    if (left > 0) this.#orderIds.set(carried.order.orderId, left);
    else this.#orderIds.delete(carried.order.orderId);
    this.#rows -= carried.rows;
  }

  /** Fills carried. */
  get rows(): number {
    return this.#rows;
  }

  /** Carry records this process still needs. */
  get recordCount(): number {
    return this.#records.size;
  }

  /** A record this process still needs: a sweep must leave it alone. */
  owns(record: string): boolean {
    return this.#records.has(record);
  }

  /**
   * Carries open orders with new fills, all of which the carry record `record` (being written)
   * holds: orders carried already took their new fills in groupByOrder; the others are new,
   * first seen `now`.
   */
  carry(record: string, written: Promise<unknown>, orders: readonly BatchOrder[], now: number): void {
    this.#records.set(record, { refs: orders.length, written });
    for (const { order } of orders) {
      const carried = this.#orders.get(order.member);
      if (carried === undefined) {
        this.#set({ order, firstSeen: now, records: [record], rows: order.fills.length, tainted: false });
      } else {
        carried.records.push(record);
        this.#rows += order.fills.length - carried.rows;
        carried.rows = order.fills.length;
      }
    }
  }

  /** Whether the next record of this carried order must hold all its fills (see CarriedOrder.tainted). */
  isTainted(member: string): boolean {
    return this.#orders.get(member)?.tainted === true;
  }

  /** Marks orders whose fills of a failed record write are only in memory; a later record holds them all. */
  taint(members: readonly string[]): void {
    for (const m of members) {
      const carried = this.#orders.get(m);
      if (carried !== undefined) carried.tainted = true;
    }
  }

  /** Clears the mark once a record holding all of an order's fills (as of `fills`) is written. */
  untaint(member: string, fills: number): void {
    const carried = this.#orders.get(member);
    if (carried !== undefined && carried.order.fills.length === fills) carried.tainted = false;
  }

  /** Takes an order out (to write or stage it); its records stay until release or restore. */
  claim(member: string): CarriedOrder | undefined {
    const carried = this.#orders.get(member);
    if (carried === undefined) return undefined;
    this.#delete(carried);
    return carried;
  }

  /** Claims orders first seen before `before`, and the oldest beyond `maxRows` fills. */
  claimAged(before: number, maxRows: number): CarriedOrder[] {
    const out: CarriedOrder[] = [];
    for (const carried of this.#orders.values()) {
      if (carried.firstSeen >= before && this.#rows <= maxRows) continue;
      this.#delete(carried);
      out.push(carried);
    }
    return out;
  }

  claimAll(): CarriedOrder[] {
    return this.claimAged(Infinity, 0);
  }

  /** Claims the carried orders among these members. */
  claimAmong(members: Iterable<string>): CarriedOrder[] {
    const out: CarriedOrder[] = [];
    for (const member of members) {
      const carried = this.claim(member);
      if (carried !== undefined) out.push(carried);
    }
    return out;
  }

  /** Claimed orders are written or staged per order: returns the records nothing needs any more, with their write. */
  release(orders: readonly CarriedOrder[]): { id: string; written: Promise<unknown> }[] {
    const done: { id: string; written: Promise<unknown> }[] = [];
    for (const { records } of orders) {
      for (const id of records) {
        const state = this.#records.get(id);
        if (state === undefined || --state.refs > 0) continue;
        this.#records.delete(id);
        done.push({ id, written: state.written });
      }
    }
    return done;
  }

  /** Puts back a claimed order whose write or staging failed, with the fills carried for it since; tainted, as its newest fills may be in no record. */
  restore(claimed: CarriedOrder): void {
    const since = this.#orders.get(claimed.order.member);
    if (since !== undefined) {
      for (const f of since.order.fills) claimed.order.add(f);
      claimed.records.push(...since.records);
      this.#delete(since);
    }
    this.#set({ order: claimed.order, firstSeen: Math.min(claimed.firstSeen, since?.firstSeen ?? Infinity), records: claimed.records, rows: claimed.order.fills.length, tainted: true });
  }
}
