import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../../src/local/free-port.js';
import { TradeProducer } from '../../src/producer/trade-producer.js';
import { migratedDatabase, queryText } from '../helpers/clickhouse-helpers.js';
import { onCleanup } from '../helpers/on-cleanup.js';
import { testQueues } from '../helpers/queue-helpers.js';
import { runCli, spawnCli, type CliProcess } from '../helpers/spawn-cli.js';
import { spillRowCount } from '../helpers/spill-row-count.js';
import { testConfig, testEnv } from '../helpers/test-env.js';
import { tradeStream } from '../helpers/trade-stream.js';
import { waitFor } from '../helpers/wait-for.js';
import { waitForDrained } from '../helpers/wait-for-drained.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ownFile = (pid: number) => `spill-${hostname().replace(/[^A-Za-z0-9_.]/g, '_')}-${pid}.duckdb`;

test('two workers spill into one dir without lock errors, each to its own file; a dead one\'s file is adopted by `drain`: every trade exactly once', async (t) => {
  // The workers' ClickHouse is a closed port; `drain` runs against the shared server (database migrated).
  const shared = testEnv({ TRADE_SYNC_LOG_LEVEL: 'info', TRADE_SYNC_LOCK_DURATION_MS: '5000' });
  const env = { ...shared, TRADE_SYNC_CLICKHOUSE_URL: `http://127.0.0.1:${await freePort()}` };
  const config = testConfig(env);
  const database = config.clickhouse.database;
  const db = await migratedDatabase(testConfig(shared));
  const queues = testQueues(config);
  onCleanup(t, () => rmSync(config.spill.dir, { recursive: true, force: true }));
  onCleanup(t, () => db.drop());
  onCleanup(t, () => queues.cleanup());
  const start = (): CliProcess => {
    const worker = spawnCli(['worker'], env);
    onCleanup(t, () => worker.kill('SIGKILL'));
    return worker;
  };
  const [a, b] = [start(), start()];
  await waitFor(async () => a.output() + b.output(), (o) => o.split('"worker running"').length === 3, 30_000, 'both workers running');
  const producer = new TradeProducer(config);
  onCleanup(t, () => producer.close());

  // Both spill at the same time for a few seconds (small batches, so each writes often).
  const stream = tradeStream(producer, { perSecond: 3_000, packSize: 10 });
  onCleanup(t, () => stream.stop().catch(() => undefined));
  await sleep(4_000);
  const files = readdirSync(config.spill.dir).filter((f) => f.endsWith('.duckdb')).sort();
  assert.deepEqual(files, [ownFile(a.pid), ownFile(b.pid)].sort(), 'one spill file per worker process');
  await a.kill('SIGKILL'); // mid-stream, while it spills
  await sleep(1_500);
  const published = await stream.stop();
  await waitForDrained(queues.trades, 60_000); // b also takes over a's unfinished jobs once their lock expires

  for (const [name, worker] of [['a', a], ['b', b]] as const) {
    // Any mention of a lock (DuckDB "Could not set lock", a failed spill write...) fails the test, except
    // BullMQ's job-lock renewals ("... lock for job <id>"), which only say the machine was starved of CPU.
    const lines = worker.output().split('\n');
    assert.deepEqual(lines.filter((l) => /lock/i.test(l) && !/lock for job /.test(l)), [], `worker ${name} reports no lock error`);
    assert.doesNotMatch(worker.output(), /SPILL_WRITE_FAILED/);
    const jobLocks = lines.filter((l) => /lock for job /.test(l)).length;
    if (jobLocks > 0) t.diagnostic(`worker ${name}: ${jobLocks} BullMQ job-lock renewal errors (CPU starvation)`);
  }
  const perFile = await runCli(['spill', 'query', 'SELECT spill_file, count(*) AS n FROM trades GROUP BY spill_file ORDER BY spill_file', '--json'], env);
  assert.equal(perFile.code, 0, perFile.output);
  const rows = perFile.stdout.trim().split('\n').map((l) => JSON.parse(l) as { spill_file: string; n: string });
  assert.deepEqual(rows.map((r) => r.spill_file), ['s0', 's1'], `both files hold rows: ${perFile.stdout}`);
  assert.ok(rows.every((r) => Number(r.n) > 0));
  const total = await spillRowCount(env);
  assert.ok(total >= published, `the spill holds every trade (${total} rows for ${published} trades, duplicates from a's unfinished jobs allowed)`);

  // A third process adopts the dead worker's file; the live worker's file is left to it.
  const drain = await runCli(['drain'], shared);
  assert.equal(drain.code, 0, drain.output);
  const replayedA = Number(/replayed (\d+) spilled rows/.exec(drain.stdout)?.[1] ?? -1);
  assert.ok(replayedA > 0 && replayedA < total, `drain replayed a's rows only: ${drain.stdout}`);
  assert.match(drain.stdout, /1 spill file\(s\) of live workers remain/);
  assert.ok(!existsSync(join(config.spill.dir, ownFile(a.pid))), "the dead worker's file is removed");
  assert.ok(existsSync(join(config.spill.dir, ownFile(b.pid))), "the live worker's file is untouched");

  // Once b stops, its file is an orphan too; a second drain takes it.
  assert.equal(await b.kill('SIGTERM'), 0, b.output());
  const last = await runCli(['drain'], shared);
  assert.equal(last.code, 0, last.output);
  assert.match(last.stdout, new RegExp(`replayed ${total - replayedA} spilled rows into ClickHouse$`, 'm'));
  assert.deepEqual(readdirSync(config.spill.dir), []);

  const [[final, distinct] = []] = await queryText(
    db.client,
    `SELECT (SELECT count() FROM ${database}.trades FINAL), (SELECT count(DISTINCT trade_id) FROM ${database}.trades)`,
  );
  assert.equal(Number(final), published, 'count() FINAL equals the trades published');
  assert.equal(Number(distinct), published, 'count(DISTINCT trade_id) equals the trades published');
  assert.deepEqual(await queues.dlq.getJobCounts('wait', 'completed', 'failed'), { wait: 0, completed: 0, failed: 0 });
});
