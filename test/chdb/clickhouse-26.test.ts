import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import type { ClickHouseClient } from '@clickhouse/client';
import { createLogger } from '../../src/logger.js';
import { ClickHouseOrderSink } from '../../src/orders/clickhouse-order-sink.js';
import { orderVersion } from '../../src/orders/order-row.js';
import { buildInsertBody, INSERT_COLUMNS } from '../../src/sinks/clickhouse/build-insert-body.js';
import { classifyInsertError } from '../../src/sinks/clickhouse/classify-insert-error.js';
import { ClickHouseTradeSink } from '../../src/sinks/clickhouse/clickhouse-trade-sink.js';
import { insertRetryPolicy } from '../../src/sinks/insert-retry-policy.js';
import { insertBatch } from '../../src/sinks/insert-batch.js';
import { prepareBatch } from '../../src/sinks/prepare-batch.js';
import type { TradeRow } from '../../src/sinks/trade-row.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/sinks/clickhouse/migrations.js';
import { migrate } from '../../src/sinks/clickhouse/migrator.js';
import { assertSchemaVersion, readSchemaState } from '../../src/sinks/clickhouse/schema-version.js';
import { detectServerFeatures } from '../../src/sinks/clickhouse/server-features.js';
import { clusterWideEngine } from '../../src/sinks/clickhouse/cluster-ddl.js';
import { assertWriterColumns, canReadMigrations } from '../../src/sinks/clickhouse/writer-schema-probe.js';
import { openChdbSession, type ChdbSession } from '../helpers/chdb-client.js';
import { countPhysicalRows, countTrades, queryText } from '../helpers/clickhouse-helpers.js';
import { makeTradeRow } from '../helpers/make-trade-row.js';
import { makeTrade } from '../helpers/trade-factory.js';

const log = createLogger('silent');
let session: ChdbSession;
let client: ClickHouseClient;

before(async () => {
  session = await openChdbSession();
  client = session.client();
});
after(async () => {
  await session.close();
});

/** A migrated database of its own for one test. */
async function freshDatabase(): Promise<string> {
  const database = `ts_chdb_${randomBytes(4).toString('hex')}`;
  await migrate(client, database, log);
  return database;
}

test('chDB is a current ClickHouse (26.x) and the feature probe finds the dedup token and the non-replicated window', async () => {
  const features = await detectServerFeatures(client);
  assert.match(features.version, /^2[6-9]\.|^[3-9]\d\./, `version ${features.version}`);
  assert.equal(features.dedupToken, true);
  assert.equal(features.nonReplicatedDedupWindow, true);
});

test('migrations run twice: the second run applies nothing; the tables carry the dedup window and every column', async () => {
  const database = `ts_chdb_${randomBytes(4).toString('hex')}`;
  const first = await migrate(client, database, log);
  assert.deepEqual(first.applied, MIGRATIONS.map((m) => `${m.version}_${m.name}`));
  assert.match(first.serverVersion, /^26\./);
  const second = await migrate(client, database, log);
  assert.deepEqual(second.applied, []);
  assert.equal(second.from, SCHEMA_VERSION);
  assert.deepEqual(await readSchemaState(client, database), { version: SCHEMA_VERSION, compatibleFrom: 1 });
  await assertSchemaVersion(client, database);
  const [[create = ''] = []] = await queryText(client, `SELECT create_table_query FROM system.tables WHERE database = '${database}' AND name = 'trades'`);
  assert.match(create, /non_replicated_deduplication_window = 1000/);
  const columns = (await queryText(client, `SELECT name FROM system.columns WHERE database = '${database}' AND table = 'trades'`)).map(([c]) => c);
  for (const c of INSERT_COLUMNS) assert.ok(columns.includes(c), `column ${c}`);
});

test('the same batch inserted twice with its token is one physical copy (count without FINAL); another batch lands', async () => {
  const database = await freshDatabase();
  const sink = new ClickHouseTradeSink(session.client(), database);
  const rows = Array.from({ length: 50 }, () => makeTradeRow(makeTrade({ schema_version: 2, ...{ fee: '0.25', liquidity: 'maker' } })));
  await sink.insert(rows);
  await sink.insert([...rows].reverse()); // a retry: same trades, token independent of order
  await sink.insertEncoded({ body: buildInsertBody(rows), tradeIds: rows.map((r) => r.trade.trade_id) }); // a spill replay of it
  assert.equal(await countPhysicalRows(client, database), 50, 'one physical copy without FINAL');
  const others = Array.from({ length: 7 }, () => makeTradeRow(makeTrade()));
  await sink.insert(others);
  assert.equal(await countPhysicalRows(client, database), 57);
  assert.equal(await countTrades(client, database), 57);
  const [[price = '', fee = '', liq = ''] = []] = await queryText(client, `SELECT toString(price), toString(fee), toString(liquidity) FROM ${database}.trades WHERE trade_id = '${rows[0]?.trade.trade_id}'`);
  assert.deepEqual([price, fee, liq], ['227.1234', '0.25', 'maker']);
  await sink.close(); // closes only that client, not the session
});

test("per-query settings never outlive their query: after a token insert, a plain insert of a new trade lands", async (t) => {
  const database = await freshDatabase();
  const sink = new ClickHouseTradeSink(session.client(), database);
  await sink.insert([makeTradeRow(makeTrade())]);
  assert.equal((await session.changedSettings()).has('insert_deduplication_token'), false, 'the token was put back after the insert');

  // A plain insert without a token (as the orders sink and ad-hoc tools do), then the same again
  // under a different trade id: both land, none takes the previous insert's token.
  const plain = async (c: ClickHouseClient) => {
    const row = makeTradeRow(makeTrade());
    await c.insert({ table: `${database}.trades`, columns: INSERT_COLUMNS as [string, ...string[]], format: 'TabSeparated', values: Readable.from([buildInsertBody([row])], { objectMode: false }) });
    return row.trade.trade_id;
  };
  const id = await plain(session.client());
  assert.equal(await countPhysicalRows(client, database), 2, `the plain insert of ${id} landed`);

  // The hazard itself, on the bare chdb/connection: the token of a sink insert stays on the
  // session and silently swallows the next plain insert whose data hashes to the same block.
  const raw = session.rawClient();
  const rawSink = new ClickHouseTradeSink(raw, database);
  await rawSink.insert([makeTradeRow(makeTrade())]);
  const leaked = (await session.changedSettings()).has('insert_deduplication_token');
  if (leaked) {
    await plain(raw);
    await plain(raw);
    const physical = await countPhysicalRows(client, database);
    t.diagnostic(`bare chdb/connection: token leaked; ${physical - 3} of 2 later plain inserts landed`);
    assert.ok(physical < 5, 'with a leaked token a later plain insert is dropped (the hazard the scoped connection prevents)');
    await raw.command({ query: 'SET insert_deduplication_token = DEFAULT' });
  } else {
    t.diagnostic('bare chdb/connection no longer leaks settings: the scoped connection may be dropped');
  }
});

test('the batch writer on 26.x: duplicates dropped, bad rows isolated and rejected alone, the rest inserted once', async () => {
  const database = await freshDatabase();
  const options = { sink: new ClickHouseTradeSink(session.client(), database), retry: insertRetryPolicy({ attempts: 2, baseDelayMs: 10, maxDelayMs: 20 }), log };
  // As the sink pipeline writes a batch: deduplicated and sorted, then inserted with bad rows isolated.
  const writer = {
    async write(rows: TradeRow[]) {
      const { unique, duplicates } = prepareBatch(rows);
      const outcome = await insertBatch(unique, options);
      assert.deepEqual(outcome.unavailable, [], 'chDB is always available');
      return { ...outcome, duplicates };
    },
  };
  const good = Array.from({ length: 18 }, () => makeTradeRow(makeTrade()));
  const bad = [makeTradeRow(makeTrade({ side: 'hold' })), makeTradeRow(makeTrade({ trade_id: 'not-a-uuid' }))];
  const result = await writer.write([...good.slice(0, 9), bad[0]!, ...good.slice(9), bad[1]!, good[0]!]);
  assert.equal(result.duplicates, 1);
  assert.equal(result.inserted, 18);
  assert.deepEqual(result.rejected.map((r) => [r.row.trade.trade_id, r.code]).sort(), bad.map((r) => [r.trade.trade_id, 'CLICKHOUSE_BAD_DATA']).sort());
  assert.equal(await countPhysicalRows(client, database), 18);
  // Redelivered whole: the first write went in as isolated parts (other tokens), so this one is a
  // second physical copy, which FINAL collapses; a second redelivery is then dropped by its token.
  await writer.write(good);
  await writer.write(good);
  assert.equal(await countTrades(client, database), 18);
  assert.equal(await countPhysicalRows(client, database), 36);
});

test('orders: rows insert, FINAL keeps the best version, completeAmong reads them back', async () => {
  const database = await freshDatabase();
  const orders = new ClickHouseOrderSink([session.client()], database);
  const base = { account: 'ACC-1', symbol: 'AAPL', side: 'buy', venue: 'XNAS', orderQty: '100', notional: '22712.5', vwap: '227.125', firstTsNs: '1763776000000000001', lastTsNs: '1763776000000000009' } as const;
  await orders.insert([
    { ...base, orderId: 'ORD-42', filledQty: '60', fillCount: 2, status: 'incomplete', version: orderVersion(false, 2) },
    { ...base, orderId: 'ORD-43', filledQty: '100', fillCount: 1, status: 'filled', version: orderVersion(true, 1) },
  ]);
  await orders.insert([{ ...base, orderId: 'ORD-42', filledQty: '100', fillCount: 3, status: 'filled', version: orderVersion(true, 3) }]);
  const rows = await queryText(client, `SELECT order_id, toString(filled_qty), status, fill_count FROM ${database}.orders FINAL ORDER BY order_id`);
  assert.deepEqual(rows, [['ORD-42', '100', 'filled', '3'], ['ORD-43', '100', 'filled', '1']]);
  const done = await orders.completeAmong(['ACC-1|ORD-42', 'ACC-1|ORD-43', 'ACC-1|ORD-44']);
  assert.deepEqual([...done].sort(), ['ACC-1|ORD-42', 'ACC-1|ORD-43']);
});

test('writer-schema probe on 26.x: columns found after migrate; a missing table is CLICKHOUSE_SCHEMA_MISMATCH', async () => {
  const database = await freshDatabase();
  assert.equal(await canReadMigrations(client, database), true);
  await assertWriterColumns(client, database);
  await assert.rejects(assertWriterColumns(client, `ts_chdb_missing_${randomBytes(3).toString('hex')}`), (err: Error & { code?: string }) => err.code === 'CLICKHOUSE_SCHEMA_MISMATCH' && /does not exist: run `trade-sync migrate`/.test(err.message));
  const empty = `ts_chdb_${randomBytes(4).toString('hex')}`;
  await client.command({ query: `CREATE DATABASE ${empty}` });
  await assert.rejects(assertWriterColumns(client, empty), /trades does not exist/);
  await assert.rejects(assertSchemaVersion(client, empty), (err: Error & { code?: string }) => err.code === 'CLICKHOUSE_SCHEMA_MISMATCH');
});

/** The error a failing statement throws on 26.x. */
async function errorOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  assert.fail('the statement was expected to fail');
}

test('classify-insert-error on real 26.x errors: bad rows are bad_data, a bad query is fatal, a missing table is transient', async () => {
  const database = await freshDatabase();
  const insertText = (body: string) => () =>
    client.insert({ table: `${database}.trades`, columns: INSERT_COLUMNS as [string, ...string[]], format: 'TabSeparated', values: Readable.from([body], { objectMode: false }) });
  const good = buildInsertBody([makeTradeRow(makeTrade())]);
  const fields = good.replace(/\n$/, '').split('\t');
  const withField = (i: number, value: string) => `${fields.map((f, j) => (j === i ? value : f)).join('\t')}\n`;
  const cases: { name: string; run: () => Promise<unknown>; kind: string; codes: number[] }[] = [
    { name: 'not a UUID', run: insertText(withField(1, 'not-a-uuid')), kind: 'bad_data', codes: [6, 27, 38, 376] },
    { name: 'bad side enum', run: insertText(withField(5, 'hold')), kind: 'bad_data', codes: [27, 36, 691] },
    { name: 'a price that is not a number', run: insertText(withField(6, 'abc')), kind: 'bad_data', codes: [6, 27, 69, 72] },
    { name: 'too few fields', run: insertText(`${fields.slice(0, 5).join('\t')}\n`), kind: 'bad_data', codes: [27, 117] },
    { name: 'syntax error', run: () => client.command({ query: 'INSRT INTO nowhere' }), kind: 'fatal', codes: [62] },
    { name: 'unknown table', run: () => client.insert({ table: `${database}.nope`, values: [{ a: 1 }], format: 'JSONEachRow' }), kind: 'transient', codes: [60] },
  ];
  for (const c of cases) {
    const err = await errorOf(c.run);
    const classified = classifyInsertError(err);
    assert.ok(classified.serverCode !== undefined && c.codes.includes(classified.serverCode), `${c.name}: code ${classified.serverCode} (${(err as Error).message.slice(0, 160)})`);
    assert.equal(classified.kind, c.kind, `${c.name}: code ${classified.serverCode}`);
  }
  assert.equal(await countPhysicalRows(client, database), 0, 'nothing of the bad rows was stored');
});

test('deploy/clickhouse/writer-grants.sql: every statement parses on 26.x (chDB keeps no users, so it is not run)', async () => {
  const sql = readFileSync(new URL('../../deploy/clickhouse/writer-grants.sql', import.meta.url), 'utf8');
  const statements = sql.split('\n').filter((l) => !l.startsWith('--')).join('\n').split(';').map((s) => s.trim()).filter((s) => s !== '');
  assert.equal(statements.length, 5);
  for (const statement of statements) {
    const [[formatted = ''] = []] = await queryText(client, `SELECT formatQuerySingleLine('${statement.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}')`);
    assert.match(formatted, /^(CREATE USER IF NOT EXISTS|GRANT) /, statement);
  }
  const broken = await errorOf(() => queryText(client, "SELECT formatQuerySingleLine('GRANT INSERT ON trade_sync.trades TOO trade_sync_writer')"));
  assert.equal(classifyInsertError(broken).serverCode, 62, 'a typo in a grant would be caught');
});

test('the ON CLUSTER migrations (replicated local tables, Distributed reads, schema_migrations) parse on 26.x (chDB has no Keeper to run them)', async () => {
  const statements: string[] = [];
  const features = await detectServerFeatures(client);
  for (const migration of MIGRATIONS) {
    await migration.up({ database: 'trade_sync', features, cluster: 'trade_sync', run: async (sql) => void statements.push(sql), columnExists: async () => false });
  }
  statements.push(`CREATE TABLE IF NOT EXISTS trade_sync.schema_migrations ON CLUSTER trade_sync (version UInt32) ENGINE = ${clusterWideEngine('trade_sync', 'trade_sync', 'schema_migrations', 'MergeTree')} ORDER BY version`);
  assert.ok(statements.some((s) => /ENGINE = ReplicatedReplacingMergeTree\('\/clickhouse\/tables\/trade_sync\/\{shard\}\/trade_sync\/trades_local', '\{replica\}'\)/.test(s)), 'a replicated trades_local');
  assert.ok(statements.some((s) => /ENGINE = Distributed\(trade_sync, trade_sync, orders_local\)/.test(s)), 'a Distributed orders');
  for (const statement of statements) {
    const [[formatted = ''] = []] = await queryText(client, `SELECT formatQuerySingleLine('${statement.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}')`);
    assert.match(formatted, /^(CREATE TABLE IF NOT EXISTS|ALTER TABLE|DROP TABLE IF EXISTS) trade_sync\.\w+ ON CLUSTER trade_sync/, statement);
  }
});
