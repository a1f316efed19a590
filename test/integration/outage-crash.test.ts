import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { spillRowCount } from '../helpers/spill-row-count.js';
import { waitForDrained } from '../helpers/wait-for-drained.js';
import { onCleanup } from '../helpers/on-cleanup.js';
import { outageFixture } from '../helpers/outage-fixture.js';
import { runCli, type CliProcess } from '../helpers/spawn-cli.js';
import { makeTrade } from '../helpers/trade-factory.js';
import { tradeStream } from '../helpers/trade-stream.js';
import { waitFor } from '../helpers/wait-for.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The worker's JSON log lines. */
const logLines = (proc: CliProcess) =>
  proc.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string; time: number; file?: string; rows: number });
const ownFile = (pid: number) => `spill-${hostname().replace(/[^A-Za-z0-9_.]/g, '_')}-${pid}.duckdb`;

const spillBacklog = async (env: Record<string, string>) => {
  const status = await runCli(['status', '--json'], env);
  return status.code === 0 ? (JSON.parse(status.stdout) as { spillBacklog: number }).spillBacklog : -1;
};

test('kill -9 of a worker while it spills: with ClickHouse back, a new worker adopts its file, every trade exactly once', async (t) => {
  const p = await outageFixture(t);
  const first = await p.worker();
  await p.ch.stop();
  const stream = tradeStream(p.producer, { perSecond: 2_000, packSize: 20 });
  onCleanup(t, () => stream.stop().catch(() => undefined));
  const backlog = await waitFor(() => spillBacklog(p.env), (n) => n >= 2_000, 30_000, 'the spill growing');
  assert.equal(await first.kill('SIGKILL'), 'SIGKILL');
  await sleep(1_000); // trades keep coming with no worker
  const published = await stream.stop();
  assert.ok(existsSync(join(p.dir, ownFile(first.pid))), 'the dead worker left its spill file');

  await p.ch.start();
  const second = await p.worker();
  await p.assertExactlyOnce(published, second);
  assert.ok(logLines(second).some((l) => l.msg === 'adopted spill file drained and removed' && l.file === ownFile(first.pid)), `adopted: ${second.output()}`);
  assert.deepEqual(readdirSync(p.dir).filter((f) => f.includes(`-${first.pid}.`)), [], 'no file of the dead pid remains');
  t.diagnostic(`published ${published}; spill backlog ${backlog} rows when the worker was killed`);
});

test('kill -9 of a worker mid-replay of a 100k-row spill: a new worker adopts the file and finishes, every trade exactly once', async (t) => {
  const total = 100_000;
  // Replay in 10k-row batches (so the kill lands mid-replay); spill in batches of 10k rows too, and a
  // long job lock, so a loaded machine does not make the worker lose job locks while it writes.
  const p = await outageFixture(t, { TRADE_SYNC_REPLAY_BATCH_ROWS: '10000', TRADE_SYNC_BATCH_MAX_ROWS: '10000', TRADE_SYNC_LOCK_DURATION_MS: '10000' });
  const first = await p.worker();
  await p.ch.stop();
  const trades = Array.from({ length: total }, (_, i) => makeTrade({ symbol: `R${i % 10}` }));
  const spillStart = Date.now();
  await p.producer.publish(trades, { packSize: 500 });
  await waitForDrained(p.queues.trades, 60_000);
  const spillMs = Date.now() - spillStart;
  assert.equal(await spillRowCount(p.env), total, 'the whole stream is in the spill');

  await p.ch.start();
  const backAt = Date.now();
  const atKill = await waitFor(p.count, (n) => n > 0, 30_000, 'replay started');
  assert.equal(await first.kill('SIGKILL'), 'SIGKILL');
  const killedAt = Date.now();
  assert.ok(atKill > 0 && atKill < total, `killed mid-replay: ${atKill} of ${total} rows in ClickHouse`);
  assert.ok(existsSync(join(p.dir, ownFile(first.pid))));

  const second = await p.worker();
  await p.assertExactlyOnce(total, second);
  assert.ok(logLines(second).some((l) => l.msg === 'adopted spill file drained and removed' && l.file === ownFile(first.pid)), `adopted: ${second.output()}`);
  assert.deepEqual(readdirSync(p.dir).filter((f) => f.includes(`-${first.pid}.`)), [], 'no file of the dead pid remains');
  const replayed = logLines(second).filter((l) => l.msg === 'spilled rows replayed');
  const rows = replayed.reduce((sum, l) => sum + l.rows, 0);
  t.diagnostic(`spilled ${total} rows (publish + spill) in ${spillMs} ms; first replayed rows ${killedAt - backAt} ms after ClickHouse was back; ${atKill} rows in at the kill`);
  t.diagnostic(`the new worker replayed ${rows} rows in ${replayed.length} batches over ${(replayed.at(-1)?.time ?? 0) - (replayed[0]?.time ?? 0)} ms of log`);
});
