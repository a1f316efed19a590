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

/** Versions of orders of up to 255 fills, made once: a BigInt per order row is garbage for the GC. */
const COMPLETE_VERSIONS = Array.from({ length: 256 }, (_, n) => COMPLETE_RANK + BigInt(n));
const INCOMPLETE_VERSIONS = Array.from({ length: 256 }, (_, n) => BigInt(n));

/** A complete commit outranks any incomplete one; among either, more fills outrank fewer. */
export function orderVersion(complete: boolean, fillCount: number): bigint {
  return (complete ? COMPLETE_VERSIONS : INCOMPLETE_VERSIONS)[fillCount] ?? (complete ? COMPLETE_RANK : 0n) + BigInt(fillCount);
}
