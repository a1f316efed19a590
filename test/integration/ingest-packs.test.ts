import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { runWorker } from '../../src/wiring/run-worker.js';
import { createLogger } from '../../src/logger.js';
import type { SignedEnvelope } from '../../src/trade/signed-envelope.js';
import { countTrades, migratedDatabase, queryText } from '../helpers/clickhouse-helpers.js';
import { ingestEnv, makeTestCerts, startTestIngest, tempDir } from '../helpers/ingest-fixture.js';
import { ndjson, postIngest, signAll } from '../helpers/ingest-client.js';
import { onCleanup } from '../helpers/on-cleanup.js';
import { makeTrade } from '../helpers/trade-factory.js';
import { waitFor } from '../helpers/wait-for.js';
import { waitForDrained } from '../helpers/wait-for-drained.js';

/** An HTTPS ingest and a migrated database on the test's own queues; `startWorker` drains them. */
async function ingestPipeline(t: TestContext, overrides: Record<string, string> = {}) {
  const certs = makeTestCerts(tempDir(t, 'ingest-packs'));
  const fixture = await startTestIngest(t, ingestEnv(certs, overrides));
  const db = await migratedDatabase(fixture.config);
  onCleanup(t, () => db.drop());
  const database = fixture.config.clickhouse.database;
  return {
    ...fixture,
    db,
    post: (envelopes: readonly unknown[]) => postIngest(fixture.ingest.url, ndjson(envelopes), { ca: certs.ca }),
    async startWorker() {
      const worker = await runWorker(fixture.config, createLogger('silent'));
      onCleanup(t, () => worker.stop());
      return worker;
    },
    /** Trade ids in ClickHouse FINAL, sorted as strings. */
    async landed(): Promise<string[]> {
      return (await queryText(db.client, `SELECT trade_id FROM ${database}.trades FINAL`)).map(([id]) => id as string).sort();
    },
  };
}

const idsOf = (trades: readonly { trade_id: string }[]) => trades.map((t) => t.trade_id).sort();

test('one request of good, invalid and badly signed trades: the good land once from one shared job, the rest get their codes', async (t) => {
  const p = await ingestPipeline(t, { TRADE_SYNC_PACK_SIZE: '4' });
  const good = Array.from({ length: 6 }, () => makeTrade());
  const signed = signAll(good);
  const invalid = signAll([makeTrade({ price: '-1' })])[0];
  const badSig = { ...signAll([makeTrade()])[0], sig: '0'.repeat(64) };
  const reply = await p.post([signed[0], invalid, ...signed.slice(1, 4), badSig, ...signed.slice(4)]);
  assert.equal(reply.status, 207, reply.text);
  assert.equal(reply.json.accepted, 6);
  assert.deepEqual(reply.json.results.filter((r) => r.status !== 200).map((r) => [r.index, r.status, r.code]), [[1, 400, 'TRADE_INVALID'], [5, 401, 'SIGNATURE_INVALID']]);
  const jobs = await p.queues.trades.getJobs(['wait']);
  assert.deepEqual(jobs.map((j) => [j.name, j.data.envelopes.length]).sort(), [['ingest', 2], ['ingest', 4]], '6 accepted trades in jobs of at most 4');

  await p.startWorker();
  await waitFor(() => countTrades(p.db.client, p.config.clickhouse.database), (n) => n >= 6, 30_000, 'the 6 good trades in ClickHouse');
  await waitForDrained(p.queues.trades);
  assert.deepEqual(await p.landed(), idsOf(good));
  assert.equal(Number((await queryText(p.db.client, `SELECT count() FROM ${p.config.clickhouse.database}.trades`))[0]?.[0]), 6, 'no physical duplicate');
  assert.deepEqual(await p.queues.dlq.getJobCounts('wait', 'failed', 'completed'), { wait: 0, failed: 0, completed: 0 }, 'refused trades were never enqueued');
});

test('a trade altered inside an ingest job in Redis is dead-lettered alone (SIGNATURE_INVALID); the others of the job land', async (t) => {
  const p = await ingestPipeline(t);
  const good = Array.from({ length: 10 }, () => makeTrade());
  const reply = await p.post(signAll(good));
  assert.equal(reply.status, 200, reply.text);
  const [job] = await p.queues.trades.getJobs(['wait']);
  assert.ok(job !== undefined && job.data.envelopes.length === 10, 'one job for the request');
  // An attacker with Redis access raises the quantity of trade 3 (keeping the envelope well-formed).
  const envelopes = job.data.envelopes.map((e) => ({ ...(e as SignedEnvelope) }));
  const victim = envelopes[3] as SignedEnvelope;
  victim.payload = victim.payload.replace(/"qty":"[^"]*"/, '"qty":"1"');
  assert.notEqual(victim.payload, (job.data.envelopes[3] as SignedEnvelope).payload);
  await job.updateData({ envelopes });

  await p.startWorker();
  const others = good.filter((_, i) => i !== 3);
  await waitFor(() => countTrades(p.db.client, p.config.clickhouse.database), (n) => n >= 9, 30_000, 'the 9 untouched trades in ClickHouse');
  await waitFor(() => p.queues.dlq.getJobCounts('failed'), (c) => (c.failed ?? 0) >= 1, 10_000, 'a dead letter');
  await waitForDrained(p.queues.trades);
  assert.deepEqual(await p.landed(), idsOf(others));
  const letters = await p.queues.dlq.getJobs(['failed']);
  assert.equal(letters.length, 1);
  assert.equal(letters[0]?.data.error.code, 'SIGNATURE_INVALID');
  assert.equal(letters[0]?.data.tradeId, good[3]?.trade_id);
  assert.deepEqual(letters[0]?.data.envelope, victim, 'the dead letter keeps the altered envelope alone, not the job');
});

test('the same request retried with new nonces: each trade once in ClickHouse FINAL', async (t) => {
  const p = await ingestPipeline(t);
  const trades = Array.from({ length: 50 }, () => makeTrade());
  await p.startWorker();
  for (let attempt = 0; attempt < 3; attempt++) {
    const reply = await p.post(signAll(trades)); // signed again: new nonces, new signatures
    assert.equal(reply.status, 200, reply.text);
  }
  await waitFor(() => countTrades(p.db.client, p.config.clickhouse.database), (n) => n >= 50, 30_000, '50 trades in ClickHouse');
  await waitForDrained(p.queues.trades);
  assert.deepEqual(await p.landed(), idsOf(trades));
  assert.equal(await countTrades(p.db.client, p.config.clickhouse.database), 50);
});
