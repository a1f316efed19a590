import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { TradeProducer } from '../../src/producer/trade-producer.js';
import { migratedDatabase, queryText } from '../helpers/clickhouse-helpers.js';
import { onCleanup } from '../helpers/on-cleanup.js';
import { privateClickHouse } from '../helpers/private-clickhouse.js';
import { testQueues } from '../helpers/queue-helpers.js';
import { runCli, spawnCli } from '../helpers/spawn-cli.js';
import { spillRowCount } from '../helpers/spill-row-count.js';
import { testConfig, testEnv } from '../helpers/test-env.js';
import { makeTrade } from '../helpers/trade-factory.js';
import { waitFor } from '../helpers/wait-for.js';
import { waitForDrained } from '../helpers/wait-for-drained.js';

/** FailoverSink's recheck interval: how often it pings the primary while on a backup. */
const PRIMARY_RECHECK_MS = 2_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface WorkerStatus {
  readonly circuit: string;
  readonly clickhouseUrl: string;
  readonly spillBacklog: number;
}

test('primary ClickHouse down: trades fail over to the backup with the circuit closed and nothing spilled; back on the primary once it answers', async (t) => {
  const primary = await privateClickHouse(t);
  const backup = await privateClickHouse(t);
  const env = testEnv({ TRADE_SYNC_CLICKHOUSE_URL: `${primary.url},${backup.url}`, TRADE_SYNC_CLICKHOUSE_TIMEOUT_MS: '2000', TRADE_SYNC_LOG_LEVEL: 'info' });
  const config = testConfig(env);
  const database = config.clickhouse.database;
  const primaryDb = await migratedDatabase(config);
  const backupDb = await migratedDatabase(testConfig({ ...env, TRADE_SYNC_CLICKHOUSE_URL: backup.url }));
  const queues = testQueues(config);
  onCleanup(t, () => rmSync(config.spill.dir, { recursive: true, force: true }));
  onCleanup(t, () => primaryDb.drop().catch(() => undefined)); // private servers: they go away anyway
  onCleanup(t, () => backupDb.drop().catch(() => undefined));
  onCleanup(t, () => queues.cleanup());
  const worker = spawnCli(['worker'], env);
  onCleanup(t, () => worker.kill('SIGKILL'));
  const producer = new TradeProducer(config);
  onCleanup(t, () => producer.close());
  await waitFor(async () => worker.output(), (o) => o.includes('"worker running"'), 20_000, 'worker running');

  /** [count() FINAL, count(DISTINCT trade_id)] of the trades with `symbol` on one server. */
  const counts = async (db: typeof primaryDb, symbol: string): Promise<[number, number]> => {
    const [[final, distinct] = []] = await queryText(
      db.client,
      `SELECT (SELECT count() FROM ${database}.trades FINAL WHERE symbol = '${symbol}'), (SELECT count(DISTINCT trade_id) FROM ${database}.trades WHERE symbol = '${symbol}')`,
    );
    return [Number(final), Number(distinct)];
  };
  const workerStatus = async (): Promise<WorkerStatus | undefined> => {
    const result = await runCli(['status', '--json'], env);
    assert.equal(result.code, 0, result.output);
    return (JSON.parse(result.stdout) as { workers: WorkerStatus[] }).workers[0];
  };

  // Both nodes up: inserts go to the primary.
  const before = Array.from({ length: 500 }, () => makeTrade({ symbol: 'BEFORE' }));
  await producer.publish(before, { packSize: 50 });
  await waitFor(() => counts(primaryDb, 'BEFORE'), ([n]) => n === before.length, 20_000, 'first trades on the primary');

  await primary.stop();
  const during = Array.from({ length: 3_000 }, () => makeTrade({ symbol: 'DURING' }));
  await producer.publish(during.slice(0, 100), { packSize: 1 }); // one job per trade
  await producer.publish(during.slice(100), { packSize: 50 });
  await waitFor(() => counts(backupDb, 'DURING'), ([n]) => n >= during.length, 30_000, `trades on the backup (worker output: ${worker.output().slice(-2_000)})`);
  await waitForDrained(queues.trades);
  assert.deepEqual(await counts(backupDb, 'DURING'), [during.length, during.length], 'each trade once on the backup');
  assert.deepEqual(await counts(backupDb, 'BEFORE'), [0, 0]);
  assert.equal(await spillRowCount(env), 0, 'nothing spilled while the backup answered');
  const onBackup = await waitFor(workerStatus, (w) => w?.clickhouseUrl === backup.url, 10_000, 'heartbeat names the backup');
  assert.equal(onBackup?.circuit, 'closed');
  assert.equal(onBackup?.spillBacklog, 0);
  assert.match(worker.output(), /failed over to another ClickHouse node/);

  // The primary is back: after the recheck interval, new inserts go to it again.
  await primary.start();
  await sleep(PRIMARY_RECHECK_MS + 500);
  const after = Array.from({ length: 1_000 }, () => makeTrade({ symbol: 'AFTER' }));
  await producer.publish(after, { packSize: 50 });
  await waitFor(() => counts(primaryDb, 'AFTER'), ([n]) => n >= after.length, 30_000, `trades back on the primary (worker output: ${worker.output().slice(-2_000)})`);
  await waitForDrained(queues.trades);
  assert.deepEqual(await counts(primaryDb, 'AFTER'), [after.length, after.length], 'each later trade once on the primary');
  assert.deepEqual(await counts(backupDb, 'AFTER'), [0, 0], 'none of them on the backup');
  assert.deepEqual(await counts(primaryDb, 'DURING'), [0, 0]);
  assert.deepEqual(await counts(primaryDb, 'BEFORE'), [before.length, before.length], 'the primary kept its data across the restart');
  const onPrimary = await waitFor(workerStatus, (w) => w?.clickhouseUrl === primary.url, 10_000, 'heartbeat names the primary');
  assert.equal(onPrimary?.circuit, 'closed');

  assert.doesNotMatch(worker.output(), /circuit open/, 'the circuit never opened');
  assert.doesNotMatch(worker.output(), /spilling batch/, 'no batch was spilled');
  assert.equal(await spillRowCount(env), 0);
  assert.deepEqual(await queues.dlq.getJobCounts('wait', 'completed', 'failed'), { wait: 0, completed: 0, failed: 0 });
});
