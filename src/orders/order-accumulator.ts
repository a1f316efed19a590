import { computeOrderExact } from './compute-order-exact.js';
import { orderVersion, type OrderRow } from './order-row.js';
import { compareDecimal, compareDigits, DecimalReader, divPow10HalfEven, formatDecimal, MAX_SAFE, POW10, normalizeDecimal } from '../trade/decimal.js';
import { isTerminalFill, orderMember, type OrderFill } from './order-fill.js';

/** Reads every decimal here, one at a time (nothing here awaits). */
const reader = new DecimalReader();

/** Past this many fills, a Set finds repeated trade ids instead of a scan. */
const SCAN_LIMIT = 16;

/**
 * One order's fills and running totals, added one fill at a time, so that a batch is read once,
 * in arrival order, each trade's fields while they are at hand. Totals are exact integers in
 * doubles (Σ qty at the largest qty scale seen, Σ price × qty at the largest product scale seen),
 * every step checked to stay ≤ MAX_SAFE: a step whose true result passes it rounds to ≥ 2^53,
 * and totals of non-negative terms only grow, so checking the running totals catches every
 * inexact step. A value that is not canonical, or an integer that would not stay safe, switches
 * the order to BigInt (computeOrderExact) for good: the same text either way.
 */
export class OrderAccumulator {
  readonly account: string;
  readonly orderId: string;
  #member: string | undefined;
  /** Its fills, in the order they were added. */
  readonly fills: OrderFill[];
  #ids: Set<string> | undefined;
  #exact = false;
  #sumQ = 0;
  #qScale = 0;
  #sumPQ = 0;
  #pqScale = 0;
  #firstTs = '';
  #lastTs = '';
  #terminal: OrderFill | undefined;

  constructor(account: string, orderId: string, member?: string) {
    this.account = account;
    this.orderId = orderId;
    this.#member = member;
    this.fills = [];
  }

  /** `account|order_id`, built when first asked for: most orders written from a batch never need it. */
  get member(): string {
    return (this.#member ??= orderMember(this.account, this.orderId));
  }

  /** True once a value sent the order to BigInt (for tests: the fast path must stay tested). */
  get exact(): boolean {
    return this.#exact;
  }

  /** Adds a fill unless its trade id is already here; false for a repeat. */
  add(f: OrderFill): boolean {
    const fills = this.fills;
    if (fills.length < SCAN_LIMIT) {
      for (let i = 0; i < fills.length; i++) if ((fills[i] as OrderFill).trade_id === f.trade_id) return false;
    } else {
      this.#ids ??= new Set(fills.map((g) => g.trade_id));
      if (this.#ids.has(f.trade_id)) return false;
      this.#ids.add(f.trade_id);
    }
    this.push(f);
    return true;
  }

  /** Adds a fill known not to repeat one here. */
  push(f: OrderFill): void {
    this.fills.push(f);
    if (!this.#exact && !this.#accumulate(f)) this.#exact = true;
  }

  /** Folds one fill into the totals; false when only BigInt can take it. */
  #accumulate(f: OrderFill): boolean {
    if (!reader.read(f.qty)) return false;
    const q = reader.units;
    const qs = reader.scale;
    if (!reader.read(f.price)) return false;
    const p = reader.units;
    const ps = reader.scale + qs;
    const ts = f.ts_ns;
    if (!isTimestamp(ts)) return false;
    if (qs > this.#qScale) {
      this.#sumQ = this.#sumQ * (POW10[qs - this.#qScale] as number) + q;
      this.#qScale = qs;
    } else {
      this.#sumQ += q * (POW10[this.#qScale - qs] as number);
    }
    const product = p * q;
    if (ps > this.#pqScale) {
      this.#sumPQ = this.#sumPQ * (POW10[ps - this.#pqScale] as number) + product;
      this.#pqScale = ps;
    } else {
      this.#sumPQ += product * (POW10[this.#pqScale - ps] as number);
    }
    if (this.#sumQ > MAX_SAFE || this.#sumPQ > MAX_SAFE) return false;
    // Timestamps compare as text: canonical digits (checked) order like the numbers.
    if (this.fills.length === 1) this.#firstTs = this.#lastTs = ts;
    else if (compareDigits(ts, this.#firstTs) < 0) this.#firstTs = ts;
    else if (compareDigits(ts, this.#lastTs) > 0) this.#lastTs = ts;
    if (isTerminalFill(f.order_status, f.cum_qty, f.order_qty)) {
      // compareDecimal orders canonical decimals as BigInt does; the reader checks canonical.
      if (!reader.read(f.cum_qty)) return false;
      if (this.#terminal === undefined || compareDecimal(f.cum_qty, this.#terminal.cum_qty) > 0) this.#terminal = f;
    }
    return true;
  }

  /**
   * The order's row from its fills so far: complete when a terminal fill is present and the
   * quantities add up to its cum_qty; otherwise undefined, or with `force` an `incomplete` row.
   */
  row(force = false): OrderRow | undefined {
    const fills = this.fills;
    const first = fills[0];
    if (first === undefined) return undefined;
    if (this.#exact) return computeOrderExact(this.account, this.orderId, fills, force);
    const terminal = this.#terminal;
    const complete = terminal !== undefined && this.#filledIs(terminal.cum_qty);
    if (!complete && !force) return undefined;
    const sumQ = this.#sumQ;
    let vwap: string | undefined;
    if (sumQ === 0) vwap = '0';
    else if (fills.length === 1) vwap = normalizeDecimal(first.price); // p × q / q is p, exactly, at its own scale ≤ 12
    else vwap = vwapOf(this.#sumPQ, sumQ, 12 + this.#qScale - this.#pqScale);
    if (vwap === undefined) return computeOrderExact(this.account, this.orderId, fills, force);
    const pqScale = this.#pqScale;
    return {
      account: this.account,
      orderId: this.orderId,
      symbol: first.symbol,
      side: first.side,
      venue: first.venue,
      orderQty: (terminal ?? first).order_qty,
      filledQty: complete ? normalizeDecimal(terminal.cum_qty) : formatScaled(sumQ, this.#qScale), // complete: Σ qty is that cum_qty
      notional: pqScale <= 12 ? formatScaled(this.#sumPQ, pqScale) : formatScaled(divPow10HalfEven(this.#sumPQ, pqScale - 12), 12),
      vwap,
      fillCount: fills.length,
      firstTsNs: this.#firstTs,
      lastTsNs: this.#lastTs,
      status: !complete ? 'incomplete' : terminal.order_status === 'cancelled' ? 'cancelled' : 'filled',
      version: orderVersion(complete, fills.length),
    };
  }

  /** Σ qty equals this canonical decimal (checked when its fill was added). */
  #filledIs(value: string): boolean {
    reader.read(value);
    const { units, scale } = reader;
    // A product past MAX_SAFE is inexact but ≥ 2^53, so never equal to a safe total.
    return scale <= this.#qScale ? units * (POW10[this.#qScale - scale] as number) === this.#sumQ : this.#sumQ * (POW10[scale - this.#qScale] as number) === units;
  }
}

/** Digits only, no leading zero, as BigInt would print them back (a regex: faster than a loop here). */
const TIMESTAMP = /^(?:0|[1-9][0-9]*)$/;

function isTimestamp(value: string): boolean {
  return TIMESTAMP.test(value);
}

/** units × 10^-scale (units safe, scale ≤ 12) as fromScaled prints it. */
function formatScaled(units: number, scale: number): string {
  if (scale === 0) return String(units);
  const unit = POW10[scale] as number;
  const frac = units % unit;
  return formatDecimal((units - frac) / unit, frac, scale);
}

/**
 * round_half_even(x × 10^e / b) at scale 12, as text: the integer quotient, then the e more
 * digits by long division, as many at a time as keep remainder × 10^k safe (usually all at
 * once). undefined when b is too large for that. The result itself may pass 2^53 (67250.5 at 12
 * places), so it is never one number: its integer part and its 12 fraction digits are.
 */
function vwapOf(x: number, b: number, e: number): string | undefined {
  if (e < 0 || (e > 0 && b > MAX_SAFE / 10)) return undefined;
  let r = x % b;
  let q = (x - r) / b; // at scale 12 - e
  let low = 0; // the next e digits
  for (let left = e; left > 0; ) {
    let k = left;
    while (k > 1 && b * (POW10[k] as number) > MAX_SAFE) k--; // r < b, so r × 10^k stays safe
    const shifted = r * (POW10[k] as number);
    r = shifted % b;
    low = low * (POW10[k] as number) + (shifted - r) / b;
    left -= k;
  }
  const twice = 2 * r;
  if (twice > b || (twice === b && (e > 0 ? low : q) % 2 === 1)) {
    if (e === 0) q += 1;
    else if (++low === POW10[e]) {
      low = 0;
      q += 1;
    }
  }
  const unit = POW10[12 - e] as number;
  const high = q % unit;
  return formatDecimal((q - high) / unit, high * (POW10[e] as number) + low, 12);
}
