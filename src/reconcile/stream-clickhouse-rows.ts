import type { ClickHouseClient } from '@clickhouse/client';
import { ClickHouseError } from '../errors/index.js';
import { firstLine } from '../errors/first-line.js';

/**
 * Runs a SELECT and hands its rows (JSONEachRow objects, as 18.16 has no compact form; 64-bit integers as text) to
 * `onRow` as they arrive, so a result of any size passes through in bounded memory.
 * Returns the number of rows.
 */
export async function streamClickHouseRows(client: ClickHouseClient, query: string, onRow: (row: Record<string, unknown>) => void): Promise<number> {
  let rows = 0;
  try {
    const result = await client.query({ query, format: 'JSONEachRow' });
    for await (const chunk of result.stream()) {
      for (const row of chunk as { json<T>(): T }[]) {
        onRow(row.json<Record<string, unknown>>());
        rows++;
      }
    }
  } catch (err) {
    throw new ClickHouseError('CLICKHOUSE_UNAVAILABLE', `reconcile query failed: ${firstLine(err)}`, { cause: err });
  }
  return rows;
}
