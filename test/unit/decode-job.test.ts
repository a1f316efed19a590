import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Keyring } from '../../src/config/index.js';
import { packTrades } from '../../src/producer/pack-trades.js';
import { MAX_PACK_TRADES } from '../../src/trade/signed-envelope.js';
import { signTrade } from '../../src/trade/signing.js';
import { earlyRejectLetters, tradesIn } from '../../src/dlq/build-dead-letters.js';
import { decodeJob } from '../../src/delivery/decode-job.js';
import { handSign } from '../helpers/hand-sign.js';
import { TEST_KEYS } from '../helpers/test-env.js';
import { testSecret } from '../helpers/test-secret.js';
import { makeTrade } from '../helpers/trade-factory.js';

const keyring = Keyring.parse(TEST_KEYS, 'test');
const signedPack = (trades: readonly unknown[]) => handSign('test-k1', testSecret('test-k1'), JSON.stringify(trades));

test('a signed pack becomes one row per trade, sharing one source, each with its position', () => {
  const trades = [makeTrade(), makeTrade(), makeTrade()];
  const [job] = packTrades(keyring, trades, 10);
  const decoded = decodeJob(keyring, 'j1', { envelopes: [job!.envelope] });
  assert.deepEqual(decoded.rejects, []);
  assert.deepEqual(decoded.rows.map((r) => [r.trade, r.item, r.kid]), trades.map((t, i) => [t, i, 'test-k1']));
  assert.ok(decoded.rows.every((r) => r.source === decoded.rows[0]!.source), 'one source object for the pack');
  assert.deepEqual(decoded.rows[0]!.source, { jobId: 'j1', index: 0, envelope: job!.envelope });
});

test('one invalid trade of a pack is rejected alone, with its position and trade id; the others pass', () => {
  const bad = makeTrade({ qty: '-1' });
  const good = [makeTrade(), makeTrade()];
  const envelope = signedPack([good[0], bad, good[1]]);
  const decoded = decodeJob(keyring, 'j2', { envelopes: [envelope] });
  assert.deepEqual(decoded.rows.map((r) => [r.trade.trade_id, r.item]), [[good[0]!.trade_id, 0], [good[1]!.trade_id, 2]]);
  assert.equal(decoded.rejects.length, 1);
  const [reject] = decoded.rejects;
  assert.deepEqual({ ...reject, message: undefined }, { envelope, index: 0, item: 1, tradeId: bad.trade_id, code: 'TRADE_INVALID', message: undefined });
  assert.match(reject!.message, /^qty: /);
});

test('a tampered pack is one rejected envelope: none of its trades passes', () => {
  const [job] = packTrades(keyring, [makeTrade(), makeTrade()], 2);
  const tampered = { ...job!.envelope, payload: job!.envelope.payload.replace('"qty":"10.5"', '"qty":"1.5"') };
  assert.notEqual(tampered.payload, job!.envelope.payload);
  const decoded = decodeJob(keyring, 'j3', { envelopes: [tampered] });
  assert.deepEqual(decoded.rows, []);
  assert.deepEqual(decoded.rejects.map((r) => [r.code, r.item, r.tradeId]), [['SIGNATURE_INVALID', undefined, null]]);
});

test('`items` keeps only those trades of the pack (a redriven dead letter)', () => {
  const trades = [makeTrade(), makeTrade(), makeTrade()];
  const [job] = packTrades(keyring, trades, 3);
  const decoded = decodeJob(keyring, 'rd', { envelopes: [job!.envelope], items: [2, 0] });
  assert.deepEqual(decoded.rows.map((r) => [r.trade.trade_id, r.item]), [[trades[0]!.trade_id, 0], [trades[2]!.trade_id, 2]]);
  assert.deepEqual(decoded.rejects, []);
});

test('`items` that select nothing valid are ENVELOPE_INVALID, never silently empty', () => {
  const [job] = packTrades(keyring, [makeTrade()], 2);
  const single = signTrade(keyring, makeTrade());
  const cases: unknown[] = [
    { envelopes: [job!.envelope], items: [1] },
    { envelopes: [job!.envelope], items: [-1] },
    { envelopes: [job!.envelope], items: ['0'] },
    { envelopes: [job!.envelope], items: [] },
    { envelopes: [job!.envelope], items: [0, 0] },
    { envelopes: [job!.envelope], items: 0 },
    { envelopes: [job!.envelope, job!.envelope], items: [0] },
    { envelopes: [single], items: [0] },
  ];
  for (const data of cases) {
    const decoded = decodeJob(keyring, 'x', data);
    assert.deepEqual(decoded.rows, [], JSON.stringify(data).slice(0, 80));
    assert.deepEqual(decoded.rejects.map((r) => r.code), ['ENVELOPE_INVALID']);
  }
});

test('a redriven pack that fails whole (its key rotated out) keeps the selection, so its next redrive still takes only those trades', () => {
  const [job] = packTrades(keyring, [makeTrade(), makeTrade(), makeTrade()], 3);
  const without = Keyring.parse('test-k2:test-secret-abcdef0123456789abcdef012345', 'test');
  const decoded = decodeJob(without, 'rd', { envelopes: [job!.envelope], items: [1, 2] });
  assert.deepEqual(decoded.rejects.map((r) => [r.code, r.selection]), [['SIGNATURE_UNKNOWN_KEY', [1, 2]]]);
  const [letter] = earlyRejectLetters(decoded, 'trades', 'now');
  assert.deepEqual(letter?.letter.items?.map((i) => i.item), [1, 2]);
});

test('bad trades of one pack become one dead letter listing them, the pack stored once', () => {
  const bad = [makeTrade({ qty: '-1' }), makeTrade({ price: 'x' }), makeTrade({ qty: '-2' })];
  const envelope = signedPack([bad[0], makeTrade(), bad[1], bad[2]]);
  const decoded = decodeJob(keyring, 'j', { envelopes: [envelope] });
  assert.equal(decoded.rows.length, 1);
  const letters = earlyRejectLetters(decoded, 'trades', 'now');
  assert.equal(letters.length, 1, 'one letter for the pack and error code, not one per trade');
  const [{ letter }] = letters as [(typeof letters)[number]];
  assert.deepEqual(letter.items?.map((i) => [i.item, i.tradeId]), [[0, bad[0]!.trade_id], [2, bad[1]!.trade_id], [3, bad[2]!.trade_id]]);
  assert.match(letter.items?.[1]?.message ?? '', /^price: /);
  assert.equal(letter.tradeId, null);
  assert.match(letter.error.message, /^3 trades of the pack; the first \(item 0\): qty: /);
  assert.equal(tradesIn(letters), 3);
  const again = earlyRejectLetters(decodeJob(keyring, 'j', { envelopes: [envelope], items: [0, 2] }), 'trades', 'now');
  assert.notEqual(again[0]?.key, letters[0]?.key, 'another set of trades of the same pack is another letter');
});

test(`a pack of 0 or more than ${MAX_PACK_TRADES} trades, or a one-trade payload over 4096 characters, is ENVELOPE_INVALID`, () => {
  const big = makeTrade();
  const oversized = handSign('test-k1', testSecret('test-k1'), JSON.stringify(big).replace('{', `{${' '.repeat(4096)}`));
  for (const envelope of [signedPack([]), signedPack(Array.from({ length: MAX_PACK_TRADES + 1 }, () => big)), oversized]) {
    const decoded = decodeJob(keyring, 'x', { envelopes: [envelope] });
    assert.deepEqual(decoded.rows, []);
    assert.deepEqual(decoded.rejects.map((r) => r.code), ['ENVELOPE_INVALID']);
  }
});

test('one-trade envelopes and packs mix in one job', () => {
  const single = makeTrade();
  const packed = [makeTrade(), makeTrade()];
  const [job] = packTrades(keyring, packed, 2);
  const decoded = decodeJob(keyring, 'mix', { envelopes: [signTrade(keyring, single), job!.envelope] });
  assert.deepEqual(decoded.rows.map((r) => [r.trade.trade_id, r.source.index, r.item]), [[single.trade_id, 0, undefined], [packed[0]!.trade_id, 1, 0], [packed[1]!.trade_id, 1, 1]]);
});
