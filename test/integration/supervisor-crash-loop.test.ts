import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { createRedisConnection } from '../../queues/index.js';
import { onCleanup } from '../helpers/on-cleanup.js';
import { purgeKeys } from '../helpers/purge-keys.js';
import { startSupervisorCli } from '../helpers/supervisor-helpers.js';
import { testConfig, testEnv } from '../helpers/test-env.js';
import { waitFor } from '../helpers/wait-for.js';

test('a worker that keeps dying is restarted with backoff and reported as a crash loop', async (t) => {
  // No migration: the sink refuses the (missing) schema at start-up and exits 1, every time.
  const env = testEnv({
    TRADE_SYNC_SUPERVISOR_CRASH_LOOP_RESTARTS: '3',
    TRADE_SYNC_LOG_LEVEL: 'warn',
  });
  const config = testConfig(env);
  onCleanup(t, async () => {
    rmSync(config.spill.dir, { recursive: true, force: true });
    const redis = createRedisConnection(config, 'producer');
    await purgeKeys(redis, `${config.redis.prefix}:${config.queues.trades}:*`);
    await purgeKeys(redis, `${config.redis.prefix}:${config.queues.dlq}:*`);
    await redis.quit();
  });
  const supervisor = await startSupervisorCli(config, {
    ...env,
    TRADE_SYNC_SUPERVISOR_PROCESSES: `${config.queues.trades}:1,${config.queues.dlq}:0`,
    TRADE_SYNC_SUPERVISOR_RESTART_BASE_MS: '100',
    TRADE_SYNC_SUPERVISOR_RESTART_MAX_MS: '400',
  });
  onCleanup(t, () => supervisor.stop());

  const status = await waitFor(supervisor.status, (s) => s?.queues[config.queues.trades]?.crashLoop === true, 90_000, 'crash loop reported');
  const trades = status?.queues[config.queues.trades];
  assert.ok((trades?.restarts ?? 0) >= 3);
  assert.equal(trades?.lastExit?.code, 1);
  assert.equal(trades?.running, 0);
  assert.match(supervisor.proc.stderr(), /crash loop/);
  assert.match(supervisor.proc.stderr(), /CLICKHOUSE_SCHEMA_MISMATCH/, "the worker's own error is in the log");
  // Restarts go on (with backoff) rather than giving up.
  await waitFor(supervisor.status, (s) => (s?.queues[config.queues.trades]?.restarts ?? 0) > (trades?.restarts ?? 0), 30_000, 'another restart');
});
