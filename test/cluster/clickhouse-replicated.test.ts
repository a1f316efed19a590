import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { createLogger } from '../../src/logger.js';
import { shardOf } from '../../src/partitions/symbol-hash.js';
import { TradeProducer } from '../../src/producer/trade-producer.js';
import { runWorker } from '../../src/wiring/run-worker.js';
import { countTrades, queryText } from '../helpers/clickhouse-helpers.js';
import { clusterClients, localRowCount, localTrades, migrateCluster } from '../helpers/cluster-database.js';
import { onCleanup } from '../helpers/on-cleanup.js';
import { privateClickHouseCluster } from '../helpers/private-clickhouse-cluster.js';
import { testQueues } from '../helpers/queue-helpers.js';
import { runCli } from '../helpers/spawn-cli.js';
import { testConfig, testEnv } from '../helpers/test-env.js';
import { tradeStream } from '../helpers/trade-stream.js';
import { waitFor } from '../helpers/wait-for.js';
import { waitForDrained } from '../helpers/wait-for-drained.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('migrate twice on a 2-shard × 2-replica cluster: the second run changes nothing and every node holds the same schema_migrations', async (t) => {
  const cluster = await privateClickHouseCluster(t, { shards: 2, replicasPerShard: 2 });
  const env = testEnv({ TRADE_SYNC_CLICKHOUSE_URL: cluster.urls, TRADE_SYNC_CLICKHOUSE_CLUSTER: cluster.name });
  const config = testConfig(env);
  const database = config.clickhouse.database;
  const clients = clusterClients(t, config);
  const first = await migrateCluster(t, config, clients[0]!);
  assert.deepEqual(first.applied, ['1_create_trades', '2_trades_fee_liquidity', '3_create_orders']);

  const tables = `SELECT name, engine_full, metadata_modification_time FROM system.tables WHERE database = '${database}' ORDER BY name`;
  const migrations = `SELECT version, name, compatible_from, applied_at FROM ${database}.schema_migrations ORDER BY version`;
  const snapshot = () =>
    Promise.all(
      clients.map(async (c) => {
        await c.command({ query: `SYSTEM SYNC REPLICA ${database}.schema_migrations` }); // replication is asynchronous
        return { tables: await queryText(c, tables), migrations: await queryText(c, migrations) };
      }),
    );
  const before = await snapshot();
  await sleep(1_100); // metadata_modification_time has 1 s resolution: a table recreated now would show
  const second = await runCli(['migrate'], env);
  assert.equal(second.code, 0, second.output);
  assert.match(second.stdout, /is up to date at version 3/);
  for (const r of cluster.replicas) assert.match(second.stdout, new RegExp(`${r.url}: schema version 3`));
  assert.deepEqual(await snapshot(), before, 'the second migrate changed no table and recorded nothing');

  const [node] = before;
  assert.equal(node?.migrations.length, 3);
  for (const other of before) assert.deepEqual(other.migrations, node?.migrations, 'schema_migrations is the same on every node');
  const engines = Object.fromEntries((node?.tables ?? []).map(([name, engine]) => [name, (engine ?? '').replace(/\\'/g, "'")])); // TSV escapes quotes
  assert.match(engines.trades_local ?? '', /^ReplicatedReplacingMergeTree\('\/clickhouse\/tables\/trade_sync_test\/\{shard\}\/.*', '\{replica\}'\)/);
  assert.match(engines.orders_local ?? '', /^ReplicatedReplacingMergeTree\(.*'\{replica\}', version\)/);
  assert.match(engines.trades ?? '', /^Distributed\(trade_sync_test, \w+, trades_local\)$/, 'no sharding key');
  assert.match(engines.orders ?? '', /^Distributed\(trade_sync_test, \w+, orders_local\)$/);
  // Migration 2 reached the Distributed table as well as the local ones.
  const [[feeColumns] = []] = await queryText(clients[3]!, `SELECT count() FROM system.columns WHERE database = '${database}' AND name IN ('fee', 'liquidity')`);
  assert.equal(Number(feeColumns), 4, 'fee and liquidity on trades_local and trades');
});

test('trades streamed while shard 1\'s first replica is SIGKILLed and restarted: exactly once through Distributed FINAL, inserts failed over within the shard, replicas converge', async (t) => {
  const cluster = await privateClickHouseCluster(t, { shards: 2, replicasPerShard: 2 });
  const env = testEnv({
    TRADE_SYNC_CLICKHOUSE_URL: cluster.urls,
    TRADE_SYNC_CLICKHOUSE_CLUSTER: cluster.name,
    TRADE_SYNC_WORKER_CONCURRENCY: '50',
  });
  const config = testConfig(env);
  const database = config.clickhouse.database;
  const clients = clusterClients(t, config);
  await migrateCluster(t, config, clients[0]!);
  const queues = testQueues(config);
  onCleanup(t, () => rmSync(config.spill.dir, { recursive: true, force: true }));
  onCleanup(t, () => queues.cleanup());
  const worker = await runWorker(config, createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'));
  onCleanup(t, () => worker.stop());
  const producer = new TradeProducer(config);
  onCleanup(t, () => producer.close());
  const [s1r1, s1r2, s2r1, s2r2] = cluster.replicas;
  assert.ok(s1r1 && s1r2 && s2r1 && s2r2);
  const sink = worker.stack?.sink;
  assert.ok(sink);

  const stream = tradeStream(producer, { perSecond: 1_500, perTick: 50, packSize: 10 });
  await waitFor(() => localRowCount(clients[1]!, database), (n) => n > 0, 20_000, 'trades on shard 1');
  assert.match(sink.currentUrl, new RegExp(`^1=${s1r1.url} 2=${s2r1.url}$`), 'each shard writes its first replica');

  await s1r1.kill();
  const atKill = await localRowCount(clients[1]!, database);
  await sleep(2_500);
  const duringOutage = await localRowCount(clients[1]!, database);
  assert.ok(duringOutage > atKill, `shard 1's inserts went on to its second replica (${atKill} → ${duringOutage} rows)`);
  assert.match(sink.currentUrl, new RegExp(`^1=${s1r2.url} `), 'shard 1 failed over to its other replica');
  assert.match(sink.currentUrl, new RegExp(` 2=${s2r1.url}$`), 'shard 2 stayed on its first replica');

  await s1r1.start();
  await sleep(3_000);
  const published = await stream.stop();
  await waitForDrained(queues.trades, 60_000);
  await waitFor(() => countTrades(clients[3]!, database), (n) => n >= published, 60_000, `${published} trades through the Distributed table`);

  // The restarted replica caught up: both replicas of each shard hold the same rows.
  const locals = await Promise.all(clients.map((c) => localTrades(c, database)));
  const [l1, l2, l3, l4] = locals;
  assert.ok(l1 && l2 && l3 && l4);
  assert.deepEqual(l1, l2, 'shard 1 replicas converged');
  assert.deepEqual(l3, l4, 'shard 2 replicas converged');
  assert.equal(l1.rows + l3.rows, published, 'the shards split the trades, none on both');
  for (const symbol of l1.symbols) assert.equal(shardOf(symbol, 2), 0, `${symbol} belongs on shard 1`);
  for (const symbol of l3.symbols) assert.equal(shardOf(symbol, 2), 1, `${symbol} belongs on shard 2`);

  // Once they have (a Distributed read may pick a replica still catching up), every node reads every trade once.
  for (const client of clients) {
    const [[final, distinct, physical] = []] = await queryText(
      client,
      `SELECT (SELECT count() FROM ${database}.trades FINAL), (SELECT count(DISTINCT trade_id) FROM ${database}.trades), (SELECT count() FROM ${database}.trades)`,
    );
    assert.equal(Number(final), published, 'count() FINAL through Distributed equals the trades published');
    assert.equal(Number(distinct), published, 'every trade id once');
    assert.ok(Number(physical) >= published);
  }
  assert.deepEqual(await queues.dlq.getJobCounts('wait', 'failed'), { wait: 0, failed: 0 });
  const status = await runCli(['status', '--json'], env);
  assert.equal(status.code, 0, status.output);
  assert.equal((JSON.parse(status.stdout) as { clickhouse: { rows: number } }).clickhouse.rows, published, '`status` counts through the Distributed table');
  assert.ok(l1.symbols.length > 0 && l3.symbols.length > 0, 'both shards got trades');

  // Orders went to the shard of their symbol too, and read back through the Distributed table.
  await waitFor(async () => Number((await queryText(clients[0]!, `SELECT count() FROM ${database}.orders FINAL`))[0]?.[0] ?? 0), (n) => n > 0, 20_000, 'orders');
  for (const [i, c] of clients.entries()) {
    for (const [symbol] of await queryText(c, `SELECT DISTINCT symbol FROM ${database}.orders_local`)) {
      assert.equal(shardOf(symbol ?? '', 2), cluster.replicas[i]!.shard - 1, `order of ${symbol} on the shard of its symbol`);
    }
  }
});
