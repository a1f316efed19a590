import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import { SupervisorError } from '../../src/errors/index.js';
import { resolveScaleTarget, scalableUnits, seedProcesses } from '../../src/supervisor/scalable-units.js';

const config = (env: Record<string, string> = {}) => loadConfig({ TRADE_SYNC_QUEUE: 'tr', TRADE_SYNC_DLQ: 'tr-dlq', ...env });

test('one partition: the units are the queues as before, with today\'s worker command line', () => {
  assert.deepEqual(scalableUnits(config()).map((u) => [u.name, u.role, u.bullQueue, u.partition, u.workerArgs.join(' ')]), [
    ['tr', 'sink', 'tr', 0, '--role sink'],
    ['tr-dlq', 'redrive', 'tr-dlq', undefined, '--role redrive'],
  ]);
});

test('N partitions: one sink unit per partition (tr.i, its tagged queue, --partitions i) and the DLQ', () => {
  const c = config({ TRADE_SYNC_PARTITIONS: '3' });
  const tagged = c.queues.layout.tradeQueues;
  tagged.forEach((q, i) => assert.match(q, new RegExp(`^\\{tr\\.${i}(~\\d+)?\\}$`)));
  assert.deepEqual(scalableUnits(c).map((u) => [u.name, u.queue, u.bullQueue, u.workerArgs.join(' ')]), [
    ['tr.0', 'tr', tagged[0], '--role sink --partitions 0'],
    ['tr.1', 'tr', tagged[1], '--role sink --partitions 1'],
    ['tr.2', 'tr', tagged[2], '--role sink --partitions 2'],
    ['tr-dlq', 'tr-dlq', 'tr-dlq', '--role redrive'],
  ]);
});

test('scale targets: the trades queue (all or --partitions), one unit, the DLQ; anything else is QUEUE_UNKNOWN in one line', () => {
  const c = config({ TRADE_SYNC_PARTITIONS: '4' });
  const names = (queue: string, partitions?: string) => resolveScaleTarget(c, queue, partitions).map((u) => u.name);
  assert.deepEqual(names('tr'), ['tr.0', 'tr.1', 'tr.2', 'tr.3']);
  assert.deepEqual(names('tr', '1,3'), ['tr.1', 'tr.3']);
  assert.deepEqual(names('tr.2'), ['tr.2']);
  assert.deepEqual(names('tr-dlq'), ['tr-dlq']);
  for (const [queue, partitions] of [['tr', '4'], ['tr', 'x'], ['tr.4', undefined], ['tr-dlq', '0'], ['{tr.0}', undefined], ['other', undefined]] as const) {
    assert.throws(() => resolveScaleTarget(c, queue, partitions), (err: unknown) => err instanceof SupervisorError && err.code === 'QUEUE_UNKNOWN' && !err.message.includes('\n'), `${queue} ${partitions}`);
  }
});

test('seeding: TRADE_SYNC_SUPERVISOR_PROCESSES counts per partition; a new partition unit starts from the whole queue\'s stored number', () => {
  const c = config({ TRADE_SYNC_PARTITIONS: '2', TRADE_SYNC_SUPERVISOR_PROCESSES: 'tr:2,tr.1:5,tr-dlq:0' });
  assert.deepEqual(seedProcesses(c, {}), { 'tr.0': 2, 'tr.1': 5, 'tr-dlq': 0 });
  assert.deepEqual(seedProcesses(c, { tr: 3 }), { 'tr.0': 3, 'tr.1': 5, 'tr-dlq': 0 }, 'a one-partition layout stored tr = 3');
  assert.deepEqual(seedProcesses(config(), {}), { tr: 1, 'tr-dlq': 1 }, 'default: one process per unit');
});
