import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTopology } from '../../src/sinks/clickhouse/cluster-topology.js';
import type { ClusterNodeProbe } from '../../src/sinks/clickhouse/probe-cluster-node.js';
import { buildInsertBody } from '../../src/sinks/clickhouse/build-insert-body.js';
import { splitEncodedBatch } from '../../src/sinks/clickhouse/split-encoded-batch.js';
import { groupBySymbol } from '../../src/partitions/group-by-symbol.js';
import { shardOf } from '../../src/partitions/symbol-hash.js';
import { makeTradeRow } from '../helpers/make-trade-row.js';
import { makeTrade } from '../helpers/trade-factory.js';

const node = (url: string, shard: number, overrides: Partial<ClusterNodeProbe> = {}): ClusterNodeProbe => ({
  url,
  shardMacro: `0${shard}`,
  replicaMacro: 'r1',
  shardNums: [1, 2],
  localShards: [shard],
  ...overrides,
});

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    assert.doesNotMatch((err as Error).message, /\n/, 'one line');
    return (err as { code?: string }).code;
  }
  return undefined;
};

test('buildTopology groups URLs by shard number, in configuration order', () => {
  const topology = buildTopology('c', [node('http://b', 2), node('http://a1', 1), node('http://a2', 1, { replicaMacro: 'r2' })], []);
  assert.deepEqual(topology, { cluster: 'c', shardCount: 2, shards: [['http://a1', 'http://a2'], ['http://b']], unresolved: [] });
});

test('buildTopology: each misconfiguration is a one-line error with its stable code', () => {
  const cases: [string, ClusterNodeProbe[], string[], string][] = [
    ['no such cluster', [node('http://a', 1, { shardNums: [], localShards: [] })], [], 'CLICKHOUSE_CLUSTER_UNKNOWN'],
    ['no shard macro', [node('http://a', 1, { shardMacro: undefined })], [], 'CLICKHOUSE_SHARD_MACRO_MISSING'],
    ['no replica macro', [node('http://a', 1, { replicaMacro: undefined })], [], 'CLICKHOUSE_SHARD_MACRO_MISSING'],
    ['not a member', [node('http://a', 1, { localShards: [] })], [], 'CLICKHOUSE_NODE_NOT_IN_CLUSTER'],
    ['member of two shards', [node('http://a', 1, { localShards: [1, 2] })], [], 'CLICKHOUSE_CLUSTER_INCONSISTENT'],
    ['different shard counts', [node('http://a', 1), node('http://b', 2, { shardNums: [1, 2, 3] })], [], 'CLICKHOUSE_CLUSTER_INCONSISTENT'],
    ['one shard, two macros', [node('http://a', 1), node('http://a2', 1, { shardMacro: 'x' }), node('http://b', 2)], [], 'CLICKHOUSE_CLUSTER_INCONSISTENT'],
    ['two shards, one macro', [node('http://a', 1), node('http://b', 2, { shardMacro: '01' })], [], 'CLICKHOUSE_CLUSTER_INCONSISTENT'],
    ['a shard without URL', [node('http://a', 1)], [], 'CLICKHOUSE_SHARD_UNCOVERED'],
  ];
  for (const [what, probes, unresolved, code] of cases) assert.equal(codeOf(() => buildTopology('c', probes, unresolved)), code, what);
});

test('buildTopology: a shard without an answering URL is not an error while some URL has not answered (it may be that shard\'s)', () => {
  const topology = buildTopology('c', [node('http://a', 1)], ['http://down']);
  assert.deepEqual(topology.shards, [['http://a'], []]);
  assert.deepEqual(topology.unresolved, ['http://down']);
});

test('groupBySymbol and splitEncodedBatch route by shardOf(symbol) and keep the order within a shard', () => {
  const symbols = ['AAPL', 'NVDA', 'MSFT', 'JPM', 'TSLA', 'NVDA'];
  const rows = symbols.map((symbol) => makeTradeRow(makeTrade({ symbol })));
  const groups = groupBySymbol(rows, 2, (r) => r.trade.symbol);
  assert.equal(groups.length, 2);
  for (const [shard, group] of groups.entries()) {
    for (const r of group) assert.equal(shardOf(r.trade.symbol, 2), shard);
  }
  assert.equal(groups[0]!.length + groups[1]!.length, rows.length);
  assert.deepEqual(groupBySymbol(rows, 1, (r) => r.trade.symbol), [rows]);

  const batch = { body: buildInsertBody(rows), tradeIds: rows.map((r) => r.trade.trade_id) };
  const parts = splitEncodedBatch(batch, 2);
  assert.deepEqual(
    parts,
    groups.map((g) => ({ body: buildInsertBody(g), tradeIds: g.map((r) => r.trade.trade_id) })),
    'each shard gets exactly the body the row path would build for its rows',
  );
  assert.deepEqual(splitEncodedBatch(batch, 1), [batch]);
});
