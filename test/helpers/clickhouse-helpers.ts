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

/** Waits until `published` trades are in ClickHouse, then checks each is there once: count() FINAL and count(DISTINCT trade_id). */
export async function assertEachTradeOnce(client: ClickHouseClient, database: string, published: number, context: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + 90_000;
  let n = await countTrades(client, database);
  while (n < published) {
    if (Date.now() > deadline) throw new Error(`only ${n} of ${published} trades in ClickHouse after 90 s ${context().slice(-2_000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    n = await countTrades(client, database);
  }
  const [[final, distinct] = []] = await queryText(client, `SELECT (SELECT count() FROM ${database}.trades FINAL), (SELECT count(DISTINCT trade_id) FROM ${database}.trades)`);
  if (Number(final) !== published || Number(distinct) !== published) {
    throw new Error(`expected ${published} trades once each: count() FINAL ${final}, count(DISTINCT trade_id) ${distinct}`);
  }
}
