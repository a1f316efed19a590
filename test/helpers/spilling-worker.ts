import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { TestContext } from 'node:test';
import type { Config } from '../../src/config/index.js';
import { freePort } from '../../src/local/free-port.js';
import { TradeProducer } from '../../src/producer/trade-producer.js';
import type { Trade } from '../../src/trade/trade-schema.js';
import { onCleanup } from './on-cleanup.js';
import { testQueues, type TestQueues } from './queue-helpers.js';
import { spawnCli, type CliProcess } from './spawn-cli.js';
import { spillRowCount } from './spill-row-count.js';
import { testConfig, testEnv } from './test-env.js';
import { waitFor } from './wait-for.js';
import { waitForDrained } from './wait-for-drained.js';

export interface SpillingWorker {
  /** The worker's environment: its own queues and spill dir, ClickHouse at a closed port. */
  readonly env: Record<string, string>;
  readonly config: Config;
  readonly queues: TestQueues;
  readonly worker: CliProcess;
}

/**
 * A real `trade-sync worker` process whose ClickHouse URL is a closed port, so everything it
 * takes spills; `trades` are published (packed `packSize` per job) and the call resolves once
 * every job is done and the spill holds exactly `trades.length` rows. The worker keeps running.
 * Cleanup kills the worker and removes the queues and the spill dir.
 */
export async function spillingWorker(t: TestContext, trades: readonly Trade[], overrides: Record<string, string> = {}, packSize = 50): Promise<SpillingWorker> {
  const env = testEnv({ TRADE_SYNC_CLICKHOUSE_URL: `http://127.0.0.1:${await freePort()}`, TRADE_SYNC_LOG_LEVEL: 'info', ...overrides });
  const config = testConfig(env);
  const queues = testQueues(config);
  onCleanup(t, () => rmSync(config.spill.dir, { recursive: true, force: true }));
  onCleanup(t, () => queues.cleanup());
  const worker = spawnCli(['worker'], env);
  onCleanup(t, () => worker.kill('SIGKILL'));
  await waitFor(async () => worker.output(), (o) => o.includes('"worker running"') || worker.child.exitCode !== null, 30_000, 'worker running');
  assert.equal(worker.child.exitCode, null, `worker exited: ${worker.output()}`);
  const producer = new TradeProducer(config);
  try {
    await producer.publish(trades, { packSize });
  } finally {
    await producer.close();
  }
  await waitForDrained(queues.trades, 60_000);
  assert.equal(await spillRowCount(env), trades.length, 'every published trade is in the spill');
  return { env, config, queues, worker };
}
