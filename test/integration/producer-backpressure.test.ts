import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import { runWorker } from '../../src/wiring/run-worker.js';
import { QueueFullError, TradeValidationError } from '../../src/errors/index.js';
import { createLogger } from '../../src/logger.js';
import { TradeProducer } from '../../src/producer/trade-producer.js';
import { countTrades, migratedDatabase } from '../helpers/clickhouse-helpers.js';
import { onCleanup } from '../helpers/on-cleanup.js';
import { testQueues } from '../helpers/queue-helpers.js';
import { testConfig, testEnv } from '../helpers/test-env.js';
import { makeTrade } from '../helpers/trade-factory.js';
import { waitFor } from '../helpers/wait-for.js';
import { pendingJobs } from '../helpers/wait-for-drained.js';

/** A queue of capacity 100 (high water 80) with a producer and no worker. */
function smallQueue(t: TestContext, overrides: Record<string, string> = {}) {
  const config = testConfig(testEnv({ TRADE_SYNC_QUEUE_CAPACITY: '100', ...overrides }));
  const queues = testQueues(config);
  const producer = new TradeProducer(config);
  onCleanup(t, async () => {
    await producer.close();
    await queues.cleanup();
    rmSync(config.spill.dir, { recursive: true, force: true });
  });
  return { config, queues, producer };
}

function isQueueFull(err: unknown): boolean {
  assert.ok(err instanceof QueueFullError, `expected QueueFullError, got ${String(err)}`);
  assert.equal(err.code, 'QUEUE_FULL');
  assert.equal(err.retriable, true);
  assert.equal(err.capacity, 100);
  assert.equal(err.depth, 79);
  return true;
}

test('79 jobs are accepted; the publish that would reach 80% of capacity throws QUEUE_FULL', async (t) => {
  const { queues, producer } = smallQueue(t);
  const trades = Array.from({ length: 79 }, () => makeTrade());
  assert.deepEqual(await producer.publish(trades, { packSize: 1 }), { trades: 79, jobs: 79 });
  const extra = makeTrade();
  await assert.rejects(producer.publish(extra), isQueueFull);
  await assert.rejects(producer.publish([makeTrade(), makeTrade()], { packSize: 2 }), isQueueFull, 'a pack counts as one job, still too many');
  assert.equal(await pendingJobs(queues.trades), 79, 'nothing was enqueued by the rejected calls');
  assert.equal(await queues.trades.getJob(extra.trade_id), undefined);
});

test("backpressure 'wait' waits up to TRADE_SYNC_BACKPRESSURE_WAIT_MS, then throws QUEUE_FULL", async (t) => {
  const { queues, producer } = smallQueue(t, { TRADE_SYNC_BACKPRESSURE_WAIT_MS: '600' });
  await producer.publish(Array.from({ length: 79 }, () => makeTrade()), { packSize: 1 });
  const started = performance.now();
  await assert.rejects(producer.publish(makeTrade(), { backpressure: 'wait' }), isQueueFull);
  const waited = performance.now() - started;
  assert.ok(waited >= 550, `gave up after ${Math.round(waited)} ms, before the 600 ms wait`);
  assert.ok(waited < 5_000, `waited ${Math.round(waited)} ms`);
  assert.equal(await pendingJobs(queues.trades), 79);
});

test('a waiting publish succeeds once a worker drains the queue', async (t) => {
  const { config, queues, producer } = smallQueue(t, { TRADE_SYNC_BACKPRESSURE: 'wait', TRADE_SYNC_BACKPRESSURE_WAIT_MS: '30000' });
  const db = await migratedDatabase(config);
  onCleanup(t, () => db.drop());
  await producer.publish(Array.from({ length: 79 }, () => makeTrade()), { packSize: 1 });
  let settled = false;
  const last = makeTrade();
  const waiting = producer.publish(last).finally(() => (settled = true));
  await new Promise((resolve) => setTimeout(resolve, 700));
  assert.equal(settled, false, 'the publish waits while the queue is full');
  assert.equal(await queues.trades.getJob(last.trade_id), undefined);

  const worker = await runWorker(config, createLogger('silent'));
  onCleanup(t, () => worker.stop());
  assert.deepEqual(await waiting, { trades: 1, jobs: 1 });
  await waitFor(() => countTrades(db.client, config.clickhouse.database), (n) => n >= 80, 30_000, 'all 80 trades in ClickHouse');
  assert.equal(await countTrades(db.client, config.clickhouse.database), 80);
});

test('an invalid trade inside an array throws TradeValidationError naming its index, and nothing is enqueued', async (t) => {
  const { queues, producer } = smallQueue(t);
  const trades = [makeTrade(), makeTrade(), makeTrade({ price: '-3' }), makeTrade({ venue: 'lower' })];
  await assert.rejects(producer.publish(trades, { packSize: 2 }), (err: unknown) => {
    assert.ok(err instanceof TradeValidationError);
    assert.equal(err.code, 'TRADE_INVALID');
    assert.deepEqual([...new Set(err.issues.map((i) => i.path))], ['[2].price', '[3].venue']);
    return true;
  });
  await assert.rejects(producer.publish(makeTrade({ qty: 'NaN' })), (err: unknown) => err instanceof TradeValidationError && err.issues[0]?.path === 'qty');
  const counts = await queues.trades.getJobCounts('wait', 'active', 'delayed', 'completed', 'failed');
  assert.deepEqual(counts, { wait: 0, active: 0, delayed: 0, completed: 0, failed: 0 });
});
