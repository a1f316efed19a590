import { randomUUID } from 'node:crypto';
import type { Trade } from '../../src/trade/trade-schema.js';

let seq = 0;

/** A valid trade; override any field. ts_ns strictly increases across calls. */
export function makeTrade(overrides: Partial<Record<keyof Trade, unknown>> = {}): Trade {
  seq += 1;
  return {
    schema_version: 1,
    trade_id: randomUUID(),
    order_id: `ORD-${seq}`,
    fill_seq: 1,
    symbol: 'AAPL',
    side: 'buy',
    price: '227.1234',
    qty: '10.5',
    order_qty: '10.5',
    cum_qty: '10.5',
    order_status: 'filled',
    ts_ns: (1_763_776_000_000_000_000n + BigInt(seq)).toString(),
    venue: 'XNAS',
    account: 'ACC-001',
    ...overrides,
  } as Trade;
}
