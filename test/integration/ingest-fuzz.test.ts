import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { openEnvelope } from '../../src/trade/open-envelope.js';
import { canonicalBytes } from '../../src/trade/signing.js';
import type { SignedEnvelope } from '../../src/trade/signed-envelope.js';
import { postIngest, signAll } from '../helpers/ingest-client.js';
import { ingestEnv, makeTestCerts, startTestIngest, tempDir } from '../helpers/ingest-fixture.js';
import { testSecret } from '../helpers/test-secret.js';
import { makeTrade } from '../helpers/trade-factory.js';

const ANSWERS = new Set([200, 207, 400, 401, 403, 404, 405, 409, 413, 429, 503]);
const FIELDS = ['schema_version', 'trade_id', 'order_id', 'fill_seq', 'symbol', 'side', 'price', 'qty', 'order_qty', 'cum_qty', 'order_status', 'ts_ns', 'venue', 'account'] as const;

function resign(e: Omit<SignedEnvelope, 'sig'>): SignedEnvelope {
  return { ...e, sig: createHmac('sha256', testSecret(e.kid === 'test-k2' ? 'test-k2' : 'test-k1')).update(canonicalBytes(e)).digest('hex') };
}

/** A valid signed trade, or one mutated in its envelope or (re-signed, so only the schema can catch it) in its trade. */
const envelopeArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null).map(() => signAll([makeTrade()])[0]),
  // a field of the trade set to anything, then signed properly
  fc.tuple(fc.constantFrom(...FIELDS), fc.jsonValue()).map(([field, value]) => {
    const trade = { ...makeTrade(), [field]: value } as Record<string, unknown>;
    return signAll([trade])[0];
  }),
  // a field of the trade removed, or an extra field added, then signed properly
  fc.tuple(fc.constantFrom(...FIELDS), fc.boolean(), fc.string({ maxLength: 8 })).map(([field, remove, extra]) => {
    const trade = { ...makeTrade() } as Record<string, unknown>;
    if (remove) delete trade[field];
    else trade[extra || 'x'] = 1;
    return signAll([trade])[0];
  }),
  // a string mutation of the payload text, re-signed (broken JSON, odd escapes, huge numbers…)
  fc.tuple(fc.nat(), fc.string({ maxLength: 6 })).map(([at, text]) => {
    const e = signAll([makeTrade()])[0]!;
    const i = at % e.payload.length;
    return resign({ kid: e.kid, nonce: e.nonce, sent_at_ns: e.sent_at_ns, payload: e.payload.slice(0, i) + text + e.payload.slice(i + 1) });
  }),
  // an envelope field replaced by anything (signature no longer matches, or shape breaks)
  fc.tuple(fc.constantFrom('kid', 'nonce', 'sent_at_ns', 'sig', 'payload', 'extra'), fc.jsonValue()).map(([field, value]) => ({ ...signAll([makeTrade()])[0], [field]: value })),
  // one character of the signature or payload flipped, not re-signed
  fc.tuple(fc.constantFrom('sig', 'payload'), fc.nat()).map(([field, at]) => {
    const e = signAll([makeTrade()])[0]!;
    const text = e[field];
    const i = at % text.length;
    return { ...e, [field]: text.slice(0, i) + (text[i] === '0' ? '1' : '0') + text.slice(i + 1) };
  }),
  fc.jsonValue(),
);

const bodyArb: fc.Arbitrary<string | Buffer> = fc.oneof(
  fc.array(envelopeArb, { minLength: 1, maxLength: 6 }).map((items) => items.map((i) => JSON.stringify(i) ?? 'undefined').join('\n')),
  fc.array(envelopeArb, { minLength: 0, maxLength: 6 }).map((items) => JSON.stringify(items)),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  fc.tuple(fc.array(envelopeArb, { minLength: 1, maxLength: 4 }), fc.nat(), fc.nat({ max: 20 })).map(([items, at, cut]) => {
    const text = items.map((i) => JSON.stringify(i)).join('\n');
    const i = at % Math.max(1, text.length);
    return text.slice(0, i) + text.slice(i + cut); // a truncated or spliced body
  }),
);

test('fuzz: random and mutated bodies never get a 500, and nothing invalid is ever enqueued', async (t) => {
  const dir = tempDir(t, 'ingest-fuzz');
  const certs = makeTestCerts(dir);
  const { config, ingest, queues } = await startTestIngest(t, ingestEnv(certs, { TRADE_SYNC_INGEST_MAX_BODY_BYTES: '4096' }));
  const acceptedIds = new Set<string>();
  let requests = 0;

  await fc.assert(
    fc.asyncProperty(bodyArb, async (body) => {
      requests += 1;
      const reply = await postIngest(ingest.url, body, { ca: certs.ca });
      assert.ok(ANSWERS.has(reply.status), `status ${reply.status}: ${reply.text}`);
      assert.ok(reply.json.accepted >= 0, `a JSON answer: ${reply.text}`);
      if (reply.json.error === undefined) {
        assert.equal(reply.json.results.length, reply.json.accepted + reply.json.rejected);
        for (const r of reply.json.results) {
          assert.ok(ANSWERS.has(r.status) && r.status !== 207, JSON.stringify(r));
          if (r.status === 200) acceptedIds.add(r.trade_id ?? 'missing');
          else assert.ok(r.code !== undefined && r.message !== undefined, JSON.stringify(r));
        }
      }
    }),
    { numRuns: 400 },
  );

  const jobs = await queues.trades.getJobs(['wait', 'active', 'delayed', 'prioritized']);
  assert.ok(jobs.length > 0, 'some valid trades got through');
  const queuedIds: string[] = [];
  for (const job of jobs) {
    assert.equal(job.name, 'ingest');
    for (const envelope of job.data.envelopes) {
      const opened = openEnvelope(config.keyring, envelope); // throws on any invalid trade or signature
      assert.ok(acceptedIds.has(opened.trade.trade_id), 'every queued trade was answered as accepted');
      queuedIds.push(opened.trade.trade_id);
    }
  }
  assert.equal(queuedIds.length, acceptedIds.size, 'every accepted trade is in the queue, once');
  assert.equal(new Set(queuedIds).size, acceptedIds.size);
  t.diagnostic(`${requests} requests, ${acceptedIds.size} trades accepted`);
});
