import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runWorker } from '../../src/wiring/run-worker.js';
import { createLogger } from '../../src/logger.js';
import { countTrades, migratedDatabase, queryText } from '../helpers/clickhouse-helpers.js';
import type { IngestResponseBody } from '../../src/ingest/ingest-response.js';
import { ingestEnv, makeTestCerts, startTestIngest, tempDir } from '../helpers/ingest-fixture.js';
import { onCleanup } from '../helpers/on-cleanup.js';
import { curlPostFile, curlPostTrades } from '../helpers/run-curl.js';
import { testSecret } from '../helpers/test-secret.js';
import { makeTrade } from '../helpers/trade-factory.js';
import { waitFor } from '../helpers/wait-for.js';
import { waitForDrained } from '../helpers/wait-for-drained.js';

test('curl + openssl (not our code) posts signed trades over HTTPS; they reach ClickHouse, and a replayed request is refused', async (t) => {
  const dir = tempDir(t, 'ingest-curl');
  const certs = makeTestCerts(dir);
  const { config, ingest, queues } = await startTestIngest(t, ingestEnv(certs));
  const db = await migratedDatabase(config);
  onCleanup(t, () => db.drop());
  const worker = await runWorker(config, createLogger('silent'));
  onCleanup(t, () => worker.stop());

  const trades = Array.from({ length: 25 }, (_, i) => makeTrade({ symbol: i % 2 ? 'CURL' : 'OPENSSL', price: `${100 + i}.125`, order_id: `CURL-${i}` }));
  const tradesFile = join(dir, 'trades.ndjson');
  writeFileSync(tradesFile, trades.map((tr) => JSON.stringify(tr)).join('\n'));
  const bodyFile = join(dir, 'request.ndjson');
  const sent = await curlPostTrades({ INGEST_URL: ingest.url, KID: 'test-k2', SECRET: testSecret('test-k2'), CACERT: certs.ca, TRADES_FILE: tradesFile, BODY_FILE: bodyFile });
  assert.equal(sent.code, 0, sent.stderr);
  assert.equal(sent.status, 200, sent.body);
  const reply = JSON.parse(sent.body) as IngestResponseBody;
  assert.equal(reply.accepted, 25);
  assert.equal(reply.rejected, 0);
  assert.deepEqual(reply.results.map((r) => r.trade_id), trades.map((tr) => tr.trade_id));

  await waitFor(() => countTrades(db.client, config.clickhouse.database), (n) => n === 25, 30_000, '25 trades in ClickHouse');
  const rows = await queryText(db.client, `SELECT toString(trade_id), kid, toString(price) FROM ${config.clickhouse.database}.trades FINAL ORDER BY order_id`);
  assert.deepEqual(new Set(rows.map((r) => r[0])), new Set(trades.map((tr) => tr.trade_id)));
  assert.ok(rows.every((r) => r[1] === 'test-k2'));

  // The captured request, sent again byte for byte: every envelope's nonce was seen.
  await waitForDrained(queues.trades);
  const jobsBefore = (await queues.trades.getJobCounts('completed', 'wait', 'active')) as Record<string, number>;
  const replay = await curlPostFile(ingest.url, bodyFile, { ca: certs.ca });
  assert.equal(replay.status, 409, replay.body);
  const replayed = JSON.parse(replay.body) as IngestResponseBody;
  assert.equal(replayed.accepted, 0);
  assert.equal(replayed.rejected, 25);
  assert.ok(replayed.results.every((r) => r.status === 409 && r.code === 'INGEST_NONCE_REUSED'));
  assert.deepEqual(await queues.trades.getJobCounts('completed', 'wait', 'active'), jobsBefore, 'nothing enqueued by the replay');
});
