import type { DuckDBConnection } from '@duckdb/node-api';
import { SpillError } from '../errors/index.js';
import type { SpillDirectory } from './spill-directory.js';
import { isLockConflict } from './spill-errors.js';
import { SPILL_MIGRATIONS, tradesViewSql } from './spill-schema.js';
import { firstLine } from '../errors/first-line.js';

/**
 * Opens an in-memory DuckDB with every spill file of the directory attached READ_ONLY (waiting
 * out the brief holds of live writers) and a `trades` view over all of them, runs `use` with
 * the catalog names holding `spill_rows` (an empty in-memory one when there are no files).
 */
export async function withAttachedSpills<T>(
  directory: SpillDirectory,
  use: (connection: DuckDBConnection, sources: readonly string[]) => Promise<T>,
  lockWaitMs = 15_000,
): Promise<T> {
  const { DuckDBInstance } = await import('@duckdb/node-api'); // loaded on first use: a worker that never spills never maps it
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const files = directory.list().map((e) => e.path);
    const sources: string[] = [];
    for (const [i, path] of files.entries()) {
      const deadline = Date.now() + lockWaitMs;
      for (;;) {
        try {
          await connection.run(`ATTACH '${path.replace(/'/g, "''")}' AS s${i} (READ_ONLY)`);
          break;
        } catch (err) {
          if (!isLockConflict(err)) {
            throw new SpillError('SPILL_QUERY_FAILED', `cannot open spill file ${path}: ${firstLine(err)} (a worker or \`trade-sync drain\` quarantines a corrupt file)`, err);
          }
          if (Date.now() > deadline) throw err;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
      sources.push(`s${i}`);
    }
    if (sources.length === 0) {
      for (const statement of SPILL_MIGRATIONS.flatMap((m) => m.statements)) await connection.run(statement);
      sources.push('memory.main');
    }
    const withFee = await connection.runAndReadAll("SELECT database_name FROM duckdb_columns() WHERE table_name = 'spill_rows' AND column_name = 'fee'");
    const version2 = new Set(withFee.getRowsJS().map((r) => String(r[0])));
    if (version2.has('memory')) version2.add('memory.main');
    await connection.run(tradesViewSql(sources, version2));
    return await use(connection, sources);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
