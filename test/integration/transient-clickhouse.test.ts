import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ClickHouseClient } from '@clickhouse/client';
import { runWorker } from '../../src/wiring/run-worker.js';
import type { Config } from '../../src/config/index.js';
import { freePort } from '../../src/local/free-port.js';
import { startLocalClickHouse, type LocalClickHouse } from '../../src/local/local-clickhouse.js';
import { createLogger } from '../../src/logger.js';
import { TradeProducer } from '../../src/producer/trade-producer.js';
import { countTrades, migratedDatabase, queryText } from '../helpers/clickhouse-helpers.js';
import { countOrError } from '../helpers/count-or-error.js';
import { onCleanup } from '../helpers/on-cleanup.js';
import { testQueues, type TestQueues } from '../helpers/queue-helpers.js';
import { testConfig, testEnv } from '../helpers/test-env.js';
import { makeTrade } from '../helpers/trade-factory.js';
import { waitFor } from '../helpers/wait-for.js';
import { waitForDrained } from '../helpers/wait-for-drained.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every trade exactly once (FINAL and DISTINCT), the queue drained and nothing dead-lettered. */
async function assertExactlyOnce(client: ClickHouseClient, config: Config, queues: TestQueues, ids: readonly string[]): Promise<void> {
  const database = config.clickhouse.database;
  await waitFor(() => countOrError(() => countTrades(client, database)), (n) => n >= ids.length, 60_000, `${ids.length} trades in ClickHouse`);
  await waitForDrained(queues.trades);
  const [[final, distinct] = []] = await queryText(client, `SELECT (SELECT count() FROM ${database}.trades FINAL), (SELECT count(DISTINCT trade_id) FROM ${database}.trades)`);
  assert.equal(Number(final), ids.length);
  assert.equal(Number(distinct), ids.length);
  const stored = await queryText(client, `SELECT toString(trade_id) FROM ${database}.trades FINAL`);
  assert.deepEqual(stored.map((r) => r[0]).sort(), [...ids].sort());
  assert.deepEqual(await queues.dlq.getJobCounts('wait', 'active', 'completed', 'failed'), { wait: 0, active: 0, completed: 0, failed: 0 });
}

test('the trades table missing for a second: every trade lands once after it is back, nothing dead-lettered', async (t) => {
  const config = testConfig(testEnv({ TRADE_SYNC_INSERT_ATTEMPTS: '20' }));
  const db = await migratedDatabase(config);
  const queues = testQueues(config);
  onCleanup(t, () => rmSync(config.spill.dir, { recursive: true, force: true }));
  onCleanup(t, () => db.drop());
  onCleanup(t, () => queues.cleanup());
  const worker = await runWorker(config, createLogger('silent'));
  onCleanup(t, () => worker.stop());
  const producer = new TradeProducer(config);
  onCleanup(t, () => producer.close());

  const database = config.clickhouse.database;
  await db.client.command({ query: `RENAME TABLE ${database}.trades TO ${database}.trades_away` });
  const trades = Array.from({ length: 1_000 }, (_, i) => makeTrade({ symbol: `T${i % 5}` }));
  await producer.publish(trades.slice(0, 200), { packSize: 1 });
  await producer.publish(trades.slice(200), { packSize: 40 });
  await sleep(1_000);
  const [[during] = ['-1']] = await queryText(db.client, `SELECT count() FROM ${database}.trades_away`);
  assert.equal(during, '0', 'nothing can land while the table is away');
  await db.client.command({ query: `RENAME TABLE ${database}.trades_away TO ${database}.trades` });

  await assertExactlyOnce(db.client, config, queues, trades.map((tr) => tr.trade_id));
});

test('a private ClickHouse server stopped for ~3 s and started again on the same data: every trade exactly once', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'trade-sync-ch-'));
  onCleanup(t, () => rmSync(dir, { recursive: true, force: true }));
  const [httpPort, tcpPort] = [await freePort(), await freePort()];
  let server: LocalClickHouse = await startLocalClickHouse({ dir, httpPort, tcpPort });
  onCleanup(t, () => server.kill()); // its data directory is removed right after

  const config = testConfig(testEnv({ TRADE_SYNC_CLICKHOUSE_URL: server.url, TRADE_SYNC_INSERT_ATTEMPTS: '20' }));
  const db = await migratedDatabase(config);
  const queues = testQueues(config);
  onCleanup(t, () => rmSync(config.spill.dir, { recursive: true, force: true }));
  onCleanup(t, () => db.drop().catch(() => undefined)); // the whole server goes away anyway
  onCleanup(t, () => queues.cleanup());
  const worker = await runWorker(config, createLogger('silent'));
  onCleanup(t, () => worker.stop());
  const producer = new TradeProducer(config);
  onCleanup(t, () => producer.close());

  const trades = Array.from({ length: 1_500 }, (_, i) => makeTrade({ symbol: `P${i % 3}` }));
  await producer.publish(trades.slice(0, 500), { packSize: 25 });
  await waitFor(() => countTrades(db.client, config.clickhouse.database), (n) => n >= 500, 30_000, 'first wave in ClickHouse');

  // Stop it (SIGTERM, SIGKILL after 1.5 s: 18.16 takes ~8 s to shut down) while trades keep coming.
  const publishing = producer.publish(trades.slice(500, 1_000), { packSize: 25 });
  await server.stop(1_500);
  await publishing;
  await producer.publish(trades.slice(1_000), { packSize: 1 });
  await sleep(3_000);
  const [[down] = ['']] = await queryText(db.client, 'SELECT 1').catch(() => [['unreachable']]);
  assert.equal(down, 'unreachable', 'the server really was down');
  server = await startLocalClickHouse({ dir, httpPort, tcpPort });

  await assertExactlyOnce(db.client, config, queues, trades.map((tr) => tr.trade_id));
});
