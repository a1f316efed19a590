import type { ClickHouseClient } from '@clickhouse/client';
import type { Config } from '../../src/config/index.js';
import { createClickHouseClient } from '../../src/sinks/clickhouse/create-clickhouse-client.js';
import { migrate } from '../../src/sinks/clickhouse/migrator.js';
import { createLogger } from '../../src/logger.js';

/** Runs a query and returns its rows as arrays of exact text fields (TabSeparated, no float parsing). */
export async function queryText(client: ClickHouseClient, query: string): Promise<string[][]> {
  const result = await client.query({ query, format: 'TabSeparated' });
  const text = await result.text();
  return text === '' ? [] : text.replace(/\n$/, '').split('\n').map((line) => line.split('\t'));
}

/** count() of the trades table with FINAL (distinct trades). */
export async function countTrades(client: ClickHouseClient, database: string): Promise<number> {
  const [[n] = ['0']] = await queryText(client, `SELECT count() FROM ${database}.trades FINAL`);
  return Number(n);
}

/** count() without FINAL: physical rows, duplicates included until merged. */
export async function countPhysicalRows(client: ClickHouseClient, database: string): Promise<number> {
  const [[n] = ['0']] = await queryText(client, `SELECT count() FROM ${database}.trades`);
  return Number(n);
}

/** A migrated, empty database for this test; `drop` removes it. */
export async function migratedDatabase(config: Config): Promise<{ client: ClickHouseClient; drop: () => Promise<void> }> {
  const client = createClickHouseClient(config, 'admin');
  await migrate(client, config.clickhouse.database, createLogger('silent'));
  return {
    client,
    drop: async () => {
      await client.command({ query: `DROP DATABASE IF EXISTS ${config.clickhouse.database}` });
      await client.close();
    },
  };
}
