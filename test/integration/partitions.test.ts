import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import { PartitionsMismatchError } from '../../src/errors/index.js';
import { createLogger } from '../../src/logger.js';
import { partitionOf } from '../../src/partitions/symbol-hash.js';
import { TradeProducer } from '../../src/producer/trade-producer.js';
import { packTrades } from '../../src/producer/pack-trades.js';
import { runWorker } from '../../src/wiring/run-worker.js';
import { assertEachTradeOnce, migratedDatabase } from '../helpers/clickhouse-helpers.js';
import { onCleanup } from '../helpers/on-cleanup.js';
import { testQueues } from '../helpers/queue-helpers.js';
import { pipelineResources } from '../helpers/pipeline-resources.js';
import { runCli } from '../helpers/spawn-cli.js';
import { testEnv } from '../helpers/test-env.js';
import { makeTrade } from '../helpers/trade-factory.js';
import { waitForDrained } from '../helpers/wait-for-drained.js';

const SYMBOLS = Array.from({ length: 24 }, (_, i) => `SYM${i}`);
const log = createLogger('silent');

test('4 partitions: each symbol goes to its own partition queue; a worker of every partition lands each trade once', async (t) => {
  const { config, db, queues } = await pipelineResources(t, { TRADE_SYNC_PARTITIONS: '4' });
  config.queues.layout.tradeQueues.forEach((name, i) => assert.match(name, new RegExp(`^\\{${config.queues.trades}\\.${i}(~\\d+)?\\}$`)));

  const producer = new TradeProducer(config);
  const trades = Array.from({ length: 2_400 }, (_, i) => makeTrade({ symbol: SYMBOLS[i % SYMBOLS.length] }));
  await producer.publish(trades, { packSize: 50 });
  await Promise.all(trades.slice(0, 200).map((trade) => producer.publish(makeTrade({ symbol: trade.symbol })))); // lingering singles
  await producer.close();

  // Every job sits on its symbols' partition, and more than one partition is used.
  const used = new Set<number>();
  for (const [p, queue] of queues.partitions.entries()) {
    for (const job of await queue.getJobs(['wait'], 0, -1)) {
      const payload = JSON.parse((job.data.envelopes[0] as { payload: string }).payload) as { symbol: string } | { symbol: string }[];
      for (const { symbol } of Array.isArray(payload) ? payload : [payload]) assert.equal(partitionOf(symbol, 4), p, `${symbol} on partition ${p}`);
      used.add(p);
    }
  }
  assert.ok(used.size > 1, `trades spread over ${used.size} partitions`);

  const worker = await runWorker(config, log);
  onCleanup(t, () => worker.stop());
  assert.equal(worker.sinks.length, 4, 'one consumer per partition');
  await assertEachTradeOnce(db.client, config.clickhouse.database, 2_600);
  for (const queue of queues.partitions) await waitForDrained(queue);
});

test('a worker takes only its --partitions; an unknown partition is a one-line CONFIG_INVALID', async (t) => {
  const env = testEnv({ TRADE_SYNC_PARTITIONS: '4', TRADE_SYNC_WORKER_PARTITIONS: '1-2' });
  const config = loadConfig(env);
  assert.deepEqual(config.worker.partitions, [1, 2]);
  assert.throws(() => loadConfig({ ...env, TRADE_SYNC_WORKER_PARTITIONS: '5' }), /CONFIG_INVALID|TRADE_SYNC_WORKER_PARTITIONS: "5" is not a partition or range of 0-3/);
  const { code, stderr } = await runCli(['worker', '--partitions', '0-7'], env);
  assert.notEqual(code, 0);
  assert.match(stderr, /^trade-sync: CONFIG_INVALID: TRADE_SYNC_WORKER_PARTITIONS: "0-7" is not a partition or range of 0-3/);
  assert.equal(stderr.trim().split('\n').length, 1, 'one line');
  t.diagnostic(stderr.trim());
});

test('repartition 1 → 4: refused while jobs wait, done once drained; old-count processes get PARTITIONS_MISMATCH; a straggler\'s jobs on the old queue are drained, even after the worker started', async (t) => {
  const env1 = testEnv();
  const env4 = { ...env1, TRADE_SYNC_PARTITIONS: '4' };
  const one = loadConfig(env1);
  const four = loadConfig(env4);
  const db = await migratedDatabase(one);
  const queues1 = testQueues(one);
  const queues4 = testQueues(four);
  onCleanup(t, async () => {
    await queues1.cleanup();
    await queues4.cleanup();
    await db.drop();
    rmSync(one.spill.dir, { recursive: true, force: true });
  });
  const first = Array.from({ length: 1_000 }, (_, i) => makeTrade({ symbol: SYMBOLS[i % SYMBOLS.length] }));
  const early = new TradeProducer(one);
  await early.publish(first, { packSize: 100 });
  await early.close();

  const refused = await runCli(['repartition', '--to', '4'], env1);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /^trade-sync: REPARTITION_NOT_DRAINED: 10 job\(s\) in 1 queue\(s\)/);

  const worker1 = await runWorker(one, log);
  await waitForDrained(queues1.trades);
  await worker1.stop();
  const done = await runCli(['repartition', '--to', '4', '--wait'], env1);
  assert.equal(done.code, 0, done.output);
  assert.match(done.stdout, /partitions 1 → 4 recorded/);

  // Every process and command with the old count is refused in one line: a producer started now, the supervisor, status, scale.
  for (const args of [['status'], ['start'], ['scale', one.queues.trades, '2']]) {
    const stale = await runCli(args, { ...env1, TRADE_SYNC_METRICS_PORT: '0' });
    assert.notEqual(stale.code, 0, args.join(' '));
    assert.match(stale.stderr, /^trade-sync: PARTITIONS_MISMATCH: TRADE_SYNC_PARTITIONS=1 but Redis records 4 partition\(s\)/, args.join(' '));
    assert.equal(stale.stderr.trim().split('\n').length, 1, `${args.join(' ')}: one line`);
  }
  const late = new TradeProducer(one);
  onCleanup(t, () => late.close());
  await assert.rejects(late.publish(makeTrade()), (err: unknown) => err instanceof PartitionsMismatchError && err.code === 'PARTITIONS_MISMATCH');

  // A straggler (a producer or ingest that has not re-checked yet) adds to the old queue, before and after the new worker starts.
  const straggle = async (n: number) => {
    const jobs = packTrades(one.keyring, Array.from({ length: n }, (_, i) => makeTrade({ symbol: SYMBOLS[i % SYMBOLS.length] })), 100);
    await queues1.trades.addBulk(jobs.map((j) => ({ name: j.name, data: { envelopes: [j.envelope] }, opts: { jobId: j.jobId } })));
  };
  await straggle(300);
  const second = Array.from({ length: 1_200 }, (_, i) => makeTrade({ symbol: SYMBOLS[i % SYMBOLS.length] }));
  const producer4 = new TradeProducer(four);
  onCleanup(t, () => producer4.close());
  await producer4.publish(second, { packSize: 100 });
  const worker4 = await runWorker(four, log);
  onCleanup(t, () => worker4.stop());
  assert.equal(worker4.sinks.length, 5, 'four partitions plus the old queue that still holds jobs');
  await assertEachTradeOnce(db.client, one.clickhouse.database, 2_500);
  await waitForDrained(queues1.trades);

  // A worker that started while the old queue was empty attaches it once a straggler adds to it.
  await worker4.stop();
  const worker4b = await runWorker(four, log);
  onCleanup(t, () => worker4b.stop());
  assert.equal(worker4b.sinks.length, 4, 'the old queue is empty: the four partitions only');
  await straggle(200);
  await assertEachTradeOnce(db.client, one.clickhouse.database, 2_700);
  assert.equal(worker4b.sinks.length, 5, 'the old queue was attached by the periodic scan');
});
