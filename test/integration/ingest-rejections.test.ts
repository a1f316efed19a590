import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { canonicalBytes } from '../../src/trade/signing.js';
import { handSign } from '../helpers/hand-sign.js';
import { ndjson, postIngest, signAll } from '../helpers/ingest-client.js';
import { ingestEnv, makeTestCerts, startTestIngest, tempDir } from '../helpers/ingest-fixture.js';
import { curlPostFile } from '../helpers/run-curl.js';
import { testSecret } from '../helpers/test-secret.js';
import { makeTrade } from '../helpers/trade-factory.js';

const nowNs = (offsetMs = 0) => `${Date.now() + offsetMs}000000`;

test('every rejection has its status and stable code; a mixed body is answered per trade and only the good trades are enqueued', async (t) => {
  const dir = tempDir(t, 'ingest-rejections');
  const certs = makeTestCerts(dir);
  const { ingest, queues } = await startTestIngest(t, ingestEnv(certs, { TRADE_SYNC_INGEST_MAX_BODY_BYTES: String(64 * 1024), TRADE_SYNC_INGEST_MAX_TRADES: '100' }));
  const tls = { ca: certs.ca };

  const good = [makeTrade(), makeTrade(), makeTrade()];
  const [g0, g1, g2] = signAll(good, 'test-k1');
  const tampered = { ...signAll([makeTrade()], 'test-k1')[0]!, payload: JSON.stringify(makeTrade({ price: '999.5' })) };
  const unknownKid = handSign('nobody', 'a-secret-nobody-configured-0123456789', JSON.stringify(makeTrade()));
  const stale = signAll([makeTrade()], 'test-k2', nowNs(-10_000))[0];
  const future = signAll([makeTrade()], 'test-k2', nowNs(+10_000))[0];
  const invalidTrade = makeTrade({ price: '-1', symbol: 'lower' });
  const [invalid] = signAll([invalidTrade], 'test-k1');
  const badShape = { kid: 'test-k1', nonce: 'short', sent_at_ns: nowNs(), sig: 'zz', payload: '{}' };
  const notJson = handSign('test-k1', testSecret('test-k1'), 'not json at all');
  const signedPack = handSign('test-k1', testSecret('test-k1'), JSON.stringify([makeTrade(), makeTrade()]));
  const body = [
    ndjson([g0, tampered, unknownKid, stale, future, invalid, badShape, notJson, g1]).trimEnd(),
    '{this line is not JSON',
    JSON.stringify(g2),
    JSON.stringify(g2), // the same envelope twice in one request: its nonce is already claimed
    JSON.stringify(signedPack), // packs are for the queue, not for HTTPS
  ].join('\n');

  const reply = await postIngest(ingest.url, body, tls);
  assert.equal(reply.status, 207, reply.text);
  assert.equal(reply.json.accepted, 3);
  assert.equal(reply.json.rejected, 10);
  const byIndex = (i: number) => reply.json.results.find((r) => r.index === i);
  const expect: [number, number, string | undefined][] = [
    [0, 200, undefined],
    [1, 401, 'SIGNATURE_INVALID'],
    [2, 401, 'SIGNATURE_UNKNOWN_KEY'],
    [3, 401, 'INGEST_REPLAY_WINDOW'],
    [4, 401, 'INGEST_REPLAY_WINDOW'],
    [5, 400, 'TRADE_INVALID'],
    [6, 400, 'ENVELOPE_INVALID'],
    [7, 400, 'ENVELOPE_INVALID'],
    [8, 200, undefined],
    [9, 400, 'INGEST_BAD_REQUEST'],
    [10, 200, undefined],
    [11, 409, 'INGEST_NONCE_REUSED'],
    [12, 400, 'ENVELOPE_INVALID'],
  ];
  for (const [index, status, code] of expect) {
    const r = byIndex(index);
    assert.ok(r, `result ${index}`);
    assert.equal(r.status, status, `item ${index}: ${JSON.stringify(r)}`);
    assert.equal(r.code, code, `item ${index}: ${JSON.stringify(r)}`);
    if (status !== 200) assert.ok((r.message ?? '').length > 0);
  }
  assert.match(byIndex(3)?.message ?? '', /in the past/);
  assert.match(byIndex(4)?.message ?? '', /in the future/);
  assert.deepEqual(byIndex(5)?.issues?.map((i) => i.path).sort(), ['price', 'symbol']);
  assert.equal(byIndex(5)?.trade_id, invalidTrade.trade_id);
  assert.match(byIndex(12)?.message ?? '', /signed pack; POST one trade per envelope/);

  const jobs = await queues.trades.getJobs(['wait', 'active', 'delayed', 'completed']);
  assert.equal(jobs.length, 1, 'the accepted trades of one request share one job (up to TRADE_SYNC_PACK_SIZE)');
  assert.equal(jobs[0]?.name, 'ingest');
  assert.match(jobs[0]?.id ?? '', /^i\.[0-9a-f]{40}$/);
  const queuedIds = (jobs[0]?.data.envelopes ?? []).map((e) => JSON.parse((e as { payload: string }).payload).trade_id as string);
  assert.deepEqual(queuedIds.sort(), good.map((g) => g.trade_id).sort(), 'exactly the accepted trades are queued');
  assert.deepEqual(jobs[0]?.data.envelopes.find((e) => (e as { sig: string }).sig === g0?.sig), g0, "the engine's original envelope is enqueued, unchanged");

  // All rejected: the status is the worst per-trade class, here 401 alone.
  const onlyBad = await postIngest(ingest.url, ndjson([unknownKid]), tls);
  assert.equal(onlyBad.status, 401);
  assert.equal(onlyBad.json.results[0]?.code, 'SIGNATURE_UNKNOWN_KEY');
  const badAndInvalid = await postIngest(ingest.url, ndjson([signAll([invalidTrade])[0], tampered]), tls);
  assert.equal(badAndInvalid.status, 401, 'the highest per-trade status when nothing was accepted');
});

test('whole-request refusals: too large (413, also from curl), too many trades, not an array, empty, wrong path and method', async (t) => {
  const dir = tempDir(t, 'ingest-request');
  const certs = makeTestCerts(dir);
  const { ingest, queues } = await startTestIngest(t, ingestEnv(certs, { TRADE_SYNC_INGEST_MAX_BODY_BYTES: String(64 * 1024), TRADE_SYNC_INGEST_MAX_TRADES: '100' }));
  const tls = { ca: certs.ca };

  const big = ndjson(signAll(Array.from({ length: 200 }, () => makeTrade())));
  assert.ok(big.length > 64 * 1024);
  const tooLarge = await postIngest(ingest.url, big, tls);
  assert.equal(tooLarge.status, 413);
  assert.equal(tooLarge.json.error?.code, 'INGEST_BODY_TOO_LARGE');
  const bigFile = join(dir, 'big.ndjson');
  writeFileSync(bigFile, big);
  const viaCurl = await curlPostFile(ingest.url, bigFile, tls);
  assert.equal(viaCurl.status, 413, viaCurl.stderr);
  assert.match(viaCurl.body, /INGEST_BODY_TOO_LARGE/);
  const viaCurlExpect = await curlPostFile(ingest.url, bigFile, tls, ['-H', 'expect: 100-continue']);
  assert.equal(viaCurlExpect.status, 413, viaCurlExpect.stderr);

  const tooMany = ndjson(Array.from({ length: 101 }, () => ({})));
  const many = await postIngest(ingest.url, tooMany, tls);
  assert.equal(many.status, 400);
  assert.equal(many.json.error?.code, 'INGEST_BAD_REQUEST');
  assert.match(many.json.error?.message ?? '', /at most 100/);

  const asArray = await postIngest(ingest.url, JSON.stringify(signAll([makeTrade(), makeTrade()])), tls, { headers: { 'content-type': 'application/json' } });
  assert.equal(asArray.status, 200, asArray.text);
  assert.equal(asArray.json.accepted, 2);

  for (const bad of ['[{"kid": 1}', '[]', '', '   \n  ', '\u00ff']) {
    const r = await postIngest(ingest.url, bad === '\u00ff' ? Buffer.from([0xff, 0xfe]) : bad, tls);
    assert.equal(r.status, 400, `${JSON.stringify(bad)}: ${r.text}`);
    assert.equal(r.json.error?.code, 'INGEST_BAD_REQUEST');
  }
  const wrongPath = await postIngest(ingest.url, '', tls, { path: '/v1/nope' });
  assert.equal(wrongPath.status, 404);
  assert.equal(wrongPath.json.error?.code, 'INGEST_BAD_REQUEST');
  const wrongMethod = await postIngest(ingest.url, '', tls, { method: 'GET' });
  assert.equal(wrongMethod.status, 405);
  assert.equal(wrongMethod.headers.allow, 'POST');
  const health = await postIngest(ingest.url, '', tls, { method: 'GET', path: '/healthz' });
  assert.equal(health.status, 200);

  // A signature made over other bytes than the canonical ones (e.g. the JSON envelope) is refused.
  const trade = JSON.stringify(makeTrade());
  const unsigned = { kid: 'test-k1', nonce: randomBytes(12).toString('base64url'), sent_at_ns: nowNs(), payload: trade };
  const wrongBytes = { ...unsigned, sig: createHmac('sha256', testSecret('test-k1')).update(canonicalBytes(unsigned).replace('trade-sync.v1', 'trade-sync.v0')).digest('hex') };
  const refused = await postIngest(ingest.url, ndjson([wrongBytes]), tls);
  assert.equal(refused.status, 401);
  assert.equal(refused.json.results[0]?.code, 'SIGNATURE_INVALID');

  const waiting = await queues.trades.getJobs(['wait']);
  assert.deepEqual(waiting.map((j) => j.data.envelopes.length), [2], 'only the two trades of the array were enqueued');
});
