import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from '../../logger.js';
import { clusterWideEngine, onCluster } from './cluster-ddl.js';
import { MIGRATIONS, type Migration, type MigrationContext } from './migrations.js';
import { readSchemaState } from './schema-version.js';
import { detectServerFeatures } from './server-features.js';

export interface MigrationResult {
  readonly from: number;
  readonly to: number;
  readonly applied: readonly string[];
  readonly serverVersion: string;
}

async function columnExists(admin: ClickHouseClient, database: string, table: string, column: string): Promise<boolean> {
  // Identifiers come from validated config and from migration code, never from input.
  const result = await admin.query({
    query: `SELECT count() AS n FROM system.columns WHERE database = '${database}' AND table = '${table}' AND name = '${column}'`,
    format: 'JSONEachRow',
  });
  return Number((await result.json<{ n: string }>())[0]?.n ?? 0) > 0;
}

export interface MigrateOptions {
  /** @defaultValue MIGRATIONS */
  readonly migrations?: readonly Migration[];
  /** TRADE_SYNC_CLICKHOUSE_CLUSTER: run every statement ON CLUSTER, with replicated and Distributed tables. */
  readonly cluster?: string | undefined;
}

/**
 * Brings `database` up to the newest migration with admin credentials. Idempotent: applied
 * versions are recorded in `schema_migrations` (with the oldest compatible code version) and
 * every step checks before it changes anything. On a cluster, schema_migrations is one
 * replicated table held in full by every node (clusterWideEngine), so the version recorded
 * through this node is the version every node reads.
 */
export async function migrate(admin: ClickHouseClient, database: string, log: Logger, options: MigrateOptions = {}): Promise<MigrationResult> {
  const { migrations = MIGRATIONS, cluster } = options;
  const features = await detectServerFeatures(admin);
  const run = async (query: string) => {
    await admin.command({ query });
  };
  const engine = cluster === undefined ? 'MergeTree' : clusterWideEngine(cluster, database, 'schema_migrations', 'MergeTree');
  await run(`CREATE DATABASE IF NOT EXISTS ${database}${onCluster(cluster)}`);
  await run(`CREATE TABLE IF NOT EXISTS ${database}.schema_migrations${onCluster(cluster)} (
      version UInt32, name String, compatible_from UInt32 DEFAULT version, applied_at DateTime DEFAULT now()
    ) ENGINE = ${engine} ORDER BY version`);
  const ctx: MigrationContext = { database, features, cluster, run, columnExists: (table, column) => columnExists(admin, database, table, column) };
  if (!(await ctx.columnExists('schema_migrations', 'compatible_from'))) {
    await run(`ALTER TABLE ${database}.schema_migrations${onCluster(cluster)} ADD COLUMN compatible_from UInt32 DEFAULT version`);
  }
  const from = (await readSchemaState(admin, database)).version;
  const applied: string[] = [];
  for (const migration of migrations) {
    if (migration.version <= from) continue;
    await migration.up(ctx);
    await admin.insert({
      table: `${database}.schema_migrations`,
      values: [{ version: migration.version, name: migration.name, compatible_from: migration.compatibleFrom }],
      format: 'JSONEachRow',
    });
    applied.push(`${migration.version}_${migration.name}`);
    log.info({ version: migration.version, name: migration.name }, 'migration applied');
  }
  return { from, to: Math.max(from, ...migrations.map((m) => m.version)), applied, serverVersion: features.version };
}
