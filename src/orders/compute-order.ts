import { divRoundHalfEven, fromScaled, SCALE, rescale, toScaled } from './scaled-decimal.js';
import { isTerminalFill, type StagedFill } from './staged-fill.js';

/** One row of the orders table. Decimals are exact strings. */
export interface OrderRow {
  readonly account: string;
  readonly orderId: string;
  readonly symbol: string;
  readonly side: string;
  readonly venue: string;
  readonly orderQty: string;
  readonly filledQty: string;
  /** Σ price × qty, rounded half-even to 12 decimals. */
  readonly notional: string;
  /** Σ price × qty / Σ qty from the exact notional, rounded half-even to 12 decimals. */
  readonly vwap: string;
  readonly fillCount: number;
  readonly firstTsNs: string;
  readonly lastTsNs: string;
  readonly status: 'filled' | 'cancelled' | 'incomplete';
  /** Ranks commits of one order: a complete one beats any incomplete one, more fills beat fewer. */
  readonly version: bigint;
}

const COMPLETE_RANK = 1n << 32n;

/**
 * The order's state from the fills seen so far (duplicates already removed by trade id). It is
 * complete when a terminal fill is present (status filled or cancelled, or cum_qty = order_qty)
 * and the quantities seen add up to that fill's cum_qty — so fills that arrive out of order
 * still give one correct row. With `force`, an incomplete order is summarized as `incomplete`.
 */
export function computeOrder(account: string, orderId: string, fills: readonly StagedFill[], force = false): OrderRow | undefined {
  const first = fills[0];
  if (first === undefined) return undefined;
  let filled = 0n;
  let notional = 0n; // scale 24
  let firstTs = BigInt(first.tsNs);
  let lastTs = firstTs;
  let terminal: StagedFill | undefined;
  for (const f of fills) {
    const qty = toScaled(f.qty);
    filled += qty;
    notional += toScaled(f.price) * qty;
    const ts = BigInt(f.tsNs);
    if (ts < firstTs) firstTs = ts;
    if (ts > lastTs) lastTs = ts;
    if (isTerminalFill(f.status, f.cumQty, f.orderQty) && (terminal === undefined || toScaled(f.cumQty) > toScaled(terminal.cumQty))) terminal = f;
  }
  const complete = terminal !== undefined && filled === toScaled(terminal.cumQty);
  if (!complete && !force) return undefined;
  const status = !complete ? 'incomplete' : terminal?.status === 'cancelled' ? 'cancelled' : 'filled';
  return {
    account,
    orderId,
    symbol: first.symbol,
    side: first.side,
    venue: first.venue,
    orderQty: (terminal ?? first).orderQty,
    filledQty: fromScaled(filled),
    notional: fromScaled(rescale(notional, 2 * SCALE, SCALE)),
    vwap: filled === 0n ? '0' : fromScaled(divRoundHalfEven(notional, filled)),
    fillCount: fills.length,
    firstTsNs: firstTs.toString(),
    lastTsNs: lastTs.toString(),
    status,
    version: (complete ? COMPLETE_RANK : 0n) + BigInt(fills.length),
  };
}
