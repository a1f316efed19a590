import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Batcher, type BatchLimits } from '../../src/batching/batcher.js';

interface Item {
  readonly id: number;
  readonly rows: number;
  readonly bytes: number;
}

const NO_LIMIT = 1_000_000_000;
const item = (id: number, rows = 1, bytes = 10): Item => ({ id, rows, bytes });

/** A batcher whose flushes are recorded as lists of item ids; `fail` makes the next flush reject. */
function recording(limits: Partial<BatchLimits>) {
  const flushed: number[][] = [];
  const control = { fail: undefined as Error | undefined };
  const batcher = new Batcher<Item>(
    { maxRows: NO_LIMIT, maxBytes: NO_LIMIT, maxAgeMs: 60_000, maxEntries: NO_LIMIT, ...limits },
    (i) => ({ rows: i.rows, bytes: i.bytes }),
    async (items) => {
      flushed.push(items.map((i) => i.id));
      const err = control.fail;
      control.fail = undefined;
      if (err) throw err;
    },
  );
  return { batcher, flushed, control };
}

test('flushes when maxEntries is reached', async () => {
  const { batcher, flushed } = recording({ maxEntries: 3 });
  const first = [batcher.add(item(1)), batcher.add(item(2))];
  assert.deepEqual(flushed, []);
  assert.equal(batcher.size, 2);
  await Promise.all([...first, batcher.add(item(3))]);
  assert.deepEqual(flushed, [[1, 2, 3]]);
  assert.equal(batcher.size, 0);
  void batcher.add(item(4));
  assert.deepEqual(flushed, [[1, 2, 3]], 'a new batch starts empty');
  await batcher.drain();
});

test('flushes when maxRows is reached', async () => {
  const { batcher, flushed } = recording({ maxRows: 10 });
  const adds = [batcher.add(item(1, 4)), batcher.add(item(2, 5))];
  assert.deepEqual(flushed, [], '9 rows < 10');
  adds.push(batcher.add(item(3, 1)));
  assert.deepEqual(flushed, [[1, 2, 3]], '10 rows flush at once');
  adds.push(batcher.add(item(4, 50)));
  assert.deepEqual(flushed, [[1, 2, 3], [4]], 'one oversized entry flushes alone');
  await Promise.all(adds);
});

test('flushes when maxBytes is reached', async () => {
  const { batcher, flushed } = recording({ maxBytes: 1_000 });
  const adds = [batcher.add(item(1, 1, 600)), batcher.add(item(2, 1, 399))];
  assert.deepEqual(flushed, []);
  adds.push(batcher.add(item(3, 1, 1)));
  assert.deepEqual(flushed, [[1, 2, 3]]);
  await Promise.all(adds);
});

test('flushes when the oldest entry reaches maxAgeMs', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { batcher, flushed } = recording({ maxAgeMs: 100 });
  const adds = [batcher.add(item(1))];
  t.mock.timers.tick(60);
  adds.push(batcher.add(item(2)));
  t.mock.timers.tick(39);
  assert.deepEqual(flushed, [], 'not yet: 99 ms');
  t.mock.timers.tick(1);
  assert.deepEqual(flushed, [[1, 2]], 'the age counts from the first entry, not the last');
  await Promise.all(adds);
  adds.push(batcher.add(item(3)));
  t.mock.timers.tick(99);
  assert.deepEqual(flushed, [[1, 2]]);
  t.mock.timers.tick(1);
  assert.deepEqual(flushed, [[1, 2], [3]]);
  await Promise.all(adds);
});

test('a flush that throws rejects every add() of that batch, and only of that batch', async () => {
  const { batcher, flushed, control } = recording({ maxEntries: 2 });
  const boom = new Error('insert exploded');
  control.fail = boom;
  const results = await Promise.allSettled([batcher.add(item(1)), batcher.add(item(2))]);
  assert.deepEqual(results, [
    { status: 'rejected', reason: boom },
    { status: 'rejected', reason: boom },
  ]);
  await Promise.all([batcher.add(item(3)), batcher.add(item(4))]);
  assert.deepEqual(flushed, [[1, 2], [3, 4]]);
});

test('drain() flushes the open batch, waits for in-flight flushes, and later adds flush at once', async () => {
  const flushed: number[][] = [];
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const batcher = new Batcher<Item>(
    { maxRows: NO_LIMIT, maxBytes: NO_LIMIT, maxAgeMs: 60_000, maxEntries: NO_LIMIT },
    (i) => ({ rows: i.rows, bytes: i.bytes }),
    async (items) => {
      flushed.push(items.map((i) => i.id));
      await gate;
    },
  );
  const adds = [batcher.add(item(1)), batcher.add(item(2))];
  let drained = false;
  const draining = batcher.drain().then(() => (drained = true));
  assert.deepEqual(flushed, [[1, 2]], 'drain flushes at once, without waiting for maxAgeMs');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(drained, false, 'drain waits for the in-flight flush');
  release();
  await draining;
  await Promise.all(adds);
  await batcher.add(item(3));
  assert.deepEqual(flushed, [[1, 2], [3]], 'after drain every add flushes alone, at once');
  assert.equal(batcher.size, 0);
});
