import type { ClickHouseClient } from '@clickhouse/client';
import { TradeSyncError } from '../../errors/index.js';
import { INSERT_COLUMNS } from './build-insert-body.js';
import { serverCodeOf } from './classify-insert-error.js';

const ACCESS_DENIED = 497;
const UNKNOWN_TABLE = 60;
const UNKNOWN_DATABASE = 81;

/**
 * Whether this user may read `<database>.schema_migrations`. False only when the server denies
 * it (ACCESS_DENIED): an INSERT-only writer on a ClickHouse with RBAC. A missing table is "true"
 * here, so the ordinary version check reports it.
 */
export async function canReadMigrations(client: ClickHouseClient, database: string): Promise<boolean> {
  try {
    const result = await client.query({ query: `SELECT version FROM ${database}.schema_migrations LIMIT 0`, format: 'JSONEachRow' });
    await result.json();
    return true;
  } catch (err) {
    if (serverCodeOf(err) === ACCESS_DENIED) return false;
    return true;
  }
}

/**
 * The start-up check of a writer that may only INSERT: `DESCRIBE TABLE <database>.<table>` (trades, or trades_local on a cluster; which
 * an INSERT grant allows) must list every column the sink inserts. Throws
 * CLICKHOUSE_SCHEMA_MISMATCH saying what to run when the table or a column is missing.
 */
export async function assertWriterColumns(client: ClickHouseClient, database: string, table = 'trades'): Promise<void> {
  let columns: Set<string>;
  try {
    const result = await client.query({ query: `DESCRIBE TABLE ${database}.${table}`, format: 'JSONEachRow' });
    columns = new Set((await result.json<{ name: string }>()).map((c) => c.name));
  } catch (err) {
    const code = serverCodeOf(err);
    if (code !== UNKNOWN_TABLE && code !== UNKNOWN_DATABASE) throw err;
    throw new TradeSyncError('CLICKHOUSE_SCHEMA_MISMATCH', `ClickHouse table ${database}.${table} does not exist: run \`trade-sync migrate\` (admin credentials) and start the worker again`);
  }
  const missing = INSERT_COLUMNS.filter((c) => !columns.has(c));
  if (missing.length > 0) {
    throw new TradeSyncError(
      'CLICKHOUSE_SCHEMA_MISMATCH',
      `ClickHouse table ${database}.${table} lacks column(s) ${missing.join(', ')} that this worker inserts: run \`trade-sync migrate\` (admin credentials) and start the worker again`,
    );
  }
}
