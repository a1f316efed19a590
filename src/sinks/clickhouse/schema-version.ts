import type { ClickHouseClient } from '@clickhouse/client';
import { SchemaMismatchError } from '../../errors/index.js';
import { SCHEMA_VERSION } from './migrations.js';
import { assertWriterColumns, canReadMigrations } from './writer-schema-probe.js';

export interface SchemaState {
  /** Highest applied migration, 0 when the database or the migrations table is missing. */
  readonly version: number;
  /** Oldest code schema version that can run against it. */
  readonly compatibleFrom: number;
}

/** Reads the applied schema version and its compatibility floor. */
export async function readSchemaState(client: ClickHouseClient, database: string): Promise<SchemaState> {
  const check = await client.query({
    query: `SELECT count() AS n FROM system.tables WHERE database = '${database}' AND name = 'schema_migrations'`,
    format: 'JSONEachRow',
  });
  if (Number((await check.json<{ n: string | number }>())[0]?.n ?? 0) === 0) return { version: 0, compatibleFrom: 0 };
  const result = await client.query({
    query: `SELECT version AS v, compatible_from AS c FROM ${database}.schema_migrations ORDER BY version DESC LIMIT 1`,
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ v: string | number; c: string | number }>();
  return { version: Number(row?.v ?? 0), compatibleFrom: Number(row?.c ?? 0) };
}

/** The highest applied migration (0 when none). */
export async function readSchemaVersion(client: ClickHouseClient, database: string): Promise<number> {
  return (await readSchemaState(client, database)).version;
}

/**
 * Refuses a schema this code cannot run against, with a message saying what to do: older than
 * the code needs → migrate; newer and not declared compatible with this code → upgrade it.
 */
export async function assertSchemaVersion(client: ClickHouseClient, database: string, expected = SCHEMA_VERSION, table = 'trades'): Promise<void> {
  // An INSERT-only writer (ClickHouse RBAC, deploy/clickhouse/writer-grants.sql) cannot read schema_migrations: check the columns of the table it inserts into instead.
  if (!(await canReadMigrations(client, database))) return assertWriterColumns(client, database, table);
  const { version, compatibleFrom } = await readSchemaState(client, database);
  const ok = version === expected || (version > expected && compatibleFrom <= expected);
  if (!ok) throw new SchemaMismatchError(database, version, expected);
}
