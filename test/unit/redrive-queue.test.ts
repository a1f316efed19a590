import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redriveQueue } from '../../src/dlq/redrive-queue.js';
import { partitionLayout } from '../../src/partitions/partition-layout.js';
import { partitionOf } from '../../src/partitions/symbol-hash.js';

const letterOf = (payload: unknown, queue: string, items?: number[]) => ({
  envelope: { kid: 'k', payload: JSON.stringify(payload) },
  source: { queue, jobId: 'j' },
  ...(items === undefined ? {} : { items: items.map((item) => ({ item, tradeId: null, message: 'm' })) }),
});

test('a redriven letter goes to its symbol\'s partition of the current layout, even when its old queue name exists there too', () => {
  const five = partitionLayout('trades', 'dlq', 5, false);
  const six = partitionLayout('trades', 'dlq', 6, false);
  const shared = five.tradeQueues.find((q) => six.tradeQueues.includes(q));
  assert.ok(shared !== undefined, 'layouts of 5 and 6 partitions share a queue name');
  const symbol = ['MSFT', 'AAPL', 'SPY', 'NVDA', 'JPM', 'TSLA'].find((s) => six.tradeQueues[partitionOf(s, 6)] !== shared) as string;
  assert.equal(redriveQueue(six, letterOf({ symbol }, shared)), six.tradeQueues[partitionOf(symbol, 6)]);
});

test('a pack letter routes by its dead item\'s trade; an unreadable one goes back to its queue, or to partition 0', () => {
  const four = partitionLayout('trades', 'dlq', 4, false);
  const pack = [{ symbol: 'AAPL' }, { symbol: 'MSFT' }];
  assert.equal(redriveQueue(four, letterOf(pack, 'x', [1])), four.tradeQueues[partitionOf('MSFT', 4)]);
  assert.equal(redriveQueue(four, { envelope: 'garbage', source: { queue: four.tradeQueues[2] as string, jobId: 'j' } }), four.tradeQueues[2]);
  assert.equal(redriveQueue(four, { envelope: { payload: '{' }, source: { queue: 'gone', jobId: 'j' } }), four.tradeQueues[0]);
});
