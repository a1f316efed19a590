import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import { TradeProducer } from '../../src/producer/trade-producer.js';
import type { Trade } from '../../src/trade/trade-schema.js';
import { countTrades, migratedDatabase, queryText } from '../helpers/clickhouse-helpers.js';
import { onCleanup } from '../helpers/on-cleanup.js';
import { testQueues } from '../helpers/queue-helpers.js';
import { spawnCli, type CliProcess } from '../helpers/spawn-cli.js';
import { testConfig, testEnv } from '../helpers/test-env.js';
import { makeTrade } from '../helpers/trade-factory.js';
import { waitFor } from '../helpers/wait-for.js';
import { waitForDrained } from '../helpers/wait-for-drained.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A migrated database, queues and a producer; `worker()` spawns a real `trade-sync worker` process. */
async function pipeline(t: TestContext) {
  const env = testEnv({ TRADE_SYNC_LOCK_DURATION_MS: '2000', TRADE_SYNC_STALLED_INTERVAL_MS: '2000' });
  const config = testConfig(env);
  const db = await migratedDatabase(config);
  const queues = testQueues(config);
  const producer = new TradeProducer(config);
  onCleanup(t, () => rmSync(config.spill.dir, { recursive: true, force: true }));
  onCleanup(t, () => db.drop());
  onCleanup(t, () => queues.cleanup());
  onCleanup(t, () => producer.close());
  const database = config.clickhouse.database;
  return {
    queues,
    producer,
    count: () => countTrades(db.client, database),
    worker(): CliProcess {
      const proc = spawnCli(['worker'], env);
      onCleanup(t, () => proc.kill('SIGKILL'));
      return proc;
    },
    /** Every trade exactly once (FINAL and DISTINCT), queue drained, nothing dead-lettered. */
    async assertExactlyOnce(trades: readonly Trade[], workerOutput: () => string) {
      const n = trades.length;
      await waitFor(this.count, (c) => c >= n, 90_000, `${n} trades in ClickHouse (worker output: ${workerOutput().slice(-2000)})`);
      await waitForDrained(queues.trades);
      const [[final, distinct, physical] = []] = await queryText(
        db.client,
        `SELECT (SELECT count() FROM ${database}.trades FINAL), (SELECT count(DISTINCT trade_id) FROM ${database}.trades), (SELECT count() FROM ${database}.trades)`,
      );
      assert.equal(Number(final), n);
      assert.equal(Number(distinct), n);
      assert.ok(Number(physical) >= n);
      const stored = await queryText(db.client, `SELECT toString(trade_id) FROM ${database}.trades FINAL`);
      assert.deepEqual(stored.map((r) => r[0]).sort(), trades.map((tr) => tr.trade_id).sort(), 'the stored trades are exactly the published ones');
      assert.equal(await queues.dlq.getFailedCount(), 0);
      assert.equal(await queues.trades.getFailedCount(), 0);
    },
  };
}

/** Publishes `trades` in packs of 50, `chunk` trades per call, pausing between calls; `after(i)` runs after call i. */
async function stream(producer: TradeProducer, trades: readonly Trade[], chunk: number, after: (i: number) => Promise<void> | void = () => {}): Promise<void> {
  for (let i = 0; i * chunk < trades.length; i++) {
    await producer.publish(trades.slice(i * chunk, (i + 1) * chunk), { packSize: 50 });
    await after(i);
    await sleep(50);
  }
}

test('kill -9 of a worker mid-stream: a new worker process recovers its jobs and every trade lands exactly once', async (t) => {
  const p = await pipeline(t);
  const trades = Array.from({ length: 20_000 }, (_, i) => makeTrade({ symbol: `K${i % 10}` }));
  const first = p.worker();
  await p.producer.publish(trades.slice(0, 5_000), { packSize: 50 });
  await waitFor(p.count, (n) => n >= 1_000, 30_000, `first worker inserting (output: ${first.output()})`);

  let countAtKill = -1;
  await stream(p.producer, trades.slice(5_000), 1_000, async (i) => {
    if (i !== 4) return;
    assert.equal(await first.kill('SIGKILL'), 'SIGKILL');
    countAtKill = await p.count();
  });
  assert.ok(countAtKill > 0 && countAtKill < trades.length, `ClickHouse held ${countAtKill} of ${trades.length} at the kill`);
  assert.ok((await p.count()) < trades.length, 'with no worker running, the rest has not landed');

  const second = p.worker();
  await p.assertExactlyOnce(trades, second.output);
  assert.equal(second.child.exitCode, null, 'the second worker is still running');
});

test('SIGTERM under load: the worker drains, exits 0 and loses nothing; a second worker finishes the rest', async (t) => {
  const p = await pipeline(t);
  const trades = Array.from({ length: 10_000 }, (_, i) => makeTrade({ symbol: `S${i % 10}` }));
  const first = p.worker();
  await p.producer.publish(trades.slice(0, 4_000), { packSize: 50 });
  await waitFor(p.count, (n) => n >= 500, 30_000, `first worker inserting (output: ${first.output()})`);

  let exitCode: number | string = -1;
  await stream(p.producer, trades.slice(4_000, 6_000), 500, async (i) => {
    if (i === 1) exitCode = await first.kill('SIGTERM');
  });
  assert.equal(exitCode, 0, `graceful exit; output: ${first.output()}`);
  const counts = await p.queues.trades.getJobCounts('active');
  assert.equal(counts.active, 0, 'a graceful stop leaves no job locked by the dead process');
  await p.producer.publish(trades.slice(6_000), { packSize: 50 });
  assert.ok((await p.count()) < trades.length);

  const second = p.worker();
  await p.assertExactlyOnce(trades, second.output);
});
