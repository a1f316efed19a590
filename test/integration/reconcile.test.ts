import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runWorker, type RunningWorker } from '../../src/wiring/run-worker.js';
import { createLogger } from '../../src/logger.js';
import { migratedDatabase, queryText } from '../helpers/clickhouse-helpers.js';
import { buildReconcileFixture, exportRenamed, type ReconcileFixture } from '../helpers/reconcile-fixture.js';
import { testQueues, type TestQueues } from '../helpers/queue-helpers.js';
import { runCli } from '../helpers/spawn-cli.js';
import { testConfig, testEnv } from '../helpers/test-env.js';
import { waitFor } from '../helpers/wait-for.js';

const COUNT = 100_000;
const env = testEnv({ TRADE_SYNC_RECONCILE_MAX_IDS: '10' });
const config = testConfig(env);
let db: Awaited<ReturnType<typeof migratedDatabase>>;
let queues: TestQueues;
let worker: RunningWorker;
let fx: ReconcileFixture;
/** The first test's report of the DuckDB source, which the Parquet and CSV reports must equal. */
let duckdbReport: Awaited<ReturnType<typeof reconcile>> | undefined;

interface Line {
  type: 'bucket' | 'summary';
  [key: string]: unknown;
}

async function reconcile(...args: string[]) {
  const window = ['--from', fx.fromNs.toString(), '--to', fx.toNs.toString()];
  const run = await runCli(['reconcile', ...window, '--json', ...args], env);
  const lines = run.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
  const buckets = lines.filter((l) => l.type === 'bucket');
  const summary = lines.find((l) => l.type === 'summary') as unknown as {
    result: { buckets: number; mismatchedBuckets: number; source: number; clickhouse: number; missing: number; extra: number; different: number; match: boolean; ids: Record<string, string[]> };
    repair?: { dryRun: boolean; republished: number; ids: string[] };
  };
  return { ...run, buckets, summary };
}

const physicalRows = async (ids: readonly string[]) =>
  Number((await queryText(db.client, `SELECT count() FROM ${config.clickhouse.database}.trades WHERE toString(trade_id) IN (${ids.map((id) => `'${id}'`).join(', ')})`))[0]?.[0]);

before(async () => {
  db = await migratedDatabase(config);
  queues = testQueues(config);
  worker = await runWorker(config, createLogger('silent'));
  fx = await buildReconcileFixture(db.client, config.clickhouse.database, COUNT);
});

after(async () => {
  await worker?.stop();
  await queues?.cleanup();
  await db?.drop();
  fx?.cleanup();
});

test('reports exactly the 3 missing, 1 different and 2 extra trades, per bucket; matching buckets are one row each', async () => {
  const run = await reconcile('--source', fx.sourcePath);
  duckdbReport = run;
  assert.equal(run.code, 3, run.stderr);
  const r = run.summary.result;
  assert.deepEqual([r.missing, r.different, r.extra], [3, 1, 2]);
  assert.deepEqual([...r.ids.missing ?? []].sort(), [...fx.missing].sort());
  assert.deepEqual(r.ids.different, fx.different);
  assert.deepEqual([...r.ids.extra ?? []].sort(), [...fx.extra].sort());
  assert.equal(r.source, COUNT);
  assert.equal(r.clickhouse, COUNT - 3 + 2);
  // 3 venues x 4 accounts x 5 symbols (60 combinations) x 2 one-hour buckets, plus the extra trade's own account.
  assert.equal(run.buckets.length, 121);
  assert.equal(r.buckets, 121);
  const flagged = run.buckets.filter((b) => Number(b.missing) + Number(b.extra) + Number(b.different) > 0);
  assert.ok(flagged.length >= 3 && flagged.length <= 6, `${flagged.length} buckets with differences`);
  assert.equal(flagged.reduce((n, b) => n + Number(b.missing), 0), 3);
  const own = run.buckets.find((b) => b.account === 'ACC-X');
  assert.deepEqual([own?.source, own?.clickhouse, own?.extra], [0, 1, 1]);
  for (const b of run.buckets.filter((x) => !flagged.includes(x))) assert.equal(b.source, b.clickhouse);
});

test('Parquet and CSV sources with a column mapping give the same report', async () => {
  const files = await exportRenamed(fx);
  const strip = (buckets: Line[]) => JSON.stringify(buckets);
  const base = duckdbReport ?? (await reconcile('--source', fx.sourcePath));
  for (const path of [files.parquet, files.csv]) {
    const run = await reconcile('--source', path, '--map', files.map);
    assert.equal(run.code, 3, run.stderr);
    assert.equal(strip(run.buckets), strip(base.buckets), path);
    assert.deepEqual(run.summary.result, base.summary.result, path);
  }
});

test('an id list gives the missing and the extra trades (no fields: no hash, no repair)', async () => {
  const files = await exportRenamed(fx);
  const run = await reconcile('--ids', files.ids);
  assert.equal(run.code, 3, run.stderr);
  const r = run.summary.result;
  assert.deepEqual([r.missing, r.extra, r.different, r.source, r.clickhouse], [3, 2, 0, COUNT, COUNT - 1]);
  assert.deepEqual([...r.ids.missing ?? []].sort(), [...fx.missing].sort());
  assert.deepEqual([...r.ids.extra ?? []].sort(), [...fx.extra].sort());
  const unplaced = run.buckets.find((b) => b.bucketStartNs === null);
  assert.deepEqual([unplaced?.source, unplaced?.missing], [3, 3]);
  const refused = await runCli(['reconcile', '--ids', files.ids, '--from', fx.fromNs.toString(), '--to', fx.toNs.toString(), '--repair'], env);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr.trim(), /^trade-sync: RECONCILE_SOURCE_INVALID: an id list holds no trades to re-publish/);
});

test('bad input: one clear line each, a non-zero exit, nothing re-published', async () => {
  const cases: [string[], RegExp][] = [
    [['--source', `${fx.dir}/nope.duckdb`], /^trade-sync: RECONCILE_SOURCE_NOT_FOUND: source file not found: .*nope\.duckdb$/],
    [['--source', fx.sourcePath, '--map', 'price=px'], /^trade-sync: RECONCILE_COLUMN_UNKNOWN: --map price=px: .* has no column "px"/],
    [['--source', fx.sourcePath, '--map', 'colour=px'], /^trade-sync: RECONCILE_COLUMN_UNKNOWN: --map colour=px: "colour" is not a trade field/],
  ];
  for (const [args, expected] of cases) {
    const run = await runCli(['reconcile', '--from', fx.fromNs.toString(), '--to', fx.toNs.toString(), '--repair', ...args], env);
    assert.equal(run.code, 1, run.output);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    assert.match(run.stderr.trim(), expected);
  }
  const reversed = await runCli(['reconcile', '--source', fx.sourcePath, '--from', '2026-12-01T02:00:00Z', '--to', '2026-12-01T00:00:00Z', '--repair'], env);
  assert.equal(reversed.code, 1);
  assert.match(reversed.stderr.trim(), /^trade-sync: RECONCILE_WINDOW_INVALID: --from 2026-12-01T02:00:00Z is not before --to 2026-12-01T00:00:00Z: the window is empty$/);
  assert.equal(await queues.trades.count(), 0, 'nothing was published');
});

test('--repair --dry-run shows the 3 and publishes nothing; --repair lands them once; again: nothing missing, nothing re-published', async () => {
  const dry = await reconcile('--source', fx.sourcePath, '--repair', '--dry-run');
  assert.deepEqual([dry.summary.repair?.dryRun, dry.summary.repair?.republished], [true, 3]);
  assert.deepEqual([...(dry.summary.repair?.ids ?? [])].sort(), [...fx.missing].sort());
  assert.equal(await queues.trades.count(), 0);
  assert.equal(await physicalRows(fx.missing), 0);

  const repair = await reconcile('--source', fx.sourcePath, '--repair');
  assert.equal(repair.code, 3, 'the comparison before the repair did not match');
  assert.deepEqual([repair.summary.repair?.dryRun, repair.summary.repair?.republished], [false, 3]);
  await waitFor(() => physicalRows(fx.missing), (n) => n === 3, 30_000, 'the 3 re-published trades in ClickHouse');

  const again = await reconcile('--source', fx.sourcePath, '--repair');
  const r = again.summary.result;
  assert.deepEqual([r.missing, r.different, r.extra], [0, 1, 2], 'different and extra are reported, never overwritten');
  assert.equal(again.summary.repair?.republished, 0);
  assert.equal(await physicalRows(fx.missing), 3, 'each re-published trade landed once');
  const [[price = ''] = []] = await queryText(db.client, `SELECT toString(price) FROM ${config.clickhouse.database}.trades FINAL WHERE toString(trade_id) = '${fx.different[0]}'`);
  assert.match(price, /^\d+\.\d{4}1/, 'the different trade keeps its ClickHouse price');
});
