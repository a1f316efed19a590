import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SEEDED_START_NS, SyntheticEngine } from '../../src/demo/synthetic-engine.js';
import { parseTrade } from '../../src/trade/parse-trade.js';

test('the same seed gives the same stream: trade ids, orders, fills and timestamps', () => {
  const a = new SyntheticEngine(7).take(2_000);
  const b = new SyntheticEngine(7).take(2_000);
  assert.deepEqual(a, b);
  assert.equal(new Set(a.map((t) => t.trade_id)).size, 2_000, 'ids are unique within a stream');
  for (const trade of a) parseTrade(trade); // every fill is a valid trade
  const ts = a.map((t) => BigInt(t.ts_ns));
  assert.ok(ts.every((v, i) => i === 0 || v > (ts[i - 1] as bigint)), 'ts_ns strictly increases');
  assert.ok((ts[0] as bigint) > SEEDED_START_NS, 'a seeded clock starts at SEEDED_START_NS');
});

test('another seed, or none, gives other trade ids', () => {
  const seven = new Set(new SyntheticEngine(7).take(1_000).map((t) => t.trade_id));
  const eight = new SyntheticEngine(8).take(1_000);
  assert.equal(eight.filter((t) => seven.has(t.trade_id)).length, 0);
  const unseeded = [new SyntheticEngine().take(10), new SyntheticEngine().take(10)];
  assert.notDeepEqual(unseeded[0]?.map((t) => t.trade_id), unseeded[1]?.map((t) => t.trade_id));
});
