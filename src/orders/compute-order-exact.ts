import type { OrderRow } from './order-row.js';
import { orderVersion } from './order-row.js';
import { divRoundHalfEven, fromScaled, SCALE, rescale, toScaled } from '../trade/decimal.js';
import { isTerminalFill, type OrderFill } from './order-fill.js';

/**
 * computeOrder in BigInt throughout: the reference the fast path is tested against, and its
 * fallback for values whose integers would not stay exact in a double.
 */
export function computeOrderExact(account: string, orderId: string, fills: readonly OrderFill[], force = false): OrderRow | undefined {
  const first = fills[0];
  if (first === undefined) return undefined;
  let filled = 0n;
  let notional = 0n; // scale 24
  let firstTs = BigInt(first.ts_ns);
  let lastTs = firstTs;
  let terminal: OrderFill | undefined;
  for (const f of fills) {
    const qty = toScaled(f.qty);
    filled += qty;
    notional += toScaled(f.price) * qty;
    const ts = BigInt(f.ts_ns);
    if (ts < firstTs) firstTs = ts;
    if (ts > lastTs) lastTs = ts;
    if (isTerminalFill(f.order_status, f.cum_qty, f.order_qty) && (terminal === undefined || toScaled(f.cum_qty) > toScaled(terminal.cum_qty))) terminal = f;
  }
  const complete = terminal !== undefined && filled === toScaled(terminal.cum_qty);
  if (!complete && !force) return undefined;
  const status = !complete ? 'incomplete' : terminal?.order_status === 'cancelled' ? 'cancelled' : 'filled';
  return {
    account,
    orderId,
    symbol: first.symbol,
    side: first.side,
    venue: first.venue,
    orderQty: (terminal ?? first).order_qty,
    filledQty: fromScaled(filled),
    notional: fromScaled(rescale(notional, 2 * SCALE, SCALE)),
    vwap: filled === 0n ? '0' : fromScaled(divRoundHalfEven(notional, filled)),
    fillCount: fills.length,
    firstTsNs: firstTs.toString(),
    lastTsNs: lastTs.toString(),
    status,
    version: orderVersion(complete, fills.length),
  };
}
