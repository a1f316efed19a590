import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ndjson, postIngest, signAll } from '../helpers/ingest-client.js';
import { ingestEnv, makeTestCerts, startTestIngest, tempDir } from '../helpers/ingest-fixture.js';
import { makeTrade } from '../helpers/trade-factory.js';
import { queuedTradeIds } from '../helpers/queued-trades.js';
import { pendingJobs } from '../helpers/wait-for-drained.js';

const trades = (n: number) => Array.from({ length: n }, () => makeTrade());

test('a flood from one key id is rate limited (429 + Retry-After) while another key id is still served', async (t) => {
  const dir = tempDir(t, 'ingest-rate');
  const certs = makeTestCerts(dir);
  const { ingest, queues } = await startTestIngest(t, ingestEnv(certs, { TRADE_SYNC_INGEST_RATE_PER_KID: '20', TRADE_SYNC_INGEST_BURST_PER_KID: '50', TRADE_SYNC_INGEST_REPLAY_WINDOW_MS: '30000' }));
  const tls = { ca: certs.ca };

  // One request over the bucket: accepted in part, the rest refused with a wait.
  const first = signAll(trades(80), 'test-k1');
  const partial = await postIngest(ingest.url, ndjson(first), tls);
  assert.equal(partial.status, 207, partial.text);
  assert.equal(partial.json.accepted, 50);
  const limited = partial.json.results.filter((r) => r.status === 429);
  assert.equal(limited.length, 30);
  assert.ok(limited.every((r) => r.code === 'INGEST_RATE_LIMITED' && (r.retry_after_s ?? 0) >= 1));
  const retryAfter = Number(partial.headers['retry-after']);
  assert.ok(retryAfter >= 1 && retryAfter <= 3, `Retry-After ${retryAfter}`);

  // A flood of concurrent requests from test-k1, and test-k2 in the middle of it.
  const flood = Array.from({ length: 8 }, () => postIngest(ingest.url, ndjson(signAll(trades(25), 'test-k1')), tls));
  const other = postIngest(ingest.url, ndjson(signAll(trades(25), 'test-k2')), tls);
  const floodReplies = await Promise.all(flood);
  const otherReply = await other;
  assert.equal(otherReply.status, 200, otherReply.text);
  assert.equal(otherReply.json.accepted, 25);
  const floodAccepted = floodReplies.reduce((n, r) => n + r.json.accepted, 0);
  assert.ok(floodAccepted <= 40, `the flood got ${floodAccepted} of 200 trades through`);
  assert.ok(floodReplies.some((r) => r.status === 429 && Number(r.headers['retry-after']) >= 1));

  // The refused envelopes were never enqueued and their nonces were released: after the wait the
  // very same envelopes are taken (the engine may retry them as they are, within the replay window).
  await new Promise((resolve) => setTimeout(resolve, 2_600));
  const again = first.filter((_, i) => partial.json.results[i]?.status === 429);
  const retried = await postIngest(ingest.url, ndjson(again), tls);
  assert.equal(retried.status, 200, retried.text);
  assert.equal(retried.json.accepted, 30);
  assert.equal((await queuedTradeIds(queues.trades, undefined, ['wait'])).length, 50 + floodAccepted + 25 + 30);
});

test('a queue at 80% of its capacity (in jobs) answers 503 + Retry-After and enqueues nothing of the request', async (t) => {
  const dir = tempDir(t, 'ingest-full');
  const certs = makeTestCerts(dir);
  // Capacity 10 jobs: high water 8. A request of 10 trades is one job of up to TRADE_SYNC_PACK_SIZE (100).
  const { ingest, queues } = await startTestIngest(t, ingestEnv(certs, { TRADE_SYNC_QUEUE_CAPACITY: '10' }));
  const tls = { ca: certs.ca };

  for (let i = 0; i < 7; i++) {
    const fits = await postIngest(ingest.url, ndjson(signAll(trades(10))), tls);
    assert.equal(fits.status, 200, fits.text);
  }
  assert.equal(await pendingJobs(queues.trades), 7, 'one job per request');
  const full = await postIngest(ingest.url, ndjson(signAll(trades(10))), tls);
  assert.equal(full.status, 503, full.text);
  assert.equal(full.headers['retry-after'], '1');
  assert.equal(full.json.accepted, 0);
  assert.ok(full.json.results.every((r) => r.status === 503 && r.code === 'QUEUE_FULL'));
  assert.equal((await queuedTradeIds(queues.trades, undefined, ['wait'])).length, 70, 'nothing of the refused request is in the queue');

  // Room again (a worker took jobs): the next request is served.
  await queues.trades.drain();
  await new Promise((resolve) => setTimeout(resolve, 300)); // the depth gauge refreshes every 250 ms
  const after = await postIngest(ingest.url, ndjson(signAll(trades(10))), tls);
  assert.equal(after.status, 200, after.text);
});
