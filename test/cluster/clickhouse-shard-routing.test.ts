import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../../src/logger.js';
import { shardOf } from '../../src/partitions/symbol-hash.js';
import { ClusterTopologyResolver } from '../../src/sinks/clickhouse/cluster-topology-resolver.js';
import { replayTarget } from '../../src/spill/replay-target.js';
import { createWriterSink } from '../../src/wiring/create-writer-sink.js';
import { runWorker } from '../../src/wiring/run-worker.js';
import { countTrades } from '../helpers/clickhouse-helpers.js';
import { clusterClients, localRowCount, localTrades, migrateCluster } from '../helpers/cluster-database.js';
import { makeTradeRow } from '../helpers/make-trade-row.js';
import { onCleanup } from '../helpers/on-cleanup.js';
import { privateClickHouseCluster } from '../helpers/private-clickhouse-cluster.js';
import { testQueues } from '../helpers/queue-helpers.js';
import { tempSpillFile } from '../helpers/temp-spill-file.js';
import { testConfig, testEnv } from '../helpers/test-env.js';
import { makeTrade } from '../helpers/trade-factory.js';

const SYMBOLS = ['AAPL', 'NVDA', 'MSFT', 'JPM', 'TSLA', 'BTC-USD'];
const silent = createLogger('silent');

test('2 shards × 1 replica: spill replay splits DuckDB\'s body by shard; a retried batch is dropped by replicated block dedup, a re-delivery collapsed by FINAL; misconfigurations are one-line errors', async (t) => {
  const cluster = await privateClickHouseCluster(t, { shards: 2, replicasPerShard: 1 });
  const env = testEnv({ TRADE_SYNC_CLICKHOUSE_URL: cluster.urls, TRADE_SYNC_CLICKHOUSE_CLUSTER: cluster.name });
  const config = testConfig(env);
  const database = config.clickhouse.database;
  const clients = clusterClients(t, config);
  await migrateCluster(t, config, clients[0]!);
  const queues = testQueues(config); // the refused worker's queues, and the replay's dead-letter queue
  onCleanup(t, () => queues.cleanup());
  const { sink } = createWriterSink(config, silent);
  onCleanup(t, () => sink.close());

  await t.test('spill replay: the fast (encoded) path, each row on the shard of its symbol', async () => {
    const { file } = tempSpillFile(t);
    const rows = Array.from({ length: 600 }, (_, i) => makeTradeRow(makeTrade({ symbol: SYMBOLS[i % SYMBOLS.length] })));
    await file.append(rows);
    const target = replayTarget(config, sink, queues.dlq, silent);
    let encoded = 0;
    const replayed = await file.replayBatch(10_000, {
      insertRows: () => Promise.reject(new Error('the row path must not run: the encoded batch was refused')),
      insertEncoded: (batch) => {
        encoded += 1;
        return target.insertEncoded!(batch);
      },
    });
    assert.equal(replayed, 600);
    assert.equal(encoded, 1);
    assert.equal(await countTrades(clients[0]!, database), 600, 'all 600 through the Distributed table with FINAL');
    const [shard1, shard2] = await Promise.all(clients.map((c) => localTrades(c, database)));
    assert.ok(shard1 && shard2);
    assert.equal(shard1.rows + shard2.rows, 600);
    assert.ok(shard1.rows > 0 && shard2.rows > 0, 'both shards got rows');
    for (const s of shard1.symbols) assert.equal(shardOf(s, 2), 0, `${s} on shard 1`);
    for (const s of shard2.symbols) assert.equal(shardOf(s, 2), 1, `${s} on shard 2`);
  });

  await t.test('a batch sent twice (a retry) makes the same block on the same shard: the second is dropped; a re-delivery in another block is collapsed by Distributed FINAL', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => makeTradeRow(makeTrade({ symbol: SYMBOLS[i % SYMBOLS.length] })));
    const before = await Promise.all(clients.map((c) => localRowCount(c, database)));
    await sink.insert(rows);
    const once = await Promise.all(clients.map((c) => localRowCount(c, database)));
    await sink.insert(rows);
    assert.deepEqual(await Promise.all(clients.map((c) => localRowCount(c, database))), once, 'no physical row added by the retry');
    assert.equal(once[0]! - before[0]! + (once[1]! - before[1]!), 50);
    // A re-delivery in another block is stored again, and FINAL through the Distributed table collapses it per shard.
    const final = await countTrades(clients[0]!, database);
    await sink.insert(rows.slice(0, 25));
    const again = await Promise.all(clients.map((c) => localRowCount(c, database)));
    assert.equal(again[0]! + again[1]! - (once[0]! + once[1]!), 25, 'the other block was stored');
    assert.equal(await countTrades(clients[1]!, database), final, 'count() FINAL through Distributed is unchanged');
  });

  await t.test('a replica down when the sink starts: its shard\'s rows fail as unavailable (retried, then spilled), the others go in; once it is back it is found and used', async () => {
    const late = cluster.replicas[1]!;
    await late.kill();
    const fresh = createWriterSink(config, silent);
    onCleanup(t, () => fresh.sink.close());
    const onShard = (shard: number) => Array.from({ length: 10 }, () => makeTradeRow(makeTrade({ symbol: SYMBOLS.find((sym) => shardOf(sym, 2) === shard) })));
    await fresh.sink.insert(onShard(0));
    await assert.rejects(fresh.sink.insert(onShard(1)), { code: 'CLICKHOUSE_UNAVAILABLE' });
    await late.start();
    const rows = onShard(1);
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        await fresh.sink.insert(rows);
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    assert.match(fresh.sink.currentUrl, new RegExp(` 2=${late.url}$`));
  });

  await t.test('a shard with no configured URL stops the worker at start-up with CLICKHOUSE_SHARD_UNCOVERED', async () => {
    const onlyShard1 = testConfig({ ...env, TRADE_SYNC_CLICKHOUSE_URL: cluster.replicas[0]!.url });
    await assert.rejects(runWorker(onlyShard1, silent), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'CLICKHOUSE_SHARD_UNCOVERED');
      assert.match(err.message, /^shard 2 of cluster "trade_sync_test" has no URL in TRADE_SYNC_CLICKHOUSE_URL/);
      assert.doesNotMatch(err.message, /\n/);
      return true;
    });
  });

  await t.test('a worker without TRADE_SYNC_CLICKHOUSE_CLUSTER against the cluster\'s database stops at start-up with CLICKHOUSE_CLUSTER_NOT_SET', async () => {
    const { TRADE_SYNC_CLICKHOUSE_CLUSTER: _unset, ...withoutCluster } = env;
    await assert.rejects(runWorker(testConfig(withoutCluster), silent), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'CLICKHOUSE_CLUSTER_NOT_SET');
      assert.match(err.message, /trades is a Distributed table \(migrated ON CLUSTER\): set TRADE_SYNC_CLICKHOUSE_CLUSTER/);
      assert.doesNotMatch(err.message, /\n/);
      return true;
    });
  });

  await t.test('a cluster name the servers do not define, and a server outside the cluster: one-line errors', async () => {
    const resolve = (cluster: string, nodes: readonly { url: string; client: (typeof clients)[number] }[]) => new ClusterTopologyResolver(cluster, nodes, silent).get();
    await assert.rejects(resolve('no_such_cluster', [{ url: cluster.replicas[0]!.url, client: clients[0]! }]), { code: 'CLICKHOUSE_CLUSTER_UNKNOWN' });
    // The shared server (no <remote_servers> entry for it, no macros) listed as a member.
    const { clients: [shared] = [] } = createWriterSink(testConfig(testEnv()), silent);
    assert.ok(shared);
    onCleanup(t, () => shared.close());
    await assert.rejects(resolve(cluster.name, [{ url: 'http://127.0.0.1:8123', client: shared }]), (err: Error & { code?: string }) => {
      assert.match(err.code ?? '', /^CLICKHOUSE_(CLUSTER_UNKNOWN|SHARD_MACRO_MISSING)$/);
      assert.match(err.message, /127\.0\.0\.1:8123/);
      return true;
    });
  });
});
