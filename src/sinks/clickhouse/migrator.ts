import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from '../../logger.js';
import { MIGRATIONS, type Migration } from './migrations.js';
import { readSchemaVersion } from './schema-version.js';
import { detectServerFeatures } from './server-features.js';

export interface MigrationResult {
  readonly from: number;
  readonly to: number;
  readonly applied: readonly string[];
  readonly serverVersion: string;
}

/**
 * Brings `database` up to the newest migration with admin credentials. Idempotent: applied
 * versions are recorded in `schema_migrations` and every statement uses IF NOT EXISTS.
 */
export async function migrate(
  admin: ClickHouseClient,
  database: string,
  log: Logger,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrationResult> {
  const features = await detectServerFeatures(admin);
  await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
  await admin.command({
    query: `CREATE TABLE IF NOT EXISTS ${database}.schema_migrations (
      version UInt32, name String, applied_at DateTime DEFAULT now()
    ) ENGINE = MergeTree ORDER BY version`,
  });
  const from = await readSchemaVersion(admin, database);
  const applied: string[] = [];
  for (const migration of migrations) {
    if (migration.version <= from) continue;
    for (const statement of migration.up(database, features)) await admin.command({ query: statement });
    await admin.insert({
      table: `${database}.schema_migrations`,
      values: [{ version: migration.version, name: migration.name }],
      format: 'JSONEachRow',
    });
    applied.push(`${migration.version}_${migration.name}`);
    log.info({ version: migration.version, name: migration.name }, 'migration applied');
  }
  return { from, to: Math.max(from, ...migrations.map((m) => m.version)), applied, serverVersion: features.version };
}
