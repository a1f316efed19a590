import type { ClickHouseClient } from '@clickhouse/client';
import { SchemaMismatchError } from '../../errors/index.js';
import { SCHEMA_VERSION } from './migrations.js';

/** The highest applied migration, or 0 when the database or the migrations table is missing. */
export async function readSchemaVersion(client: ClickHouseClient, database: string): Promise<number> {
  const check = await client.query({
    query: `SELECT count() AS n FROM system.tables WHERE database = '${database}' AND name = 'schema_migrations'`,
    format: 'JSONEachRow',
  });
  const [present] = await check.json<{ n: string | number }>();
  if (Number(present?.n ?? 0) === 0) return 0;
  const result = await client.query({ query: `SELECT max(version) AS v FROM ${database}.schema_migrations`, format: 'JSONEachRow' });
  const [row] = await result.json<{ v: string | number }>();
  return Number(row?.v ?? 0);
}

/** Refuses to run against a schema this code was not written for, with a message saying what to do. */
export async function assertSchemaVersion(client: ClickHouseClient, database: string, expected = SCHEMA_VERSION): Promise<void> {
  const found = await readSchemaVersion(client, database);
  if (found !== expected) throw new SchemaMismatchError(database, found, expected);
}
