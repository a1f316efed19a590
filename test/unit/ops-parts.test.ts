import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boardAction } from '../../dashboard/board/board-action.js';
import { tradeVerdict } from '../../dashboard/ops/trade-verdict.js';

test('tradeVerdict: the first place wins; absent everywhere is "may be in flight" while jobs wait, "not found" only when the queue is empty', () => {
  const id = '0b6f3c1e-4a59-4d3f-9a57-1f0c2b7d9e11';
  assert.equal(tradeVerdict(id, [{ where: 'dead-letter', code: 'X' }, { where: 'clickhouse', insertedAt: 't' }], undefined, 1, []).status, 'in-clickhouse');
  assert.equal(tradeVerdict(id, [{ where: 'spill', file: 'f' }, { where: 'trades-queue', state: 'waiting' }], undefined, 1, []).status, 'spilled');
  const flying = tradeVerdict(id, [], { waiting: 3, active: 1, delayed: 0 }, 42, []);
  assert.equal(flying.status, 'maybe-in-flight');
  assert.equal(flying.summary, 'Not in ClickHouse, the dead-letter queue (42 letters searched) or a spill file. It may be in flight inside a packed job: the trades queue holds 3 jobs waiting, 1 job active and 0 jobs delayed. Search again in a few seconds.');
  const gone = tradeVerdict(id, [], { waiting: 0, active: 0, delayed: 0 }, 0, ['clickhouse']);
  assert.equal(gone.status, 'not-found');
  assert.match(gone.summary, /\(clickhouse could not be searched\)\. The trades queue is empty/);
  assert.equal(tradeVerdict(id, [], undefined, 0, ['trades-queue counts']).status, 'maybe-in-flight', 'a queue that cannot be read is never "not found"');
});

test('boardAction names every Bull Board mutation; reads are not actions', () => {
  assert.equal(boardAction('GET', '/api/queues/q/dl.1'), undefined);
  assert.deepEqual(boardAction('PUT', '/api/queues/q-dlq/dl.0123456789abcdef/retry'), { action: 'retry', queue: 'q-dlq', jobId: 'dl.0123456789abcdef', status: undefined });
  assert.deepEqual(boardAction('PUT', '/api/queues/q-dlq/retry/failed'), { action: 'retry all', queue: 'q-dlq', jobId: undefined, status: 'failed' });
  assert.deepEqual(boardAction('PUT', '/api/queues/q/clean/completed'), { action: 'clean', queue: 'q', jobId: undefined, status: 'completed' });
  assert.equal(boardAction('PUT', '/api/queues/q/x1/clean')?.action, 'remove job');
  assert.equal(boardAction('PUT', '/api/queues/q/rate-limit/release')?.action, 'rate-limit release');
  assert.equal(boardAction('PUT', '/api/queues/q/job-schedulers/s1/remove')?.action, 'job scheduler remove');
  assert.equal(boardAction('PUT', '/api/queues/pause')?.queue, '*');
  assert.equal(boardAction('POST', '/api/queues/q/add')?.action, 'add');
  assert.equal(boardAction('PUT', '/static/x'), undefined);
});
