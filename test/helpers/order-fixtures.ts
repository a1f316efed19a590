import { randomUUID } from 'node:crypto';
import type { Trade } from '../../src/trade/trade-schema.js';

/** The expected orders-table row of one order, computed independently of src/orders. */
export interface ExpectedOrder {
  readonly account: string;
  readonly orderId: string;
  readonly filledQty: string;
  readonly vwap: string;
  readonly fillCount: number;
  readonly status: 'filled' | 'cancelled';
}

const SCALE = 10n ** 12n;

function fmt(units: bigint): string {
  const int = units / SCALE;
  const frac = (units % SCALE).toString().padStart(12, '0').replace(/0+$/, '');
  return frac ? `${int}.${frac}` : `${int}`;
}

/** Round half to even of a / b for positive integers. */
function halfEven(a: bigint, b: bigint): bigint {
  const q = a / b;
  const r2 = 2n * (a % b);
  return r2 > b || (r2 === b && q % 2n === 1n) ? q + 1n : q;
}

/**
 * `count` orders, each split into 1-5 fills with prices of up to 4 decimals and quantities of up
 * to 3; about one in ten is cancelled before its last planned fill. Returns the fills (in order)
 * and the truth per order.
 */
export function makeOrders(count: number, random: () => number, tag = randomUUID().slice(0, 8)): { fills: Trade[]; expected: ExpectedOrder[] } {
  const fills: Trade[] = [];
  const expected: ExpectedOrder[] = [];
  let ts = 1_763_776_000_000_000_000n;
  for (let o = 0; o < count; o++) {
    const orderId = `O-${tag}-${o}`;
    const account = `ACC-${o % 7}`;
    const planned = 1 + Math.floor(random() * 5);
    const lots = Array.from({ length: planned }, () => BigInt(1 + Math.floor(random() * 5_000)));
    const orderLots = lots.reduce((a, b) => a + b, 0n);
    const cancelAt = planned > 1 && random() < 0.1 ? planned - 1 : planned;
    let cum = 0n;
    let notional = 0n;
    for (let i = 0; i < cancelAt; i++) {
      const lot = lots[i] as bigint;
      const priceUnits = BigInt(1_000_000 + Math.floor(random() * 9_000_000)); // 100.0000 .. 999.9999
      cum += lot;
      notional += priceUnits * lot; // scale 4 × 3 = 7
      const last = i === cancelAt - 1;
      ts += 1n + BigInt(Math.floor(random() * 1_000));
      fills.push({
        schema_version: 1,
        trade_id: randomUUID(),
        order_id: orderId,
        fill_seq: i + 1,
        symbol: 'ORDX',
        side: o % 2 === 0 ? 'buy' : 'sell',
        price: fmt(priceUnits * 10n ** 8n),
        qty: fmt(lot * 10n ** 9n),
        order_qty: fmt(orderLots * 10n ** 9n),
        cum_qty: fmt(cum * 10n ** 9n),
        order_status: last ? (cancelAt < planned ? 'cancelled' : 'filled') : 'partial',
        ts_ns: ts.toString(),
        venue: 'XNAS',
        account,
      });
    }
    // vwap = notional(scale 7) / cum(scale 3) → scale 4; at scale 12: notional·10^12 / (cum·10^4)... keep exact:
    const vwapUnits = halfEven(notional * 10n ** 12n, cum * 10n ** 4n); // scale 12
    expected.push({ account, orderId, filledQty: fmt(cum * 10n ** 9n), vwap: fmt(vwapUnits), fillCount: cancelAt, status: cancelAt < planned ? 'cancelled' : 'filled' });
  }
  return { fills, expected };
}

/** Fisher-Yates shuffle with the given random source (in place; returns the array). */
export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}
