import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadTradesIntoClickHouse, writeSyntheticTrades } from '../../src/demo/synthetic-source.js';
import { quoteClickHouseString } from '../../src/reconcile/clickhouse-reconcile-sql.js';
import { clickhouseHashSql, COMPARED_FIELDS, duckdbHashSql, type ComparedField } from '../../src/reconcile/canonical-hash-sql.js';
import { migratedDatabase, queryText } from '../helpers/clickhouse-helpers.js';
import { onCleanup } from '../helpers/on-cleanup.js';
import { testConfig } from '../helpers/test-env.js';

const IDENTITY = Object.fromEntries(COMPARED_FIELDS.map((f) => [f, f])) as Record<ComparedField, string>;

test('DuckDB and ClickHouse compute the same canonical hash for every trade, decimals in any spelling', async (t) => {
  const config = testConfig();
  const db = await migratedDatabase(config);
  onCleanup(t, () => db.drop());
  const dir = mkdtempSync(join(tmpdir(), 'reconcile-hash-'));
  onCleanup(t, () => rmSync(dir, { recursive: true, force: true }));
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  onCleanup(t, () => instance.closeSync());
  await writeSyntheticTrades(c, 'trades', { count: 2_000, fromNs: 1_764_892_800_000_000_000n, spanNs: 3_600_000_000_000n });
  // Spellings an engine may store: trailing zeros, whole numbers, long fractions, a typed DECIMAL column.
  await c.run(`UPDATE trades SET price = CASE trade_id[1] WHEN 'a' THEN '227.1250' WHEN 'b' THEN '100' WHEN 'c' THEN '0.000000000001'
      WHEN 'd' THEN '123456789012345678.123456789012' WHEN 'e' THEN '100.000000000000' WHEN 'f' THEN '0100.50' ELSE price END`);
  await loadTradesIntoClickHouse(c, 'trades', db.client, config.clickhouse.database, join(dir, 'rows.tsv'));

  const duck = new Map((await c.runAndReadAll(`SELECT trade_id, ${duckdbHashSql(IDENTITY)}::VARCHAR FROM trades`)).getRowsJS().map((r) => [String(r[0]), String(r[1])]));
  await c.run('ALTER TABLE trades ALTER price TYPE DECIMAL(30, 12)');
  const typed = new Map((await c.runAndReadAll(`SELECT trade_id, ${duckdbHashSql(IDENTITY)}::VARCHAR FROM trades`)).getRowsJS().map((r) => [String(r[0]), String(r[1])]));
  const house = await queryText(db.client, `SELECT toString(trade_id), ${clickhouseHashSql()} FROM ${config.clickhouse.database}.trades FINAL`);

  assert.equal(house.length, 2_000);
  for (const [id, hash] of house) {
    assert.equal(duck.get(id ?? ''), hash, `trade ${id}: DuckDB (text decimals) and ClickHouse disagree`);
    assert.equal(typed.get(id ?? ''), hash, `trade ${id}: DuckDB (DECIMAL column) and ClickHouse disagree`);
  }
  const [id = '', hash = ''] = house[0] ?? [];
  const [[same = ''] = []] = await queryText(db.client, `SELECT ${clickhouseHashSql()} FROM ${config.clickhouse.database}.trades WHERE trade_id = toUUID('${id}')`);
  const changedPrice = clickhouseHashSql().replace(/\(price\)/g, "(price + toDecimal128('0.0001', 12))");
  const [[changed = ''] = []] = await queryText(db.client, `SELECT ${changedPrice} FROM ${config.clickhouse.database}.trades WHERE trade_id = toUUID('${id}')`);
  assert.equal(same, hash);
  assert.notEqual(changed, hash, 'a price changed by 0.0001 changes the hash');
});

test('bucket keys reach ClickHouse as quoted literals that read back unchanged, whatever they hold', async (t) => {
  const config = testConfig();
  const db = await migratedDatabase(config);
  onCleanup(t, () => db.drop());
  const nasty = ["O'Brien", 'back\\slash', "\\'; DROP TABLE x; --", 'tab\there', 'new\nline', '\\x41', '€uro', "''", '\\'];
  for (const value of nasty) {
    const result = await db.client.query({ query: `SELECT ${quoteClickHouseString(value)} AS v`, format: 'JSONEachRow' });
    assert.deepEqual(await result.json(), [{ v: value }], JSON.stringify(value));
  }
});
