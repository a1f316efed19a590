import type { ClickHouseClient } from '@clickhouse/client';

/** Rows of a query as arrays of exact text fields (TabSeparated: no float parsing). */
export async function queryText(client: ClickHouseClient, query: string): Promise<string[][]> {
  const result = await client.query({ query, format: 'TabSeparated' });
  const text = await result.text();
  return text === '' ? [] : text.replace(/\n$/, '').split('\n').map((line) => line.split('\t'));
}

async function single(client: ClickHouseClient, query: string): Promise<number> {
  const [[n] = ['0']] = await queryText(client, query);
  return Number(n);
}

/** Physical rows (cheap; duplicates counted until merged). */
export function countRows(client: ClickHouseClient, database: string): Promise<number> {
  return single(client, `SELECT count() FROM ${database}.trades`);
}

/** Distinct trades: count() with FINAL. */
export function countFinal(client: ClickHouseClient, database: string): Promise<number> {
  return single(client, `SELECT count() FROM ${database}.trades FINAL`);
}

/** Distinct trade ids (independent of FINAL and of the sort key). */
export function countDistinctIds(client: ClickHouseClient, database: string): Promise<number> {
  return single(client, `SELECT uniqExact(trade_id) FROM ${database}.trades`);
}

export async function serverVersion(client: ClickHouseClient): Promise<string> {
  const [[v = 'unknown'] = []] = await queryText(client, 'SELECT version()');
  return v;
}
