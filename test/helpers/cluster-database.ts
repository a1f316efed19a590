import type { ClickHouseClient } from '@clickhouse/client';
import type { TestContext } from 'node:test';
import type { Config } from '../../src/config/index.js';
import { createLogger } from '../../src/logger.js';
import { createClickHouseClient } from '../../src/sinks/clickhouse/create-clickhouse-client.js';
import { migrate, type MigrationResult } from '../../src/sinks/clickhouse/migrator.js';
import { queryText } from './clickhouse-helpers.js';
import { onCleanup } from './on-cleanup.js';

/** An admin client per configured node (config.clickhouse.urls order), closed by the test's cleanup. */
export function clusterClients(t: TestContext, config: Config): ClickHouseClient[] {
  const clients = config.clickhouse.urls.map((url) => createClickHouseClient(config, 'admin', url));
  onCleanup(t, () => Promise.all(clients.map((c) => c.close())));
  return clients;
}

/** Migrates config's database ON CLUSTER through the first node; the cleanup drops it ON CLUSTER. */
export async function migrateCluster(t: TestContext, config: Config, admin: ClickHouseClient): Promise<MigrationResult> {
  const { database, cluster } = config.clickhouse;
  onCleanup(t, () => admin.command({ query: `DROP DATABASE IF EXISTS ${database} ON CLUSTER ${cluster}` }).catch(() => undefined));
  return migrate(admin, database, createLogger('silent'), { cluster });
}

/** Physical rows in one replica's local trades table now (no sync: it may lag its shard). */
export async function localRowCount(client: ClickHouseClient, database: string): Promise<number> {
  const [[n] = ['0']] = await queryText(client, `SELECT count() FROM ${database}.trades_local`);
  return Number(n);
}

/**
 * One replica's local trades after `SYSTEM SYNC REPLICA` (it has fetched every part its shard
 * logged): rows FINAL, an order-independent checksum of them, and their distinct symbols.
 */
export async function localTrades(client: ClickHouseClient, database: string): Promise<{ rows: number; checksum: string; symbols: string[] }> {
  await client.command({ query: `SYSTEM SYNC REPLICA ${database}.trades_local` });
  const [[rows = '0', checksum = ''] = []] = await queryText(
    client,
    `SELECT count(), toString(groupBitXor(cityHash64(toString(trade_id), ts_ns, toString(price), toString(qty), symbol))) FROM ${database}.trades_local FINAL`,
  );
  const symbols = (await queryText(client, `SELECT DISTINCT symbol FROM ${database}.trades_local ORDER BY symbol`)).map((r) => r[0] as string);
  return { rows: Number(rows), checksum, symbols };
}
