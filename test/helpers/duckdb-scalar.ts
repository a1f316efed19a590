import { DuckDBInstance } from '@duckdb/node-api';

/** The first value of `sql` on a DuckDB file no process holds (a closed spill file), as a number. */
export async function duckdbScalar(path: string, sql: string): Promise<number> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    return Number((await connection.runAndReadAll(sql)).getRowsJS()[0]?.[0] ?? Number.NaN);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
