import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import { runWorker, type RunningWorker } from '../../src/wiring/run-worker.js';
import { DeadLetterAdmin } from '../../src/dlq/dead-letter-admin.js';
import { DeadLetterNotFoundError } from '../../src/errors/index.js';
import { createLogger } from '../../src/logger.js';
import { TradeProducer } from '../../src/producer/trade-producer.js';
import { normalizeDecimal } from '../../src/trade/decimal.js';
import type { Trade } from '../../src/trade/trade-schema.js';
import { countPhysicalRows, countTrades, migratedDatabase, queryText } from '../helpers/clickhouse-helpers.js';
import { testQueues } from '../helpers/queue-helpers.js';
import { TEST_KEYS, testConfig, testEnv } from '../helpers/test-env.js';
import { makeTrade } from '../helpers/trade-factory.js';
import { waitFor } from '../helpers/wait-for.js';
import { waitForDrained } from '../helpers/wait-for-drained.js';

const LATE = 'late:late-secret-0123456789abcdef0123456789';

/**
 * A pipeline on `env` whose producer signs with `producerEnv`'s keys; `upgrade()` replaces the
 * worker with one configured by `upgradedEnv` (a new key rolled out, a newer schema version).
 */
async function upgradablePipeline(t: TestContext, env: Record<string, string>, producerEnv: Record<string, string>, upgradedEnv: Record<string, string>) {
  const config = testConfig(env);
  const db = await migratedDatabase(config);
  const queues = testQueues(config);
  const producer = new TradeProducer(testConfig(producerEnv));
  let worker: RunningWorker = await runWorker(config, createLogger('silent'));
  t.after(async () => {
    await producer.close();
    await worker.stop();
    await queues.cleanup();
    await db.drop();
    rmSync(config.spill.dir, { recursive: true, force: true });
  });
  return {
    config,
    db,
    queues,
    producer,
    admin: new DeadLetterAdmin(queues.dlq),
    async upgrade() {
      await worker.stop();
      worker = await runWorker(testConfig(upgradedEnv), createLogger('silent'));
    },
    /** Waits until dead letter `id` has been re-published (under a redrive id other than `previous`) and that job has completed. */
    async redriven(id: string, previous?: string): Promise<string> {
      const redriveIdOf = async () => ((await queues.dlq.getJob(id))?.returnvalue as { redriveId?: string } | null | undefined)?.redriveId;
      const redriveId = await waitFor(redriveIdOf, (rid) => rid !== undefined && rid !== previous, 15_000, `dead letter ${id} redriven`);
      await waitFor(async () => (await queues.trades.getJob(redriveId ?? ''))?.isCompleted() ?? false, (done) => done, 15_000, `redrive job ${redriveId} completed`);
      return redriveId ?? '';
    },
  };
}

/** The producer signs with key "late", which the first worker does not know: every trade is dead-lettered until `upgrade()`. */
function lateKeyPipeline(t: TestContext) {
  const env = testEnv();
  return upgradablePipeline(t, env, { ...env, TRADE_SYNC_HMAC_KEYS: LATE }, { ...env, TRADE_SYNC_HMAC_KEYS: `${TEST_KEYS},${LATE}` });
}

test('a dead letter redriven after the key is rolled out lands exactly once, however often it is redriven', async (t) => {
  const p = await lateKeyPipeline(t);
  const trade = makeTrade({ symbol: 'LATE' });
  await p.producer.publish(trade, { packSize: 1 }); // job id = trade_id
  await p.producer.publish([trade], { packSize: 2 }); // a second job carrying the same trade
  await waitFor(() => p.admin.count(), (n) => n === 2, 15_000, 'both copies dead-lettered');
  const letters = await p.admin.list();
  // A pack whose signature cannot be checked is one dead letter, naming no single trade.
  assert.deepEqual(letters.map((l) => [l.tradeId ?? 'none', l.code]).sort(), [[trade.trade_id, 'SIGNATURE_UNKNOWN_KEY'], ['none', 'SIGNATURE_UNKNOWN_KEY']].sort());
  assert.equal(await countTrades(p.db.client, p.config.clickhouse.database), 0);

  await p.upgrade();
  const [first, second] = letters.map((l) => l.id) as [string, string];
  await p.admin.redrive(first);
  const firstRedrive = await p.redriven(first);
  assert.equal(await countTrades(p.db.client, p.config.clickhouse.database), 1);
  await assert.rejects(p.admin.redrive(first), DeadLetterNotFoundError, 'a completed dead letter is no longer parked');

  // The other dead letter of the same trade, and a forced retry of the completed one: both re-insert it.
  await p.admin.redrive(second);
  await p.redriven(second);
  const completed = await p.queues.dlq.getJob(first);
  await completed?.retry('completed');
  assert.notEqual(await p.redriven(first, firstRedrive), firstRedrive);
  await waitForDrained(p.queues.trades);

  const database = p.config.clickhouse.database;
  assert.equal(await countTrades(p.db.client, database), 1, 'FINAL collapses every re-insert');
  const [[distinct] = ['0']] = await queryText(p.db.client, `SELECT count(DISTINCT trade_id) FROM ${database}.trades`);
  assert.equal(Number(distinct), 1);
  assert.ok((await countPhysicalRows(p.db.client, database)) >= 1);
  const [[kid, price] = []] = await queryText(p.db.client, `SELECT kid, toString(price) FROM ${database}.trades FINAL`);
  assert.equal(kid, 'late');
  assert.equal(normalizeDecimal(price ?? ''), trade.price);
  assert.equal(await p.admin.count(), 0, 'nothing is parked any more');
});

test('redriveAll sends 210 dead letters (200 trades, 10 signed packs) back, page by page, and each of the 300 trades lands once', async (t) => {
  const p = await lateKeyPipeline(t);
  const trades = Array.from({ length: 300 }, (_, i) => makeTrade({ symbol: `R${i % 7}` }));
  await p.producer.publish(trades.slice(0, 200), { packSize: 1 });
  await p.producer.publish(trades.slice(200), { packSize: 10 });
  await waitFor(() => p.admin.count(), (n) => n === 210, 30_000, '210 dead letters');
  await p.upgrade();

  const progress: [number, number][] = [];
  const done = await p.admin.redriveAll((n, total) => progress.push([n, total]), 100);
  assert.equal(done, 210);
  assert.deepEqual(progress, [[100, 210], [200, 210], [210, 210]]);
  await waitFor(() => countTrades(p.db.client, p.config.clickhouse.database), (n) => n >= 300, 30_000, 'all redriven trades in ClickHouse');
  await waitForDrained(p.queues.dlq);
  await waitForDrained(p.queues.trades);

  const database = p.config.clickhouse.database;
  assert.equal(await countTrades(p.db.client, database), 300);
  const rows = await queryText(p.db.client, `SELECT toString(trade_id) FROM ${database}.trades FINAL`);
  assert.deepEqual(rows.map((r) => r[0]).sort(), trades.map((tr) => tr.trade_id).sort());
  assert.equal(await p.admin.count(), 0);
  assert.equal(await p.queues.dlq.getCompletedCount(), 210);
});

test('one trade of a signed pack that a worker could not read is dead-lettered alone; its redrive takes only that trade', async (t) => {
  const env = testEnv({ TRADE_SYNC_MAX_SCHEMA_VERSION: '1' });
  const p = await upgradablePipeline(t, env, env, { ...env, TRADE_SYNC_MAX_SCHEMA_VERSION: '2' });
  const { config, db, queues, producer, admin } = p;
  const database = config.clickhouse.database;
  await db.client.command({ query: `SYSTEM STOP MERGES ${database}.trades` }); // physical rows then count every insert
  const trades = Array.from({ length: 10 }, (_, i) => (i === 3 ? ({ ...makeTrade({ schema_version: 2 }), fee: '0.25', liquidity: 'taker' } as Trade) : makeTrade()));
  await producer.publish(trades, { packSize: 10 });
  await waitFor(() => admin.count(), (n) => n === 1, 15_000, 'the v2 trade dead-lettered');
  await waitForDrained(queues.trades);
  const [letter] = await queues.dlq.getFailed(0, -1);
  assert.equal(letter?.data.error.code, 'TRADE_SCHEMA_UNSUPPORTED');
  assert.equal(letter?.data.tradeId, trades[3]!.trade_id);
  assert.deepEqual(letter?.data.items?.map((i) => [i.item, i.tradeId]), [[3, trades[3]!.trade_id]]);
  assert.deepEqual(JSON.parse((letter?.data.envelope as { payload: string }).payload), trades, 'the whole signed pack is kept, exactly as queued');
  assert.equal(await countTrades(db.client, database), 9, 'the pack\'s other trades landed');

  await p.upgrade();
  await admin.redrive(letter!.id!);
  await waitFor(() => countTrades(db.client, database), (n) => n === 10, 15_000, 'the redriven trade in ClickHouse');
  await waitForDrained(queues.trades);
  assert.equal(await countPhysicalRows(db.client, database), 10, 'the redrive inserted that one trade, not the whole pack again');
  const [[fee, liquidity] = []] = await queryText(db.client, `SELECT toString(fee), liquidity FROM ${database}.trades FINAL WHERE trade_id = '${trades[3]!.trade_id}'`);
  assert.equal(normalizeDecimal(fee ?? ''), '0.25');
  assert.equal(liquidity, 'taker');
  assert.equal(await admin.count(), 0);
});
