import { ConfigError } from '../errors/index.js';
import type { Env } from './env-schema.js';

/** The orders' timings and limits (TRADE_SYNC_ORDER_*: defaults in env-schema.ts and README's Configuration table). */
export interface OrderThresholds {
  /** Orders still incomplete this long after their first fill are committed as `incomplete`. @defaultValue 300_000 */
  readonly timeoutMs: number;
  /** Sweep period; a due order's commit is retried by the sweep this long after it was due. @defaultValue 5_000 */
  readonly sweepIntervalMs: number;
  /** Orders read per sweep step (due retries, timeouts; up to 10 rounds of timeouts per sweep). @defaultValue 1_000 */
  readonly sweepBatch: number;
  /** Batch records of crashed workers recovered per sweep. @defaultValue 100 */
  readonly recoverPerSweep: number;
  /** Carried orders this old are staged per order, where a fill through another worker can complete them. @defaultValue sweepIntervalMs / 2 */
  readonly carryMs: number;
  /** A batch record older than this, whose worker is not this one, is taken for a crashed worker's. Above carryMs. @defaultValue sweepIntervalMs */
  readonly recordLeaseMs: number;
  /** Smallest batch whose complete orders are written before its jobs complete (smaller: just after). @defaultValue 2_000 */
  readonly inBatchMinRows: number;
  /** Fills held in memory (carried and held orders) past which the oldest carried orders are staged. @defaultValue 100_000 */
  readonly maxMemoryFills: number;
}

/** The order thresholds from the environment: the carry time defaults to half the sweep period and must stay under it. */
export function orderThresholds(env: Env): OrderThresholds {
  const sweepIntervalMs = env.TRADE_SYNC_ORDER_SWEEP_MS;
  const carryMs = env.TRADE_SYNC_ORDER_CARRY_MS ?? Math.floor(sweepIntervalMs / 2);
  if (carryMs >= sweepIntervalMs) {
    throw new ConfigError(`TRADE_SYNC_ORDER_CARRY_MS (${carryMs}) must be below TRADE_SYNC_ORDER_SWEEP_MS (${sweepIntervalMs}): a sweep takes batch records older than a sweep period for a crashed worker's`);
  }
  return {
    timeoutMs: env.TRADE_SYNC_ORDER_TIMEOUT_MS,
    sweepIntervalMs,
    sweepBatch: env.TRADE_SYNC_ORDER_SWEEP_BATCH,
    recoverPerSweep: env.TRADE_SYNC_ORDER_RECOVER_PER_SWEEP,
    carryMs,
    recordLeaseMs: sweepIntervalMs,
    inBatchMinRows: env.TRADE_SYNC_ORDER_IN_BATCH_MIN_ROWS,
    maxMemoryFills: env.TRADE_SYNC_ORDER_MAX_MEMORY_FILLS,
  };
}
