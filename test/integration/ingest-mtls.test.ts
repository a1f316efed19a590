import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ndjson, postIngest, signAll } from '../helpers/ingest-client.js';
import { ingestEnv, makeTestCerts, startTestIngest, tempDir } from '../helpers/ingest-fixture.js';
import { curlPostFile, curlPostTrades } from '../helpers/run-curl.js';
import { makeTestCerts as makeOtherPki } from '../helpers/test-certs.js';
import { testSecret } from '../helpers/test-secret.js';
import { makeTrade } from '../helpers/trade-factory.js';
import { queuedTradeIds } from '../helpers/queued-trades.js';

test('mutual TLS: no client certificate, or one from another CA, fails the handshake; a certificate signs only with its mapped key ids', async (t) => {
  const dir = tempDir(t, 'ingest-mtls');
  const certs = makeTestCerts(dir, ['engine-a', 'engine-b', 'engine-unmapped']);
  const rogue = makeOtherPki(dir, ['engine-a'], 'rogue-ca');
  const { ingest, queues } = await startTestIngest(
    t,
    ingestEnv(certs, {
      TRADE_SYNC_INGEST_TLS_CLIENT_CA_FILE: certs.ca,
      TRADE_SYNC_INGEST_CLIENT_KIDS: JSON.stringify({ 'engine-a': ['test-k1'], 'engine-b': ['test-k1', 'test-k2'] }),
    }),
  );
  assert.equal(ingest.mutualTls, true);
  const a = { ca: certs.ca, ...certs.clients['engine-a']! };
  const b = { ca: certs.ca, ...certs.clients['engine-b']! };
  const body = ndjson(signAll([makeTrade()], 'test-k1'));

  // Without a client certificate there is no TLS session at all: Node's client and curl both fail.
  await assert.rejects(postIngest(ingest.url, body, { ca: certs.ca }), (err: Error) => /certificate|handshake|socket hang up|ECONNRESET|alert/i.test(err.message));
  const file = join(dir, 'one.ndjson');
  writeFileSync(file, body);
  const curlNoCert = await curlPostFile(ingest.url, file, { ca: certs.ca });
  assert.notEqual(curlNoCert.code, 0, 'curl without a client certificate fails');
  assert.equal(curlNoCert.status, 0, 'and gets no HTTP answer');
  // A certificate with the right name from another CA is refused too.
  await assert.rejects(postIngest(ingest.url, body, { ca: certs.ca, ...rogue.clients['engine-a']! }), (err: Error) => /certificate|handshake|socket hang up|ECONNRESET|alert|unknown ca/i.test(err.message));

  // engine-a may sign with test-k1 only; engine-b with both.
  const ok = await postIngest(ingest.url, body, a);
  assert.equal(ok.status, 200, ok.text);
  const notAllowed = await postIngest(ingest.url, ndjson(signAll([makeTrade()], 'test-k2')), a);
  assert.equal(notAllowed.status, 403, notAllowed.text);
  assert.equal(notAllowed.json.results[0]?.code, 'INGEST_CLIENT_NOT_ALLOWED');
  const both = await postIngest(ingest.url, ndjson([...signAll([makeTrade()], 'test-k1'), ...signAll([makeTrade()], 'test-k2')]), b);
  assert.equal(both.status, 200, both.text);
  const unmapped = await postIngest(ingest.url, ndjson(signAll([makeTrade()], 'test-k1')), { ca: certs.ca, ...certs.clients['engine-unmapped']! });
  assert.equal(unmapped.status, 403);
  assert.equal(unmapped.json.error?.code, 'INGEST_CLIENT_NOT_ALLOWED');

  // curl with engine-b's certificate and an openssl-made signature.
  const tradesFile = join(dir, 'trades.ndjson');
  writeFileSync(tradesFile, `${JSON.stringify(makeTrade())}\n`);
  const viaCurl = await curlPostTrades({
    INGEST_URL: ingest.url, KID: 'test-k2', SECRET: testSecret('test-k2'), CACERT: certs.ca, TRADES_FILE: tradesFile,
    BODY_FILE: join(dir, 'req.ndjson'), CLIENT_CERT: b.cert, CLIENT_KEY: b.key,
  });
  assert.equal(viaCurl.status, 200, `${viaCurl.body} ${viaCurl.stderr}`);
  assert.equal((await queuedTradeIds(queues.trades, undefined, ['wait'])).length, 4);
});
