import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readWorkerHeartbeats } from '../../src/lifecycle/worker-heartbeat.js';
import { onCleanup } from '../helpers/on-cleanup.js';
import { outageFixture } from '../helpers/outage-fixture.js';
import { tradeStream } from '../helpers/trade-stream.js';
import { waitFor } from '../helpers/wait-for.js';

const OUTAGE_MS = 20_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Rows and time span of the worker's "spilled rows replayed" log lines. */
function replayLog(output: string): { rows: number; firstAt: number; lastAt: number } {
  const lines = output.split('\n').filter((l) => l.includes('"spilled rows replayed"')).map((l) => JSON.parse(l) as { rows: number; time: number });
  return { rows: lines.reduce((sum, l) => sum + l.rows, 0), firstAt: lines[0]?.time ?? 0, lastAt: lines.at(-1)?.time ?? 0 };
}

test('ClickHouse stopped for 20 s mid-stream: every trade lands exactly once, replay starts within seconds, spill and DLQ empty', async (t) => {
  // Job locks at the production default (5 s): the replay of a large spill holds the event loop for a while.
  const p = await outageFixture(t, { TRADE_SYNC_LOCK_DURATION_MS: '5000' });
  const { ch, config, queues, producer, count } = p;
  const worker = await p.worker();
  const stream = tradeStream(producer, { perSecond: 2_000, packSize: 20 });
  onCleanup(t, () => stream.stop().catch(() => undefined));
  await waitFor(() => count(), (n) => n >= 2_000, 20_000, 'trades flowing into ClickHouse');

  // The outage. Trades published in its first 15 s are marked, so replayed rows can be told apart
  // from live inserts after the restart (by then the worker has long taken them: they are spilled).
  await ch.stop();
  const stoppedAt = Date.now();
  stream.account = 'OUTAGE';
  await sleep(OUTAGE_MS - 5_000);
  stream.account = 'ACC-001';
  // What `status` shows as the spill backlog: the workers' heartbeats (read directly, so the restart stays on time).
  const heartbeats = await readWorkerHeartbeats(queues.connection, config.redis.prefix, config.queues.trades);
  const backlog = heartbeats.reduce((sum, w) => sum + w.spillBacklog, 0);
  assert.ok(backlog > 0, `the worker spills while ClickHouse is down (heartbeats: ${JSON.stringify(heartbeats)})`);
  await sleep(stoppedAt + OUTAGE_MS - Date.now());

  await ch.start();
  const backAt = Date.now();
  const firstReplayAt = await waitFor(async () => ((await count("account = 'OUTAGE'")) > 0 ? Date.now() : 0), (at) => at > 0, 30_000, 'first replayed row');
  await sleep(backAt + 3_000 - Date.now());
  const published = await stream.stop();

  await p.assertExactlyOnce(published, worker);
  assert.equal(worker.child.exitCode, null, 'the worker process kept running through the outage');

  const outageTrades = await count("account = 'OUTAGE'");
  const delayMs = firstReplayAt - backAt;
  const replay = replayLog(worker.output());
  t.diagnostic(`published ${published} trades at ~2,000/s; ClickHouse down ${backAt - stoppedAt} ms; ${outageTrades} marked outage trades; spill backlog ${backlog} (heartbeat) after 15 s`);
  const jobLockErrors = worker.output().split('\n').filter((l) => /lock for job /.test(l)).length;
  t.diagnostic(`replay start delay ${delayMs} ms (goal <= 5,000 ms); first replay batch logged ${replay.firstAt - backAt} ms after the restart`);
  t.diagnostic(`replayed ${replay.rows} rows, ${replay.lastAt - replay.firstAt} ms between the first and last replay log lines; ${jobLockErrors} BullMQ job-lock errors`);
  assert.ok(replay.rows >= outageTrades, `the ${outageTrades} trades of the outage came back through the spill (${replay.rows} rows replayed)`);
  assert.ok(delayMs <= 10_000, `replay started ${delayMs} ms after ClickHouse answered again`);
});
