import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { OpsHistory } from '../../dashboard/ops/ops-history.js';
import { readOpsStatus } from '../../dashboard/ops/read-ops-status.js';
import { createLogger } from '../../src/logger.js';
import { registerReconcileMetrics } from '../../src/metrics/reconcile-metrics.js';
import { lastReconcileKey, lastReconcileOf, readLastReconcile, saveLastReconcile, type LastReconcile } from '../../src/reconcile/last-reconcile-store.js';
import { runReconcileSchedule } from '../../src/reconcile/reconcile-schedule.js';
import { runReconcile } from '../../src/reconcile/run-reconcile.js';
import { migratedDatabase } from '../helpers/clickhouse-helpers.js';
import { onCleanup } from '../helpers/on-cleanup.js';
import { testQueues } from '../helpers/queue-helpers.js';
import { buildReconcileFixture } from '../helpers/reconcile-fixture.js';
import { testConfig } from '../helpers/test-env.js';
import { AuditLog } from '../../src/audit/audit-log.js';

const HOUR_MS = 3_600_000;

test('scheduled: the last closed window is reconciled, stored in Redis, exported as metrics and shown on the ops page; a failed run keeps the counts', async (t) => {
  const config = testConfig();
  const db = await migratedDatabase(config);
  onCleanup(t, () => db.drop());
  const queues = testQueues(config);
  onCleanup(t, () => queues.cleanup());
  const fx = await buildReconcileFixture(db.client, config.clickhouse.database, 10_000);
  onCleanup(t, () => fx.cleanup());
  const key = lastReconcileKey(config.redis.prefix, config.queues.trades);
  const redis = queues.connection;

  // The clock (the only mock): 10 min and 1 s after the fixture's two-hour window closed, then two hours later.
  const windowEndMs = Number(fx.toNs / 1_000_000n);
  const clock = [windowEndMs + 601_000, windowEndMs + 2 * HOUR_MS + 601_000];
  const stop = new AbortController();
  const saved: LastReconcile[] = [];
  const windows: string[] = [];
  await runReconcileSchedule({
    everyMs: 2 * HOUR_MS,
    delayMs: 600_000,
    signal: stop.signal,
    log: createLogger('silent'),
    nowMs: () => clock[Math.min(saved.length, clock.length - 1)] ?? 0,
    run: async (window) => {
      windows.push(`${window.fromNs}-${window.toNs}`);
      if (saved.length > 0) throw new Error('ClickHouse is down\nsecond line');
      const summary = await runReconcile(db.client, {
        source: { format: 'duckdb', paths: [fx.sourcePath], mapping: {} },
        window,
        bucketNs: 3_600_000_000_000n,
        database: config.clickhouse.database,
        drillBuckets: 100,
        maxIds: 10,
        memoryMb: 64,
      });
      return lastReconcileOf(summary);
    },
    save: async (last) => {
      saved.push(last);
      await saveLastReconcile(redis, key, last);
      if (saved.length === 2) stop.abort();
    },
  });

  assert.deepEqual(windows, [`${fx.fromNs}-${fx.toNs}`, `${fx.toNs}-${fx.toNs + 7_200_000_000_000n}`]);
  const [first, second] = saved;
  assert.deepEqual([first?.ok, first?.match, first?.missing, first?.extra, first?.different, first?.sourceRows], [true, false, 3, 2, 1, 10_000]);
  assert.equal(first?.windowEndSeconds, Number(fx.toNs / 1_000_000_000n));
  assert.deepEqual([second?.ok, second?.error, second?.missing, second?.different], [false, 'ClickHouse is down', 3, 1], 'a failed run keeps the last counts');

  const stored = await readLastReconcile(redis, key);
  assert.deepEqual(stored, second);

  const registry = new Registry();
  registerReconcileMetrics([registry], () => readLastReconcile(redis, key));
  const text = await registry.metrics();
  assert.match(text, /^trade_sync_reconcile_missing 3$/m);
  assert.match(text, /^trade_sync_reconcile_different 1$/m);
  assert.match(text, /^trade_sync_reconcile_extra 2$/m);
  assert.match(text, /^trade_sync_reconcile_last_run_ok 0$/m);
  assert.match(text, new RegExp(`^trade_sync_reconcile_window_end_timestamp_seconds ${fx.toNs / 1_000_000_000n}$`, 'm'));

  const ops = await readOpsStatus({ config, redis, trades: queues.partitions, dlq: queues.dlq, clickhouse: db.client, history: new OpsHistory(async () => []), audit: new AuditLog(redis, config.redis.prefix, config.queues.trades) });
  assert.deepEqual([ops.reconcile?.missing, ops.reconcile?.ok, ops.reconcile?.windowTo], [3, false, second?.windowTo]);
});
