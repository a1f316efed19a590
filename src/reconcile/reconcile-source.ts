import { existsSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ReconcileError } from '../errors/index.js';
import { COMPARED_FIELDS, duckdbHashSql, type ComparedField } from './canonical-hash-sql.js';
import { quoteIdentifier, resolveColumns, type ColumnMapping, type SourceField } from './column-mapping.js';
import type { ReconcileWindow } from './reconcile-window.js';
import { firstLine } from '../errors/first-line.js';

/** Where the source of truth is: the engine's DuckDB store, Parquet or CSV exports, or a plain list of trade ids. */
export type SourceFormat = 'duckdb' | 'parquet' | 'csv' | 'ids';

export interface SourceSpec {
  readonly format: SourceFormat;
  /** Files (Parquet and CSV may be several, or globs). */
  readonly paths: readonly string[];
  /** Table of a DuckDB source. @defaultValue 'trades' */
  readonly table?: string;
  readonly mapping: ColumnMapping;
}

/** What the source provides once its views exist. */
export interface OpenedSource {
  /** `trades`: full rows (compared by hash, repairable); `ids`: trade ids only (missing/extra, no hash). */
  readonly kind: 'trades' | 'ids';
  /** Optional schema-2 fields the source has (a repair re-publishes them). */
  readonly optional: readonly SourceField[];
}

/** The format a path's extension implies. */
export function sourceFormatOf(path: string): Exclude<SourceFormat, 'ids'> {
  if (/\.parquet$/i.test(path)) return 'parquet';
  if (/\.(csv|tsv|txt)(\.gz)?$/i.test(path)) return 'csv';
  return 'duckdb';
}

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

async function relationOf(c: DuckDBConnection, spec: SourceSpec): Promise<{ sql: string; what: string }> {
  for (const path of spec.paths) {
    if (!/[*?[]/.test(path) && !existsSync(path)) throw new ReconcileError('RECONCILE_SOURCE_NOT_FOUND', `source file not found: ${path}`);
  }
  const files = `[${spec.paths.map(literal).join(', ')}]`;
  const what = spec.paths.join(', ');
  try {
    if (spec.format === 'parquet') return { sql: `read_parquet(${files})`, what };
    if (spec.format === 'csv') return { sql: `read_csv(${files}, header = true, all_varchar = true)`, what };
    if (spec.format === 'ids') return { sql: `read_csv(${files}, header = false, columns = {'trade_id': 'VARCHAR'})`, what };
    await c.run(`ATTACH ${literal(spec.paths[0] ?? '')} AS src_db (READ_ONLY)`);
  } catch (err) {
    throw new ReconcileError('RECONCILE_SOURCE_INVALID', `cannot open ${what}: ${firstLine(err)}`, err);
  }
  const table = spec.table ?? 'trades';
  const tables = (await c.runAndReadAll("SELECT table_name FROM duckdb_tables() WHERE database_name = 'src_db' UNION ALL SELECT view_name FROM duckdb_views() WHERE database_name = 'src_db'")).getRowsJS().map((r) => String(r[0]));
  if (!tables.includes(table)) throw new ReconcileError('RECONCILE_SOURCE_INVALID', `${what} has no table "${table}" (it has: ${tables.join(', ') || 'none'}); pick one with --table`);
  return { sql: `src_db.main.${quoteIdentifier(table)}`, what: `${what} table ${table}` };
}

/**
 * Defines the DuckDB views a reconcile run reads, over the source restricted to the window:
 * `src(trade_id, venue, account, symbol, bucket, h)` (for an id list only `trade_id`), and
 * `src_trades` with every field as canonical text, for a repair. Column names are checked
 * against the source's own (the mapping is an allow-list); window bounds are integers.
 */
export async function defineSourceViews(c: DuckDBConnection, spec: SourceSpec, window: ReconcileWindow, bucketNs: bigint): Promise<OpenedSource> {
  const relation = await relationOf(c, spec);
  let columns: string[];
  try {
    columns = (await c.runAndReadAll(`DESCRIBE SELECT * FROM ${relation.sql}`)).getRowsJS().map((r) => String(r[0]));
  } catch (err) {
    throw new ReconcileError('RECONCILE_SOURCE_INVALID', `cannot read ${relation.what}: ${firstLine(err)}`, err);
  }
  if (spec.format === 'ids') {
    await c.run(`CREATE TEMP VIEW src AS SELECT DISTINCT lower(trim(trade_id)) AS trade_id FROM ${relation.sql} WHERE trim(trade_id) <> ''`);
    return { kind: 'ids', optional: [] };
  }
  const col = resolveColumns(spec.mapping, columns, COMPARED_FIELDS, relation.what) as Record<ComparedField, string> & Partial<Record<SourceField, string>>;
  const ts = `TRY_CAST(${col.ts_ns} AS UBIGINT)`;
  const where = `${ts} >= ${window.fromNs} AND ${ts} < ${window.toNs}`;
  await c.run(`CREATE TEMP VIEW src AS SELECT lower(CAST(${col.trade_id} AS VARCHAR)) AS trade_id,
      coalesce(CAST(${col.venue} AS VARCHAR), '') AS venue, coalesce(CAST(${col.account} AS VARCHAR), '') AS account,
      coalesce(CAST(${col.symbol} AS VARCHAR), '') AS symbol,
      ${ts} // ${bucketNs} AS bucket, ${duckdbHashSql(col)} AS h
    FROM ${relation.sql} WHERE ${where}`);
  const optional = (['fee', 'liquidity'] as const).filter((f) => col[f] !== undefined);
  const text = (f: SourceField) => `CAST(${col[f]} AS VARCHAR) AS ${f}`;
  await c.run(`CREATE TEMP VIEW src_trades AS SELECT lower(CAST(${col.trade_id} AS VARCHAR)) AS trade_id,
      ${COMPARED_FIELDS.filter((f) => f !== 'trade_id' && f !== 'fill_seq' && f !== 'ts_ns').map(text).join(', ')},
      TRY_CAST(${col.fill_seq} AS BIGINT) AS fill_seq, CAST(${ts} AS VARCHAR) AS ts_ns
      ${optional.map((f) => `, ${text(f)}`).join('')}
    FROM ${relation.sql} WHERE ${where}`);
  return { kind: 'trades', optional };
}
