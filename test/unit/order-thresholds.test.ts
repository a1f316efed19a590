import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import { testEnv } from '../helpers/test-env.js';

test('order thresholds: documented defaults, the carry time half the sweep period unless set, and never at or past it', () => {
  const t = loadConfig(testEnv({ TRADE_SYNC_ORDER_SWEEP_MS: '4000' })).orders.thresholds;
  assert.deepEqual(
    [t.sweepIntervalMs, t.carryMs, t.recordLeaseMs, t.sweepBatch, t.recoverPerSweep, t.inBatchMinRows, t.maxMemoryFills],
    [4_000, 2_000, 4_000, 1_000, 100, 2_000, 100_000],
  );
  assert.equal(loadConfig(testEnv({ TRADE_SYNC_ORDER_SWEEP_MS: '4000', TRADE_SYNC_ORDER_CARRY_MS: '500' })).orders.thresholds.carryMs, 500);
  assert.throws(() => loadConfig(testEnv({ TRADE_SYNC_ORDER_SWEEP_MS: '4000', TRADE_SYNC_ORDER_CARRY_MS: '4000' })), /TRADE_SYNC_ORDER_CARRY_MS \(4000\) must be below TRADE_SYNC_ORDER_SWEEP_MS/);
});
