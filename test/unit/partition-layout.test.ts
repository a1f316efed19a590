import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keySlot } from '../../src/partitions/key-slot.js';
import { parsePartitionList, partitionLayout, queueForSymbol } from '../../src/partitions/partition-layout.js';
import { partitionOf } from '../../src/partitions/symbol-hash.js';
import { keySlot as ioredisSlot } from '../helpers/key-slot.js';

test('keySlot is Redis Cluster\'s CRC16 slot, hash tags included', () => {
  assert.equal(keySlot('123456789'), 0x31c3 % 16_384); // the CRC16-XMODEM check value
  assert.equal(keySlot('{user1000}.following'), keySlot('{user1000}.followers'));
  assert.notEqual(keySlot('foo{}{bar}'), keySlot('foo{}{bar}x'), 'an empty tag: the whole key is hashed');
  assert.equal(keySlot('foo{{bar}}zap'), keySlot('{bar'));
});

test('one partition on a single Redis keeps today\'s names; partitions are tagged; DLQ and global state only on a cluster', () => {
  assert.deepEqual(partitionLayout('trades', 'trades-dlq', 1, false), { count: 1, tagged: false, tradeQueues: ['trades'], dlqQueue: 'trades-dlq', stateName: 'trades' });
  const four = partitionLayout('trades', 'trades-dlq', 4, false);
  assert.equal(four.dlqQueue, 'trades-dlq', 'a repartition on a single Redis leaves the DLQ where it is');
  assert.equal(four.stateName, 'trades', 'and the supervisor state, sessions and nonces');
  four.tradeQueues.forEach((q, i) => assert.match(q, new RegExp(`^\\{trades\\.${i}(~\\d+)?\\}$`)));
  const cluster = partitionLayout('trades', 'trades-dlq', 4, true);
  assert.deepEqual(cluster.tradeQueues, four.tradeQueues, 'the same partition names on a cluster');
  assert.equal(cluster.dlqQueue, '{trades-dlq}');
  assert.equal(cluster.stateName, '{trades}');
  assert.deepEqual(partitionLayout('trades', 'trades-dlq', 1, true).tradeQueues.length, 1);
});

test('partition i is tagged into the middle of the i-th part of the slot range, so even slot splits spread it', () => {
  for (const count of [2, 3, 4, 8, 16]) {
    partitionLayout('trades', 'dlq', count, true).tradeQueues.forEach((q, i) => {
      const part = 16_384 / count;
      assert.ok(Math.abs(keySlot(q) + 0.5 - (i + 0.5) * part) <= Math.max(1, part / 16), `${q} of ${count}`);
    });
  }
});

test('a symbol always routes to the same partition', () => {
  const layout = partitionLayout('trades', 'trades-dlq', 8, false);
  for (const symbol of ['AAPL', 'MSFT', 'BTC-USD', 'é€']) {
    assert.equal(queueForSymbol(layout, symbol), layout.tradeQueues[partitionOf(symbol, 8)]);
    assert.equal(partitionOf(symbol, 8), partitionOf(symbol, 8));
  }
  assert.equal(partitionOf('anything', 1), 0);
});

test('--partitions lists: ranges and numbers; anything else is refused in one line', () => {
  assert.deepEqual(parsePartitionList(undefined, 3), [0, 1, 2]);
  assert.deepEqual(parsePartitionList('0-1,3, 5', 8), [0, 1, 3, 5]);
  assert.throws(() => parsePartitionList('4', 4), /"4" is not a partition or range of 0-3/);
  assert.throws(() => parsePartitionList('2-1', 4), /"2-1"/);
  assert.throws(() => parsePartitionList('x', 4), /"x"/);
});

test('keySlot agrees with ioredis\'s own slot function on many keys', () => {
  for (let i = 0; i < 2_000; i++) {
    const key = `k${i}:${(i * 7919).toString(36)}${i % 3 === 0 ? `{tag${i % 17}}` : ''}${i % 5 === 0 ? '{}' : ''}`;
    assert.equal(keySlot(key), ioredisSlot(key), key);
  }
});
