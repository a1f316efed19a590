import assert from 'node:assert/strict';
import { test } from 'node:test';
import { onCleanup } from '../helpers/on-cleanup.js';
import { outageFixture } from '../helpers/outage-fixture.js';
import type { CliProcess } from '../helpers/spawn-cli.js';
import { makeTrade } from '../helpers/trade-factory.js';
import { waitFor } from '../helpers/wait-for.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** BullMQ's words for a job lock a live worker lost (another worker may then take the same job). */
const LOCK_LOSS = /could not renew lock|Missing lock for job|Lock mismatch for job/;
const lockLosses = (proc: CliProcess) => proc.output().split('\n').filter((l) => LOCK_LOSS.test(l));

test('chaos with the shipped worker settings: a backlog, kill -9 of a worker, ClickHouse down and back: every trade once, no live worker loses a job lock', async (t) => {
  // The shipped concurrency, lock, stall and batch settings (testEnv shortens them for the other tests).
  const p = await outageFixture(t, {});
  for (const name of ['TRADE_SYNC_LOCK_DURATION_MS', 'TRADE_SYNC_STALLED_INTERVAL_MS', 'TRADE_SYNC_WORKER_CONCURRENCY', 'TRADE_SYNC_BATCH_MAX_AGE_MS']) delete p.env[name];
  // The killed worker's jobs come back after its locks expire (30 s): the test waits that long.
  // A backlog before any worker runs: signed packs (the default) and 3,000 one-trade jobs.
  const packed = Array.from({ length: 30_000 }, (_, i) => makeTrade({ symbol: `C${i % 13}` }));
  const single = Array.from({ length: 3_000 }, (_, i) => makeTrade({ symbol: `S${i % 7}` }));
  await p.producer.publish(packed);
  await p.producer.publish(single, { packSize: 1 });

  const doomed = await p.worker();
  const survivor = await p.worker();
  await waitFor(() => p.count(), (n) => n >= 3_000, 60_000, 'the backlog flowing');
  await doomed.kill('SIGKILL');
  const late = await p.worker();
  onCleanup(t, () => late.kill('SIGKILL'));

  // ClickHouse down while more trades arrive: they spill, and are replayed once it is back.
  await p.ch.stop();
  const during = Array.from({ length: 10_000 }, (_, i) => makeTrade({ symbol: `D${i % 11}` }));
  for (let i = 0; i < during.length; i += 500) {
    await p.producer.publish(during.slice(i, i + 500));
    await sleep(50);
  }
  await sleep(3_000);
  await p.ch.start();

  const total = packed.length + single.length + during.length;
  await p.assertExactlyOnce(total, survivor);
  const losses = [...lockLosses(survivor), ...lockLosses(late)];
  t.diagnostic(`${total} trades; lock losses in the live workers: ${losses.length}${losses.length > 0 ? `; first: ${losses[0]}` : ''}`);
  assert.deepEqual(losses, [], 'no live worker lost a job lock');
});
