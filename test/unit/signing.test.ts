import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { Keyring } from '../../src/config/index.js';
import { SignatureError } from '../../src/errors/index.js';
import { openEnvelope } from '../../src/trade/open-envelope.js';
import { canonicalBytes, signTrade, verifyEnvelope } from '../../src/trade/signing.js';
import { handSign } from '../helpers/hand-sign.js';
import { TEST_KEYS } from '../helpers/test-env.js';
import { testSecret } from '../helpers/test-secret.js';
import { makeTrade } from '../helpers/trade-factory.js';

const K1 = testSecret('test-k1');
const K2 = testSecret('test-k2');
const keyring = Keyring.parse(TEST_KEYS, 'test');

function rejectsWith(code: string, fn: () => unknown): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof SignatureError, `expected SignatureError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return true;
  });
}

test('signTrade then verifyEnvelope / openEnvelope round trip', () => {
  const trade = makeTrade();
  const envelope = signTrade(keyring, trade);
  assert.equal(envelope.kid, 'test-k1');
  assert.match(envelope.sig, /^[0-9a-f]{64}$/);
  verifyEnvelope(keyring, envelope);
  const opened = openEnvelope(keyring, JSON.parse(JSON.stringify(envelope)));
  assert.deepEqual(opened.trade, trade);
  assert.notEqual(signTrade(keyring, trade).nonce, envelope.nonce, 'every envelope gets a fresh nonce');
});

test('a tampered payload, nonce or signature is SIGNATURE_INVALID', () => {
  const envelope = signTrade(keyring, makeTrade());
  const otherPayload = JSON.stringify({ ...(JSON.parse(envelope.payload) as object), qty: '10.4' });
  rejectsWith('SIGNATURE_INVALID', () => verifyEnvelope(keyring, { ...envelope, payload: otherPayload }));
  rejectsWith('SIGNATURE_INVALID', () => verifyEnvelope(keyring, { ...envelope, nonce: `${envelope.nonce.slice(0, -1)}Z` }));
  rejectsWith('SIGNATURE_INVALID', () => verifyEnvelope(keyring, { ...envelope, sent_at_ns: '1' }));
  const flipped = (envelope.sig[0] === '0' ? '1' : '0') + envelope.sig.slice(1);
  rejectsWith('SIGNATURE_INVALID', () => verifyEnvelope(keyring, { ...envelope, sig: flipped }));
  rejectsWith('SIGNATURE_INVALID', () => openEnvelope(keyring, { ...envelope, sig: 'a'.repeat(64) }));
});

test('an unknown kid is SIGNATURE_UNKNOWN_KEY', () => {
  const envelope = signTrade(keyring, makeTrade());
  rejectsWith('SIGNATURE_UNKNOWN_KEY', () => verifyEnvelope(keyring, { ...envelope, kid: 'test-k3' }));
  rejectsWith('SIGNATURE_UNKNOWN_KEY', () => openEnvelope(Keyring.parse(`only-k2:${K2}`, 'test'), envelope));
});

test('key rotation: an envelope signed with k2 verifies with a keyring holding k1 and k2', () => {
  const signer = Keyring.parse(`test-k2:${K2}`, 'test');
  const envelope = signTrade(signer, makeTrade());
  assert.equal(envelope.kid, 'test-k2');
  assert.equal(keyring.signingKid, 'test-k1');
  verifyEnvelope(keyring, envelope);
  assert.equal(openEnvelope(keyring, envelope).envelope.kid, 'test-k2');
  // The same envelope under a keyring that has k2's id but a different secret must fail.
  rejectsWith('SIGNATURE_INVALID', () => verifyEnvelope(Keyring.parse(`test-k2:${K1}`, 'test'), envelope));
});

test('malformed envelopes are ENVELOPE_INVALID', () => {
  const envelope = signTrade(keyring, makeTrade());
  const { sig: _sig, ...missingSig } = envelope;
  const cases: Record<string, unknown> = {
    'missing sig': missingSig,
    'extra field': { ...envelope, extra: 1 },
    'non-hex sig': { ...envelope, sig: 'z'.repeat(64) },
    'upper-case hex sig': { ...envelope, sig: envelope.sig.toUpperCase() },
    'short sig': { ...envelope, sig: envelope.sig.slice(2) },
    'null': null,
    'a string': JSON.stringify(envelope),
    'payload not JSON (correctly signed)': handSign('test-k1', K1, 'not json at all'),
  };
  for (const [name, message] of Object.entries(cases)) {
    assert.throws(
      () => openEnvelope(keyring, message),
      (err: unknown) => err instanceof SignatureError && err.code === 'ENVELOPE_INVALID',
      name,
    );
  }
});

test('canonicalBytes matches an independent HMAC over the documented layout', () => {
  const envelope = signTrade(keyring, makeTrade(), '1763776000123456789');
  const layout = `trade-sync.v1\n${envelope.kid}\n${envelope.nonce}\n${envelope.sent_at_ns}\n${envelope.payload}`;
  assert.equal(canonicalBytes(envelope), layout);
  assert.equal(envelope.sent_at_ns, '1763776000123456789');
  assert.equal(createHmac('sha256', K1).update(layout).digest('hex'), envelope.sig);
  // And a hand-signed envelope (as a non-Node producer would build it) opens.
  const trade = makeTrade();
  assert.deepEqual(openEnvelope(keyring, handSign('test-k2', K2, JSON.stringify(trade))).trade, trade);
});

test('the Keyring never shows a secret in JSON or util.inspect', () => {
  const shown = [
    JSON.stringify(keyring),
    JSON.stringify({ config: { keyring } }),
    inspect(keyring, { depth: Infinity, showHidden: true }),
    inspect({ nested: { keyring } }, { depth: Infinity }),
    String(keyring),
  ];
  for (const text of shown) {
    assert.ok(!text.includes(K1) && !text.includes(K2), `secret leaked: ${text}`);
    assert.ok(!text.includes(Buffer.from(K1).toString('hex')), `secret leaked as hex: ${text}`);
  }
  assert.deepEqual(JSON.parse(JSON.stringify(keyring)), { kids: ['test-k1', 'test-k2'], signingKid: 'test-k1' });
  assert.match(inspect(keyring), /test-k1.*test-k2/);
  assert.equal(keyring.secret('test-k1')?.toString('utf8'), K1);
});
