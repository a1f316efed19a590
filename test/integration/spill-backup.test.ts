import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { migratedDatabase, queryText } from '../helpers/clickhouse-helpers.js';
import { duckdbScalar } from '../helpers/duckdb-scalar.js';
import { onCleanup } from '../helpers/on-cleanup.js';
import { runCli } from '../helpers/spawn-cli.js';
import { spillingWorker } from '../helpers/spilling-worker.js';
import { testConfig, testEnv } from '../helpers/test-env.js';
import { makeTrade } from '../helpers/trade-factory.js';

const KEY = randomBytes(32).toString('hex');
const pick = (env: Record<string, string>, ...names: string[]) => Object.fromEntries(names.map((n) => [n, env[n] ?? '']));

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'trade-sync-backup-'));
  onCleanup(t, () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** `base` (queues, keys) on the shared ClickHouse with a migrated database and an empty spill dir of its own. */
async function recoveryEnv(t: TestContext, base: Record<string, string>) {
  const fresh = testEnv();
  const env = { ...base, ...pick(fresh, 'TRADE_SYNC_CLICKHOUSE_URL', 'TRADE_SYNC_CLICKHOUSE_DATABASE', 'TRADE_SYNC_SPILL_DIR') };
  const config = testConfig(env);
  const db = await migratedDatabase(config);
  onCleanup(t, () => rmSync(config.spill.dir, { recursive: true, force: true }));
  onCleanup(t, () => db.drop());
  const database = config.clickhouse.database;
  /** [count() FINAL, count(DISTINCT trade_id), every stored trade_id sorted]. */
  const stored = async (): Promise<[number, number, string[]]> => {
    const [[final, distinct] = []] = await queryText(db.client, `SELECT (SELECT count() FROM ${database}.trades FINAL), (SELECT count(DISTINCT trade_id) FROM ${database}.trades)`);
    const ids = (await queryText(db.client, `SELECT toString(trade_id) FROM ${database}.trades FINAL`)).map((r) => r[0] ?? '');
    return [Number(final), Number(distinct), ids.sort()];
  };
  return { env, dir: config.spill.dir, stored };
}

test('backup → restore into an empty spill dir → drain: every spilled row lands in ClickHouse exactly once', async (t) => {
  const trades = Array.from({ length: 3_000 }, (_, i) => makeTrade({ symbol: `B${i % 7}` }));
  const spill = await spillingWorker(t, trades, { TRADE_SYNC_BACKUP_KEY: KEY });
  const file = join(tempDir(t), 'spill.backup');

  const backup = await runCli(['spill', 'backup', file], spill.env);
  assert.equal(backup.code, 0, backup.output);
  assert.match(backup.stdout, new RegExp(`backed up ${trades.length} spilled rows`));
  const bytes = readFileSync(file);
  assert.equal(bytes.subarray(0, 8).toString(), 'TSYNCBK1');
  assert.ok(!bytes.includes(Buffer.from(trades[0]?.trade_id ?? '-')) && !bytes.includes(Buffer.from('spill_rows')), 'the backup is encrypted');
  assert.equal(await spill.worker.kill('SIGTERM'), 0, spill.worker.output());

  // The spill disk is lost; the backup is restored on a fresh directory and drained.
  const recovery = await recoveryEnv(t, spill.env);
  const restore = await runCli(['spill', 'restore', file], recovery.env);
  assert.equal(restore.code, 0, restore.output);
  assert.match(restore.stdout, new RegExp(`restored ${trades.length} rows into `));
  const restored = readdirSync(recovery.dir).filter((f) => f.endsWith('.duckdb'));
  assert.equal(restored.length, 1);
  // The worker published packs of 50: each signed pack comes back once, so its dead letters could be redriven.
  assert.equal(await duckdbScalar(join(recovery.dir, restored[0]!), 'SELECT count(*) FROM spill_packs'), trades.length / 50);

  const drain = await runCli(['drain'], recovery.env);
  assert.equal(drain.code, 0, drain.output);
  assert.match(drain.stdout, new RegExp(`replayed ${trades.length} spilled rows into ClickHouse`));
  assert.deepEqual(await recovery.stored(), [trades.length, trades.length, trades.map((tr) => tr.trade_id).sort()]);
  assert.deepEqual(readdirSync(recovery.dir), [], 'the drained file is removed');
});

test('a backup with one byte flipped (or the wrong key) is refused with SPILL_BACKUP_INVALID and restores nothing', async (t) => {
  const trades = Array.from({ length: 1_000 }, () => makeTrade({ symbol: 'FLIP' }));
  const spill = await spillingWorker(t, trades, { TRADE_SYNC_BACKUP_KEY: KEY });
  const dir = tempDir(t);
  const file = join(dir, 'spill.backup');
  const backup = await runCli(['spill', 'backup', file], spill.env);
  assert.equal(backup.code, 0, backup.output);

  const bytes = readFileSync(file);
  const tampered = Buffer.from(bytes);
  const middle = Math.floor(bytes.length / 2);
  tampered[middle] = (tampered[middle] ?? 0) ^ 0x01;
  writeFileSync(join(dir, 'tampered.backup'), tampered);
  const wrongKey = { ...spill.env, TRADE_SYNC_BACKUP_KEY: randomBytes(32).toString('hex') };
  const before = readdirSync(spill.config.spill.dir).sort();

  for (const [what, args, env] of [
    ['one flipped byte', ['spill', 'restore', join(dir, 'tampered.backup')], spill.env],
    ['the wrong key', ['spill', 'restore', file], wrongKey],
  ] as const) {
    const restore = await runCli(args, env);
    assert.notEqual(restore.code, 0, `${what}: exits non-zero`);
    assert.match(restore.stderr, /^trade-sync: SPILL_BACKUP_INVALID: /m, `${what}: ${restore.output}`);
    assert.deepEqual(readdirSync(spill.config.spill.dir).sort(), before, `${what}: nothing new in the spill dir`);
  }
  const intact = await runCli(['spill', 'restore', file], spill.env);
  assert.equal(intact.code, 0, `the untouched backup still restores: ${intact.output}`);
});

test('a spill file of garbage bytes is quarantined with an error log, and the other files still drain', async (t) => {
  const trades = Array.from({ length: 2_000 }, (_, i) => makeTrade({ symbol: `G${i % 3}` }));
  const spill = await spillingWorker(t, trades);
  assert.equal(await spill.worker.kill('SIGTERM'), 0, spill.worker.output()); // its file is now an orphan
  const garbage = join(spill.config.spill.dir, 'orphan-x.duckdb');
  writeFileSync(garbage, randomBytes(64 * 1024));

  const recovery = await recoveryEnv(t, spill.env);
  const drain = await runCli(['drain'], { ...recovery.env, TRADE_SYNC_SPILL_DIR: spill.config.spill.dir });
  assert.equal(drain.code, 0, drain.output);
  assert.match(drain.stdout, new RegExp(`replayed ${trades.length} spilled rows into ClickHouse`));
  const errors = drain.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; msg: string; file?: string; quarantinedAs?: string });
  const logged = errors.find((l) => l.level >= 50 && l.file === 'orphan-x.duckdb');
  assert.ok(logged, `an error log names the corrupt file: ${drain.stderr}`);
  assert.match(logged.msg, /quarantined/);

  const left = readdirSync(spill.config.spill.dir);
  const quarantined = left.filter((f) => /^orphan-x\.duckdb\.corrupt-\d+$/.test(f));
  assert.equal(quarantined.length, 1, `renamed aside, not deleted: ${left.join(', ')}`);
  assert.equal(logged.quarantinedAs, join(spill.config.spill.dir, quarantined[0] ?? ''));
  assert.deepEqual(left.filter((f) => f.endsWith('.duckdb')), [], 'no spill file left to replay');
  const [final, distinct] = await recovery.stored();
  assert.deepEqual([final, distinct], [trades.length, trades.length]);
});
