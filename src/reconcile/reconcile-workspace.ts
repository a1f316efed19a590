import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/**
 * A scratch DuckDB database for one reconcile run, in a private temp dir: bucket aggregates,
 * the ClickHouse rows of mismatching buckets and the differences live there, never in JS.
 * `memory_limit` bounds DuckDB's memory; past it DuckDB spills into the same dir. Two
 * connections: one may stream a result while the other writes.
 */
export class ReconcileWorkspace {
  readonly dir: string;
  readonly #instance: DuckDBInstance;
  readonly main: DuckDBConnection;
  readonly side: DuckDBConnection;

  private constructor(dir: string, instance: DuckDBInstance, main: DuckDBConnection, side: DuckDBConnection) {
    this.dir = dir;
    this.#instance = instance;
    this.main = main;
    this.side = side;
  }

  static async open(memoryMb: number): Promise<ReconcileWorkspace> {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const dir = mkdtempSync(join(tmpdir(), 'trade-sync-reconcile-'));
    try {
      const instance = await DuckDBInstance.create(join(dir, 'work.duckdb'), {
        memory_limit: `${memoryMb}MB`,
        temp_directory: join(dir, 'spill'),
        preserve_insertion_order: 'false',
        threads: '2',
      });
      const main = await instance.connect();
      const side = await instance.connect();
      return new ReconcileWorkspace(dir, instance, main, side);
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Closes DuckDB and removes the temp dir; safe to call twice. */
  close(): void {
    try {
      this.main.interrupt(); // a query or stream still open would keep closeSync (and the process) waiting
      this.side.interrupt();
      this.main.closeSync();
      this.side.closeSync();
      this.#instance.closeSync();
    } catch {
      // already closed
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
