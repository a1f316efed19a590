import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Keyring } from '../../src/config/index.js';
import { packTrades } from '../../src/producer/pack-trades.js';
import { readSignedPayload } from '../../src/trade/read-signed-payload.js';
import { MAX_PACK_TRADES } from '../../src/trade/signed-envelope.js';
import { verifyEnvelope } from '../../src/trade/signing.js';
import { TEST_KEYS } from '../helpers/test-env.js';
import { makeTrade } from '../helpers/trade-factory.js';

const keyring = Keyring.parse(TEST_KEYS, 'test');
const trades = (n: number) => Array.from({ length: n }, () => makeTrade());

test('packSize 1: one job per trade, jobId = trade_id, each trade signed on its own', () => {
  const list = trades(5);
  const jobs = packTrades(keyring, list, 1);
  assert.equal(jobs.length, 5);
  jobs.forEach((job, i) => {
    assert.equal(job.name, 'trade');
    assert.equal(job.jobId, list[i]?.trade_id);
    const opened = readSignedPayload(keyring, job.envelope);
    assert.equal(opened.packed, false);
    assert.deepEqual(opened.items, [list[i]]);
  });
});

test('packs of N: ceil(len / N) jobs, each one signed pack holding its trades in order', () => {
  const list = trades(23);
  for (const n of [2, 5, 10, 23, 100]) {
    const jobs = packTrades(keyring, list, n);
    assert.equal(jobs.length, Math.ceil(23 / n), `packSize ${n}`);
    assert.ok(jobs.every((j) => j.name === 'pack' && /^p\.[0-9a-f]{40}$/.test(j.jobId)));
    const opened = jobs.map((j) => readSignedPayload(keyring, j.envelope));
    assert.ok(opened.every((o) => o.packed));
    assert.ok(opened.every((o, i) => o.items.length === (i < jobs.length - 1 ? n : 23 - n * (jobs.length - 1))));
    assert.deepEqual(opened.flatMap((o) => o.items), list);
    assert.equal(new Set(jobs.map((j) => j.jobId)).size, jobs.length, 'job ids are distinct');
  }
});

test(`a pack holds at most ${MAX_PACK_TRADES} trades, whatever packSize asks`, () => {
  const jobs = packTrades(keyring, trades(MAX_PACK_TRADES + 1), 5_000);
  assert.deepEqual(jobs.map((j) => readSignedPayload(keyring, j.envelope).items.length), [MAX_PACK_TRADES, 1]);
});

test('one signature covers the whole pack: changing any trade in it breaks it', () => {
  const [job] = packTrades(keyring, trades(3), 3);
  assert.ok(job);
  verifyEnvelope(keyring, job.envelope);
  const items = JSON.parse(job.envelope.payload) as { qty: string }[];
  (items[2] as { qty: string }).qty = '999';
  assert.throws(() => verifyEnvelope(keyring, { ...job.envelope, payload: JSON.stringify(items) }), /signature does not match/);
});

test('the same trades in the same packs get the same job ids, even with new signatures', () => {
  const list = trades(30);
  const first = packTrades(keyring, list, 10);
  const again = packTrades(keyring, list, 10);
  assert.notEqual(again[0]?.envelope.sig, first[0]?.envelope.sig, 'a fresh nonce, so a fresh signature');
  assert.deepEqual(again.map((j) => j.jobId), first.map((j) => j.jobId));
});

test('a different grouping gives different job ids', () => {
  const list = trades(30);
  const byTen = new Set(packTrades(keyring, list, 10).map((j) => j.jobId));
  for (const other of [packTrades(keyring, list, 15), packTrades(keyring, list.slice(1), 10)]) {
    for (const job of other) assert.ok(!byTen.has(job.jobId), `job id ${job.jobId} reused by another grouping`);
  }
  // Only the pack whose contents changed gets a new id.
  const shorter = packTrades(keyring, list.slice(0, 29), 10).map((j) => j.jobId);
  assert.deepEqual(shorter.slice(0, 2), [...byTen].slice(0, 2));
  assert.ok(!byTen.has(shorter[2] ?? ''));
  // A pack of one trade is not the trade's own job id.
  const [single] = packTrades(keyring, list.slice(0, 1), 2);
  assert.notEqual(single?.jobId, list[0]?.trade_id);
});
