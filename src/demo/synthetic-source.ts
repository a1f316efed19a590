import { createReadStream } from 'node:fs';
import type { ClickHouseClient } from '@clickhouse/client';
import type { DuckDBConnection } from '@duckdb/node-api';
import { INSERT_COLUMNS } from '../sinks/clickhouse/build-insert-body.js';

/** Shape of a synthetic engine store: `count` trades spread evenly over [fromNs, fromNs + spanNs). */
export interface SyntheticSourceOptions {
  readonly count: number;
  readonly fromNs: bigint;
  readonly spanNs: bigint;
}

const SYMBOLS = "['AAPL', 'MSFT', 'NVDA', 'TSLA', 'AMZN']";
const VENUES = "['XNAS', 'XNYS', 'BATS']";

/**
 * Writes the engine's own store for reconciliation demos, tests and the bench: a DuckDB table
 * `trades` with our column names, valid trades (random v4 trade ids), decimals as text with
 * trailing zeros ('227.1250') as an engine may keep them. Built by DuckDB, not in JS.
 */
export async function writeSyntheticTrades(c: DuckDBConnection, table: string, options: SyntheticSourceOptions): Promise<void> {
  const step = options.spanNs / BigInt(Math.max(1, options.count));
  await c.run(`CREATE TABLE ${table} AS SELECT
      gen_random_uuid()::VARCHAR AS trade_id, 'ORD-' || i AS order_id, 1::INTEGER AS fill_seq,
      ${SYMBOLS}[i % 5 + 1] AS symbol, CASE WHEN i % 2 = 0 THEN 'buy' ELSE 'sell' END AS side,
      printf('%d.%04d', 100 + i % 300, (i * 7) % 10000) AS price, printf('%d.50', 1 + i % 40) AS qty,
      printf('%d.50', 1 + i % 40) AS order_qty, printf('%d.50', 1 + i % 40) AS cum_qty, 'filled' AS order_status,
      (${options.fromNs} + i * ${step})::UBIGINT AS ts_ns, ${VENUES}[i % 3 + 1] AS venue, 'ACC-' || (i % 4) AS account
    FROM range(${Math.floor(options.count)}) t(i)`);
}

/**
 * Loads a DuckDB table of trades (as written above) into ClickHouse the way the sink writes
 * them: DuckDB writes the TabSeparated body to `tsvPath`, which is streamed as one INSERT.
 */
export async function loadTradesIntoClickHouse(c: DuckDBConnection, table: string, client: ClickHouseClient, database: string, tsvPath: string): Promise<void> {
  await c.run(`COPY (SELECT 1, trade_id, order_id, fill_seq, symbol, side, price, qty, order_qty, cum_qty, order_status, ts_ns, venue, account,
      'k1', NULL, NULL FROM ${table}) TO '${tsvPath.replace(/'/g, "''")}' (FORMAT csv, DELIMITER '\t', HEADER false, NULLSTR '\\N')`);
  await client.insert({
    table: `${database}.trades`,
    columns: INSERT_COLUMNS as [string, ...string[]],
    format: 'TabSeparated',
    values: createReadStream(tsvPath),
  });
}
