import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { TradeProducer } from '../../src/producer/trade-producer.js';
import { SCHEMA_VERSION } from '../../src/sinks/clickhouse/migrations.js';
import { migratedDatabase } from '../helpers/clickhouse-helpers.js';
import { queuedTradeIds } from '../helpers/queued-trades.js';
import { testQueues } from '../helpers/queue-helpers.js';
import { runCli } from '../helpers/spawn-cli.js';
import { testConfig, testEnv } from '../helpers/test-env.js';
import { makeTrade } from '../helpers/trade-factory.js';
import { pendingJobs } from '../helpers/wait-for-drained.js';

/** PATH only, plus a variable that would fail config parsing: --help must not need a config. */
const BARE_ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', TRADE_SYNC_WORKER_CONCURRENCY: 'not-a-number' };

function assertOneLineError(result: { code: number | string; stdout: string; stderr: string }, pattern: RegExp): void {
  assert.notEqual(result.code, 0, 'exits non-zero');
  const lines = result.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `one line on stderr, got: ${result.stderr}`);
  assert.match(lines[0] ?? '', pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(result.stdout, '');
}

test('--help on every command exits 0 and prints its usage', async () => {
  const commands = [['up'], ['worker'], ['migrate'], ['demo'], ['status'], ['dlq', 'list'], ['dlq', 'redrive']];
  const results = await Promise.all(commands.map((c) => runCli([...c, '--help'], BARE_ENV)));
  results.forEach((result, i) => {
    const name = ['trade-sync', ...(commands[i] ?? [])].join(' ');
    assert.equal(result.code, 0, `${name} --help: ${result.output}`);
    assert.ok(result.stdout.startsWith(`Usage: ${name} `), `${name} --help printed: ${result.stdout}`);
    assert.equal(result.stderr, '');
  });
  assert.match(results[4]?.stdout ?? '', /--json/);
  assert.match(results[3]?.stdout ?? '', /--rate <n>/);
});

test('an unknown command, a bad option value and a bad environment fail with one line and no stack trace', async () => {
  const env = testEnv();
  const [unknown, badRate, badEnv, noTarget] = await Promise.all([
    runCli(['frobnicate'], env),
    runCli(['demo', '--rate', 'fast'], env),
    runCli(['status'], BARE_ENV),
    runCli(['dlq', 'redrive'], env),
  ]);
  assertOneLineError(unknown, /unknown command 'frobnicate'/);
  assertOneLineError(badRate, /option '--rate <n>' argument 'fast' is invalid/);
  assertOneLineError(badEnv, /^trade-sync: CONFIG_INVALID: TRADE_SYNC_WORKER_CONCURRENCY: /);
  assertOneLineError(noTarget, /^trade-sync: CONFIG_INVALID: give either a dead-letter id or --all$/);
  rmSync(testConfig(env).spill.dir, { recursive: true, force: true });
});

test('status --json reports the queues, the dead letters and the schema version', async (t) => {
  const env = testEnv();
  const config = testConfig(env);
  const db = await migratedDatabase(config);
  const queues = testQueues(config);
  const producer = new TradeProducer(config);
  t.after(async () => {
    await producer.close();
    await queues.cleanup();
    await db.drop();
    rmSync(config.spill.dir, { recursive: true, force: true });
  });
  await producer.publish([makeTrade(), makeTrade(), makeTrade()], { packSize: 1 });

  const result = await runCli(['status', '--json'], env);
  assert.equal(result.code, 0, result.output);
  const status = JSON.parse(result.stdout) as {
    queues: Record<string, Record<string, number>>;
    dlqDepth: number;
    clickhouse: { reachable: boolean; schemaVersion: number; expectedSchemaVersion: number; rows: number | null };
  };
  assert.equal(status.queues[config.queues.trades]?.waiting, 3);
  assert.equal(status.queues[config.queues.dlq]?.failed, 0);
  assert.equal(status.dlqDepth, 0);
  assert.equal(status.clickhouse.reachable, true);
  assert.equal(status.clickhouse.schemaVersion, SCHEMA_VERSION);
  assert.equal(status.clickhouse.expectedSchemaVersion, SCHEMA_VERSION);
  assert.equal(status.clickhouse.rows, 0);
  assert.equal(await pendingJobs(queues.trades), 3, 'status consumed nothing');
});

test('demo --rate 5000 --count 500 publishes 500 trades in signed packs (no worker running)', async (t) => {
  const env = testEnv();
  const config = testConfig(env);
  const queues = testQueues(config);
  t.after(async () => {
    await queues.cleanup();
    rmSync(config.spill.dir, { recursive: true, force: true });
  });
  const result = await runCli(['demo', '--rate', '5000', '--count', '500'], env);
  assert.equal(result.code, 0, result.output);
  assert.match(result.stdout, new RegExp(`published 500 trades to "${config.queues.trades}"`));
  const counts = await queues.trades.getJobCounts('wait', 'active', 'completed', 'failed');
  assert.ok((counts.wait ?? 0) >= 5 && (counts.wait ?? 0) < 500, `signed packs of up to 100 by default, not one job per trade: ${JSON.stringify(counts)}`);
  assert.deepEqual({ ...counts, wait: 0 }, { wait: 0, active: 0, completed: 0, failed: 0 });
  const ids = await queuedTradeIds(queues.trades);
  assert.equal(new Set(ids).size, 500, 'every trade once');
  const [job] = await queues.trades.getWaiting(0, 0);
  assert.equal(job?.name, 'pack');
});
