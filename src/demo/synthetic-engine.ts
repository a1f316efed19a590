import { randomUUID } from 'node:crypto';
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

/**
 * A synthetic engine: orders on real-looking instruments, each split into 1-6 partial fills
 * (some cancelled early), prices walking around a reference, ts_ns strictly increasing.
 * Quantities are in lots of 0.001, prices exact to 4 decimals.
 */
export class SyntheticEngine {
  readonly #random: () => number;
  readonly #open: OpenOrder[] = [];
  #orderSeq = 0;
  #lastNs = BigInt(Date.now()) * 1_000_000n;

  constructor(seed = Date.now()) {
    this.#random = seededRandom(seed);
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
      id: `ORD-${Date.now().toString(36)}-${this.#orderSeq}`,
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
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    this.#lastNs = nowNs > this.#lastNs ? nowNs : this.#lastNs + 1n + BigInt(Math.floor(this.#random() * 1000));
    const drift = 1 + (this.#random() - 0.5) * 0.002;
    const priceUnits = BigInt(Math.max(1, Math.round(order.instrument.price * drift * 10_000)));
    return {
      schema_version: TRADE_SCHEMA_VERSION,
      trade_id: randomUUID(),
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
