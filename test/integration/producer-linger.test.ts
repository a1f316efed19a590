import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { QueueFullError } from '../../src/errors/index.js';
import { TradeProducer } from '../../src/producer/trade-producer.js';
import { countTrades, queryText } from '../helpers/clickhouse-helpers.js';
import { startInProcessPipeline } from '../helpers/in-process-pipeline.js';
import { onCleanup } from '../helpers/on-cleanup.js';
import { testQueues } from '../helpers/queue-helpers.js';
import { queuedTradeIds } from '../helpers/queued-trades.js';
import { testConfig, testEnv } from '../helpers/test-env.js';
import { makeTrade } from '../helpers/trade-factory.js';
import { waitFor } from '../helpers/wait-for.js';
import { pendingJobs, waitForDrained } from '../helpers/wait-for-drained.js';

/** A producer on its own queue with no worker. */
function lingeringProducer(t: TestContext, overrides: Record<string, string> = {}) {
  const config = testConfig(testEnv(overrides));
  const queues = testQueues(config);
  const producer = new TradeProducer(config);
  onCleanup(t, async () => {
    await producer.close();
    await queues.cleanup();
  });
  return { config, queues, producer };
}

/** Trade ids of every job of the queue, each job's signature verified. */
const signedTradeIds = (p: ReturnType<typeof lingeringProducer>) => queuedTradeIds(p.queues.trades, p.config.keyring);

test('1,000 concurrent publish(trade) calls become a few signed packs; each call resolves once its trade is in Redis', async (t) => {
  const p = lingeringProducer(t, { TRADE_SYNC_PACK_SIZE: '100' });
  const trades = Array.from({ length: 1_000 }, () => makeTrade());
  const inRedisWhenResolved: boolean[] = [];
  await Promise.all(
    trades.map(async (trade) => {
      assert.deepEqual(await p.producer.publish(trade), { trades: 1, jobs: 1 });
      inRedisWhenResolved.push(true);
    }),
  );
  const jobs = await p.queues.trades.getJobs(['wait']);
  assert.equal(jobs.length, 10, '1,000 trades in packs of 100');
  assert.ok(jobs.every((j) => j.name === 'pack' && j.data.envelopes.length === 1));
  assert.deepEqual((await signedTradeIds(p)).sort(), trades.map((x) => x.trade_id).sort(), 'every trade once, in a signed pack');
  assert.equal(inRedisWhenResolved.length, 1_000);
});

test('a lone publish(trade) waits at most the linger time, then goes alone in a pack', async (t) => {
  const p = lingeringProducer(t, { TRADE_SYNC_PRODUCER_LINGER_MS: '20' });
  const started = performance.now();
  const trade = makeTrade();
  await p.producer.publish(trade);
  const waited = performance.now() - started;
  assert.ok(waited >= 15, `resolved after ${waited.toFixed(1)} ms, before the 20 ms linger`);
  assert.deepEqual(await signedTradeIds(p), [trade.trade_id]);
});

test('close() sends the trades still lingering before it resolves', async (t) => {
  const p = lingeringProducer(t, { TRADE_SYNC_PRODUCER_LINGER_MS: '1000' });
  const trades = Array.from({ length: 30 }, () => makeTrade());
  const calls = trades.map((trade) => p.producer.publish(trade));
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(await pendingJobs(p.queues.trades), 0, 'still lingering after 50 ms of a 1 s linger');
  const closing = p.producer.close();
  await closing;
  assert.equal((await Promise.allSettled(calls)).filter((r) => r.status === 'fulfilled').length, 30, 'every call resolved');
  assert.deepEqual((await signedTradeIds(p)).sort(), trades.map((x) => x.trade_id).sort());
  await assert.rejects(p.producer.publish(makeTrade()), (err: unknown) => (err as { code?: string }).code === 'PRODUCER_CLOSED');
});

test('one job per trade stays available: packSize 1 gives jobId = trade_id', async (t) => {
  const p = lingeringProducer(t, { TRADE_SYNC_PACK_SIZE: '1' });
  const trade = makeTrade();
  await p.producer.publish(trade);
  const job = await p.queues.trades.getJob(trade.trade_id);
  assert.equal(job?.name, 'trade');
  const other = makeTrade();
  await p.producer.publish(other, { packSize: 1 });
  assert.equal((await p.queues.trades.getJob(other.trade_id))?.name, 'trade');
});

test('backpressure while lingering: reject throws QUEUE_FULL at once, wait waits for room', async (t) => {
  const p = lingeringProducer(t, { TRADE_SYNC_QUEUE_CAPACITY: '10', TRADE_SYNC_BACKPRESSURE_WAIT_MS: '30000' });
  await p.producer.publish(Array.from({ length: 6 }, () => makeTrade()), { packSize: 1 }); // 6 jobs; high water 8
  await p.producer.publish(makeTrade()); // the 7th job, a pack of one: the last below the high-water mark
  await assert.rejects(p.producer.publish(makeTrade()), (err: unknown) => err instanceof QueueFullError && err.retriable);
  let settled = false;
  const waiting = p.producer.publish(makeTrade(), { backpressure: 'wait' }).finally(() => (settled = true));
  await new Promise((resolve) => setTimeout(resolve, 600));
  assert.equal(settled, false, 'the waiting call waits while the queue is full');
  const [first] = await p.queues.trades.getJobs(['wait']);
  await first?.remove();
  await waiting;
  assert.equal(await pendingJobs(p.queues.trades), 7);
});

test('kill -9 of a producer process: every trade whose publish had resolved reaches ClickHouse exactly once', async (t) => {
  const p = await startInProcessPipeline();
  onCleanup(t, () => p.stop());
  const env = testEnv({
    TRADE_SYNC_QUEUE: p.config.queues.trades,
    TRADE_SYNC_DLQ: p.config.queues.dlq,
    TRADE_SYNC_CLICKHOUSE_DATABASE: p.config.clickhouse.database,
  });
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../fixtures/linger-producer-child.ts', import.meta.url))], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise((resolve) => child.once('close', resolve));
  await waitFor(async () => out.split('\n').length, (n) => n > 3_000, 30_000, `3,000 resolved publish calls (stderr: ${err})`);
  child.kill('SIGKILL');
  await exited;
  const resolved = out.split('\n').filter((line) => line.length === 36);
  await waitForDrained(p.queues.trades);
  const database = p.config.clickhouse.database;
  const landed = new Set((await queryText(p.db.client, `SELECT trade_id FROM ${database}.trades FINAL`)).map(([id]) => id));
  const missing = resolved.filter((id) => !landed.has(id));
  assert.deepEqual(missing, [], `${missing.length} of ${resolved.length} resolved trades are missing`);
  const [[physical, distinct] = []] = await queryText(p.db.client, `SELECT count(), uniqExact(trade_id) FROM ${database}.trades`);
  assert.equal(physical, distinct, 'no trade written twice');
  assert.ok((await countTrades(p.db.client, database)) >= resolved.length);
});
