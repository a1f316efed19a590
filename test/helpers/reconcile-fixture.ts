import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadTradesIntoClickHouse, writeSyntheticTrades } from '../../src/demo/synthetic-source.js';

/** The source file and what was done to ClickHouse's copy of it. */
export interface ReconcileFixture {
  readonly dir: string;
  /** DuckDB file with table `trades` (the engine's store). */
  readonly sourcePath: string;
  readonly fromNs: bigint;
  readonly toNs: bigint;
  /** In the source, never loaded into ClickHouse. */
  readonly missing: readonly string[];
  /** Loaded with a changed price. */
  readonly different: readonly string[];
  /** Only in ClickHouse: one in an existing bucket, one in an account the source never had. */
  readonly extra: readonly string[];
  cleanup(): void;
}

const ids = async (c: Awaited<ReturnType<DuckDBInstance['connect']>>, sql: string) => (await c.runAndReadAll(sql)).getRowsJS().map((r) => String(r[0]));

/**
 * `count` trades over two hours in a DuckDB file; ClickHouse gets all but 3 of them, one with a
 * changed price, and 2 trades the source does not have.
 */
export async function buildReconcileFixture(client: ClickHouseClient, database: string, count: number): Promise<ReconcileFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'trade-sync-reconcile-test-'));
  const sourcePath = join(dir, 'engine.duckdb');
  const fromNs = BigInt(Date.parse('2026-12-01T00:00:00Z')) * 1_000_000n;
  const toNs = fromNs + 7_200_000_000_000n;
  const instance = await DuckDBInstance.create(sourcePath);
  const c = await instance.connect();
  try {
    await writeSyntheticTrades(c, 'trades', { count, fromNs, spanNs: toNs - fromNs });
    const missing = await ids(c, 'SELECT trade_id FROM trades ORDER BY ts_ns LIMIT 3 OFFSET 1000');
    const different = await ids(c, `SELECT trade_id FROM trades ORDER BY ts_ns LIMIT 1 OFFSET ${Math.floor(count / 2)}`);
    await c.run(`CREATE TEMP TABLE to_clickhouse AS SELECT * FROM trades WHERE trade_id NOT IN (${missing.map((id) => `'${id}'`).join(', ')})`);
    await c.run(`UPDATE to_clickhouse SET price = price || '1' WHERE trade_id = '${different[0]}'`);
    await c.run(`INSERT INTO to_clickhouse SELECT * REPLACE (gen_random_uuid()::VARCHAR AS trade_id) FROM trades ORDER BY ts_ns LIMIT 1 OFFSET 5000`);
    await c.run(`INSERT INTO to_clickhouse SELECT * REPLACE (gen_random_uuid()::VARCHAR AS trade_id, 'ACC-X' AS account) FROM trades ORDER BY ts_ns LIMIT 1 OFFSET 7000`);
    const extra = await ids(c, 'SELECT trade_id FROM to_clickhouse ANTI JOIN trades USING (trade_id) ORDER BY trade_id');
    await loadTradesIntoClickHouse(c, 'to_clickhouse', client, database, join(dir, 'to-clickhouse.tsv'));
    return { dir, sourcePath, fromNs, toNs, missing, different, extra, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

/** Writes the source's trades as Parquet and CSV files with an engine's own column names, and its trade ids one a line. */
export async function exportRenamed(fixture: ReconcileFixture): Promise<{ parquet: string; csv: string; ids: string; map: string }> {
  const parquet = join(fixture.dir, 'engine.parquet');
  const csv = join(fixture.dir, 'engine.csv');
  const ids = join(fixture.dir, 'ids.txt');
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  try {
    await c.run(`ATTACH '${fixture.sourcePath}' AS src (READ_ONLY)`);
    const select = `SELECT trade_id AS fill_id, order_id, fill_seq, symbol, side, CAST(price AS DECIMAL(18, 4)) AS px, qty, order_qty, cum_qty,
      order_status, ts_ns AS exec_ts_ns, venue AS mic, account FROM src.trades`;
    await c.run(`COPY (${select}) TO '${parquet}' (FORMAT parquet)`);
    await c.run(`COPY (${select}) TO '${csv}' (FORMAT csv, HEADER true)`);
    await c.run(`COPY (SELECT upper(trade_id) FROM src.trades) TO '${ids}' (FORMAT csv, HEADER false)`);
  } finally {
    c.closeSync();
    instance.closeSync();
  }
  return { parquet, csv, ids, map: 'trade_id=fill_id,price=px,ts_ns=exec_ts_ns,venue=mic' };
}
