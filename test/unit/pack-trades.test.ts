import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Keyring } from '../../src/config/index.js';
import { packTrades } from '../../src/producer/pack-trades.js';
import { signTrade } from '../../src/trade/signing.js';
import { TEST_KEYS } from '../helpers/test-env.js';
import { makeTrade } from '../helpers/trade-factory.js';

const keyring = Keyring.parse(TEST_KEYS, 'test');
const signed = (n: number) =>
  Array.from({ length: n }, () => {
    const trade = makeTrade();
    return { trade, envelope: signTrade(keyring, trade) };
  });

test('packSize 1: one job per trade, jobId = trade_id', () => {
  const items = signed(5);
  const jobs = packTrades(items, 1);
  assert.equal(jobs.length, 5);
  jobs.forEach((job, i) => {
    assert.equal(job.name, 'trade');
    assert.equal(job.jobId, items[i]?.trade.trade_id);
    assert.deepEqual(job.envelopes, [items[i]?.envelope]);
  });
});

test('packs of N: ceil(len / N) jobs holding every envelope in order', () => {
  const items = signed(23);
  for (const n of [2, 5, 10, 23, 100]) {
    const jobs = packTrades(items, n);
    assert.equal(jobs.length, Math.ceil(23 / n), `packSize ${n}`);
    assert.ok(jobs.every((j) => j.name === 'pack' && /^p\.[0-9a-f]{40}$/.test(j.jobId)));
    assert.ok(jobs.every((j, i) => j.envelopes.length === (i < jobs.length - 1 ? n : 23 - n * (jobs.length - 1))));
    assert.deepEqual(jobs.flatMap((j) => j.envelopes), items.map((i) => i.envelope));
    assert.equal(new Set(jobs.map((j) => j.jobId)).size, jobs.length, 'job ids are distinct');
  }
});

test('the same trades in the same packs get the same job ids, even with new signatures', () => {
  const items = signed(30);
  const again = items.map(({ trade }) => ({ trade, envelope: signTrade(keyring, trade) }));
  assert.notDeepEqual(again[0]?.envelope, items[0]?.envelope);
  assert.deepEqual(packTrades(again, 10).map((j) => j.jobId), packTrades(items, 10).map((j) => j.jobId));
});

test('a different grouping gives different job ids', () => {
  const items = signed(30);
  const byTen = new Set(packTrades(items, 10).map((j) => j.jobId));
  for (const other of [packTrades(items, 15), packTrades(items.slice(1), 10)]) {
    for (const job of other) assert.ok(!byTen.has(job.jobId), `job id ${job.jobId} reused by another grouping`);
  }
  // Only the pack whose contents changed gets a new id.
  const shorter = packTrades(items.slice(0, 29), 10).map((j) => j.jobId);
  assert.deepEqual(shorter.slice(0, 2), [...byTen].slice(0, 2));
  assert.ok(!byTen.has(shorter[2] ?? ''));
  // A pack of one trade is not the trade's own job id.
  const [single] = packTrades(items.slice(0, 1), 2);
  assert.notEqual(single?.jobId, items[0]?.trade.trade_id);
});
