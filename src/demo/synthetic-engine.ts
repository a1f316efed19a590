import { createHash, randomUUID } from 'node:crypto';
import { TRADE_SCHEMA_VERSION, type Trade } from '../trade/trade-schema.js';
import { seededRandom } from './seeded-random.js';

const INSTRUMENTS: readonly { symbol: string; price: number; venue: string }[] = [
  { symbol: 'AAPL', price: 227.5, venue: 'XNAS' },
  { symbol: 'MSFT', price: 415.2, venue: 'XNAS' },
  { symbol: 'NVDA', price: 131.8, venue: 'XNAS' },
  { symbol: 'AMZN', price: 186.4, venue: 'XNAS' },
  { symbol: 'TSLA', price: 248.9, venue: 'XNAS' },
  { symbol: 'JPM', price: 212.3, venue: 'XNYS' },
  { symbol: 'SPY', price: 571.1, venue: 'ARCX' },
  { symbol: 'BTC-USD', price: 67250.5, venue: 'CBSE' },
  { symbol: 'ETH-USD', price: 2650.25, venue: 'CBSE' },
  { symbol: 'EURUSD', price: 1.0875, venue: 'EBS' },
];
const ACCOUNTS = ['ACC-001', 'ACC-002', 'ACC-017', 'MM-DESK-1', 'ARB-7'];

/** Formats a scaled integer (value × 10^scale) as an exact decimal string. */
function decimalOf(units: bigint, scale: number): string {
  const text = units.toString().padStart(scale + 1, '0');
  const int = text.slice(0, text.length - scale);
  const frac = text.slice(text.length - scale).replace(/0+$/, '');
  return frac === '' ? int : `${int}.${frac}`;
}

interface OpenOrder {
  readonly id: string;
  readonly instrument: (typeof INSTRUMENTS)[number];
  readonly side: 'buy' | 'sell';
  readonly account: string;
  readonly orderLots: bigint;
  readonly fills: bigint[];
  readonly cancelAfter: number;
  next: number;
  cum: bigint;
}

/** Where a seeded stream's clock starts unless told otherwise: 2026-01-01T00:00:00Z. */
export const SEEDED_START_NS = 1_767_225_600_000_000_000n;

/** A version-4-shaped UUID from the first 16 bytes of SHA-256 of `name`: the same name, the same id. */
function uuidOf(name: string): string {
  const b = createHash('sha256').update(name).digest();
  b[6] = ((b[6] as number) & 0x0f) | 0x40;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = b.toString('hex', 0, 16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * A synthetic engine: orders on real-looking instruments, each split into 1-6 partial fills
 * (some cancelled early), prices walking around a reference, ts_ns strictly increasing.
 * Quantities are in lots of 0.001, prices exact to 4 decimals.
 *
 * Without a seed the stream is new each time: random trade ids, timestamps from the wall clock.
 * With a seed it is reproducible: the same seed gives the same trade ids, order ids, fills and
 * timestamps (a clock of its own from `startNs`, default SEEDED_START_NS), so publishing it twice
 * lands each trade once.
 */
export class SyntheticEngine {
  readonly #random: () => number;
  readonly #seed: number | undefined;
  readonly #open: OpenOrder[] = [];
  #orderSeq = 0;
  #tradeSeq = 0;
  #lastNs: bigint;

  constructor(seed?: number, startNs: bigint = SEEDED_START_NS) {
    this.#seed = seed;
    this.#random = seededRandom(seed ?? Math.floor(Math.random() * 2 ** 32));
    this.#lastNs = seed === undefined ? BigInt(Date.now()) * 1_000_000n : startNs;
  }

  /** The wall clock (unseeded) or the stream's own clock: strictly increasing either way. */
  #nextNs(): bigint {
    const step = 1n + BigInt(Math.floor(this.#random() * 1000));
    if (this.#seed !== undefined) return this.#lastNs + step * 1000n;
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    return nowNs > this.#lastNs ? nowNs : this.#lastNs + step;
  }

  #pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.#random() * list.length)] as T;
  }

  #newOrder(): OpenOrder {
    const orderLots = BigInt(1 + Math.floor(this.#random() * 500)) * 1000n;
    const parts = 1 + Math.floor(this.#random() * 6);
    const fills: bigint[] = [];
    let left = orderLots;
    for (let i = parts; i > 1 && left > 1n; i--) {
      const lot = 1n + BigInt(Math.floor(this.#random() * Number(left - 1n) * 0.6));
      fills.push(lot);
      left -= lot;
    }
    fills.push(left);
    this.#orderSeq += 1;
    return {
      id: `ORD-${this.#seed === undefined ? Date.now().toString(36) : `s${this.#seed}`}-${this.#orderSeq}`,
      instrument: this.#pick(INSTRUMENTS),
      side: this.#random() < 0.5 ? 'buy' : 'sell',
      account: this.#pick(ACCOUNTS),
      orderLots,
      fills,
      cancelAfter: this.#random() < 0.05 ? Math.max(1, fills.length - 1) : Infinity,
      next: 0,
      cum: 0n,
    };
  }

  /** The next fill. */
  next(): Trade {
    if (this.#open.length < 8 || this.#random() < 0.3) this.#open.push(this.#newOrder());
    const index = Math.floor(this.#random() * this.#open.length);
    const order = this.#open[index] as OpenOrder;
    const qty = order.fills[order.next] as bigint;
    order.cum += qty;
    order.next += 1;
    const done = order.next >= order.fills.length;
    const cancelled = !done && order.next >= order.cancelAfter;
    if (done || cancelled) this.#open.splice(index, 1);
    this.#lastNs = this.#nextNs();
    this.#tradeSeq += 1;
    const drift = 1 + (this.#random() - 0.5) * 0.002;
    const priceUnits = BigInt(Math.max(1, Math.round(order.instrument.price * drift * 10_000)));
    return {
      schema_version: TRADE_SCHEMA_VERSION,
      trade_id: this.#seed === undefined ? randomUUID() : uuidOf(`trade-sync demo ${this.#seed} ${this.#tradeSeq}`),
      order_id: order.id,
      fill_seq: order.next,
      symbol: order.instrument.symbol,
      side: order.side,
      price: decimalOf(priceUnits, 4),
      qty: decimalOf(qty, 3),
      order_qty: decimalOf(order.orderLots, 3),
      cum_qty: decimalOf(order.cum, 3),
      order_status: done ? 'filled' : cancelled ? 'cancelled' : 'partial',
      ts_ns: this.#lastNs.toString(),
      venue: order.instrument.venue,
      account: order.account,
    };
  }

  /** `count` fills at once. */
  take(count: number): Trade[] {
    return Array.from({ length: count }, () => this.next());
  }
}
