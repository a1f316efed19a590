import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Job } from 'bullmq';
import type { DeadLetter } from '../../queues/index.js';
import type { RunningWorker } from '../../src/wiring/run-worker.js';
import type { Config } from '../../src/config/index.js';
import { createLogger } from '../../src/logger.js';
import type { TradeProducer } from '../../src/producer/trade-producer.js';
import { ClickHouseTradeSink } from '../../src/sinks/clickhouse/clickhouse-trade-sink.js';
import { MIGRATIONS } from '../../src/sinks/clickhouse/migrations.js';
import { detectServerFeatures } from '../../src/sinks/clickhouse/server-features.js';
import { insertRetryPolicy } from '../../src/sinks/insert-retry-policy.js';
import { insertBatch } from '../../src/sinks/insert-batch.js';
import { signTrade } from '../../src/trade/signing.js';
import { queryText } from '../helpers/clickhouse-helpers.js';
import { handSign } from '../helpers/hand-sign.js';
import { makeTradeRow } from '../helpers/make-trade-row.js';
import type { TestQueues } from '../helpers/queue-helpers.js';
import { startInProcessPipeline, type InProcessPipeline } from '../helpers/in-process-pipeline.js';
import { testSecret } from '../helpers/test-secret.js';
import { makeTrade } from '../helpers/trade-factory.js';
import { waitFor } from '../helpers/wait-for.js';
import { waitForDrained } from '../helpers/wait-for-drained.js';

let pipeline: InProcessPipeline;
let config: Config;
let db: InProcessPipeline['db'];
let queues: TestQueues;
let worker: RunningWorker;
let producer: TradeProducer;

before(async () => {
  pipeline = await startInProcessPipeline();
  ({ config, db, queues, worker, producer } = pipeline);
});

after(() => pipeline.stop());

/** Parked dead letters whose source job is one of `jobIds` (other tests' letters are ignored). */
async function lettersFrom(jobIds: readonly string[]): Promise<Job<DeadLetter>[]> {
  const failed = await queues.dlq.getFailed(0, -1);
  return failed.filter((j): j is Job<DeadLetter> => j !== undefined && jobIds.includes(j.data.source.jobId));
}

async function storedIds(ids: readonly string[]): Promise<string[]> {
  const list = ids.map((id) => `'${id}'`).join(',');
  const rows = await queryText(db.client, `SELECT toString(trade_id) FROM ${config.clickhouse.database}.trades FINAL WHERE trade_id IN (${list})`);
  return rows.map((r) => r[0] ?? '').sort();
}

test('a correctly signed but invalid trade among good ones: only it is dead-lettered, the good ones all land', async () => {
  const good = Array.from({ length: 300 }, () => makeTrade({ symbol: 'GOOD' }));
  const bad = makeTrade({ qty: '-1' });
  const badEnvelope = handSign('test-k1', testSecret('test-k1'), JSON.stringify(bad));
  const mixedGood = [makeTrade({ symbol: 'MIXED' }), makeTrade({ symbol: 'MIXED' })];
  const bad2 = makeTrade({ price: '1e5' });
  const mixed = [signTrade(config.keyring, mixedGood[0]!), handSign('test-k2', testSecret('test-k2'), JSON.stringify(bad2)), signTrade(config.keyring, mixedGood[1]!)];

  await producer.publish(good.slice(0, 150));
  await queues.trades.add('trade', { envelopes: [badEnvelope] }, { jobId: `bad-${bad.trade_id}` });
  await queues.trades.add('pack', { envelopes: mixed }, { jobId: `mixed-${bad2.trade_id}` });
  await producer.publish(good.slice(150), { packSize: 25 });
  await waitForDrained(queues.trades);
  const sources = [`bad-${bad.trade_id}`, `mixed-${bad2.trade_id}`];
  const letters = await waitFor(() => lettersFrom(sources), (l) => l.length >= 2, 15_000, 'two dead letters');

  const byId = new Map(letters.map((j) => [j.data.tradeId, j]));
  assert.deepEqual([...byId.keys()].sort(), [bad.trade_id, bad2.trade_id].sort());
  const first = byId.get(bad.trade_id)!;
  assert.equal(first.data.error.code, 'TRADE_INVALID');
  assert.match(first.data.error.message, /^qty: /);
  assert.match(first.failedReason ?? '', /^TRADE_INVALID: qty: /);
  assert.deepEqual(first.data.envelope, badEnvelope, 'the message is kept exactly as queued');
  assert.equal(first.data.attempts, 0);
  assert.deepEqual(first.data.source, { queue: config.queues.trades, jobId: `bad-${bad.trade_id}` });
  const second = byId.get(bad2.trade_id)!;
  assert.equal(second.data.error.code, 'TRADE_INVALID');
  assert.match(second.failedReason ?? '', /^TRADE_INVALID: price: /);
  assert.deepEqual(second.data.envelope, mixed[1]);

  const goodIds = [...good, ...mixedGood].map((t) => t.trade_id);
  assert.equal((await storedIds(goodIds)).length, goodIds.length, 'every good trade is in ClickHouse');
  const parked = (await queues.dlq.getFailed(0, -1)).map((j) => j?.data.tradeId);
  assert.ok(!parked.some((id) => id !== null && id !== undefined && goodIds.includes(id)), 'no good trade was dead-lettered');
  assert.deepEqual(await storedIds([bad.trade_id, bad2.trade_id]), []);
  assert.equal(await queues.trades.getFailedCount(), 0, 'source jobs complete; only the trades are dead-lettered');
});

test('a bad signature and an unknown key id are dead-lettered with their codes and never inserted', async () => {
  const tampered = makeTrade();
  const envelope = signTrade(config.keyring, tampered);
  const tamperedEnvelope = { ...envelope, payload: envelope.payload.replace('"qty":"10.5"', '"qty":"1.5"') };
  assert.notEqual(tamperedEnvelope.payload, envelope.payload);
  const ghost = makeTrade();
  const ghostEnvelope = handSign('ghost', 'ghost-secret-0123456789abcdef0123456789', JSON.stringify(ghost));
  const notAnEnvelope = { hello: 'world' };

  await queues.trades.add('trade', { envelopes: [tamperedEnvelope] }, { jobId: `sig-${tampered.trade_id}` });
  await queues.trades.add('trade', { envelopes: [ghostEnvelope] }, { jobId: `kid-${ghost.trade_id}` });
  await queues.trades.add('trade', { envelopes: [notAnEnvelope] }, { jobId: `shape-${ghost.trade_id}` });
  const sources = [`sig-${tampered.trade_id}`, `kid-${ghost.trade_id}`, `shape-${ghost.trade_id}`];
  const letters = await waitFor(() => lettersFrom(sources), (l) => l.length >= 3, 15_000, 'three dead letters');
  await waitForDrained(queues.trades);

  const code = (jobId: string) => letters.find((j) => j.data.source.jobId === jobId);
  assert.equal(code(sources[0]!)?.data.error.code, 'SIGNATURE_INVALID');
  assert.equal(code(sources[0]!)?.data.tradeId, tampered.trade_id);
  assert.match(code(sources[0]!)?.failedReason ?? '', /^SIGNATURE_INVALID: /);
  assert.equal(code(sources[1]!)?.data.error.code, 'SIGNATURE_UNKNOWN_KEY');
  assert.match(code(sources[1]!)?.failedReason ?? '', /^SIGNATURE_UNKNOWN_KEY: .*ghost/);
  assert.equal(code(sources[2]!)?.data.error.code, 'ENVELOPE_INVALID');
  assert.equal(code(sources[2]!)?.data.tradeId, null);
  assert.deepEqual(await storedIds([tampered.trade_id, ghost.trade_id]), []);
  assert.equal((await lettersFrom(sources)).length, 3, 'each is dead-lettered once');
});

test('ClickHouse-level bad data: the batch is split until only the 2 bad rows are rejected, the other 198 are stored', async () => {
  const database = config.clickhouse.database;
  const features = await detectServerFeatures(db.client);
  // Replay every migration's DDL for the trades table onto a copy whose venue is FixedString(4).
  const statements: string[] = [];
  for (const m of MIGRATIONS) await m.up({ database, features, cluster: undefined, run: async (sql) => void statements.push(sql), columnExists: async () => false });
  const ddl = statements
    .map((sql) => sql.replace(new RegExp(`${database}\\.trades\\b`, 'g'), `${database}.trades_fixed`))
    .filter((sql) => sql.includes(`${database}.trades_fixed`))
    .map((sql) => sql.replace('venue String', 'venue FixedString(4)'));
  assert.ok(ddl[0]?.includes('CREATE TABLE') && ddl[0].includes('venue FixedString(4)'), 'the migration SQL still has the expected shape');
  for (const sql of ddl) await db.client.command({ query: sql });

  const trades = Array.from({ length: 200 }, (_, i) => makeTrade({ symbol: ['AAA', 'BBB'][i % 2], venue: i === 17 || i === 150 ? 'TOOLONG' : 'XNAS' }));
  const badIds = [trades[17]!.trade_id, trades[150]!.trade_id].sort();
  const sink = new ClickHouseTradeSink(db.client, database, features, 'trades_fixed');
  const result = await insertBatch(trades.map((t) => makeTradeRow(t)), {
    sink,
    retry: insertRetryPolicy({ attempts: 3, baseDelayMs: 10, maxDelayMs: 50 }),
    log: createLogger('silent'),
  });
  assert.deepEqual(result.unavailable, [], 'ClickHouse is up: nothing is unavailable');
  assert.equal(result.inserted, 198);
  assert.deepEqual(result.rejected.map((r) => r.row.trade.trade_id).sort(), badIds);
  for (const r of result.rejected) {
    assert.equal(r.code, 'CLICKHOUSE_BAD_DATA');
    assert.equal(r.attempts, 1, 'bad data is never retried');
    assert.match(r.message, /Code: 131/);
    assert.ok(!r.message.includes('\n'));
  }
  const [[n] = ['0']] = await queryText(db.client, `SELECT count() FROM ${database}.trades_fixed`);
  assert.equal(Number(n), 198);
  const stored = await queryText(db.client, `SELECT toString(trade_id) FROM ${database}.trades_fixed WHERE trade_id IN ('${badIds.join("','")}')`);
  assert.deepEqual(stored, []);
});
