import { accessSync, constants, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { SpillError } from '../errors/index.js';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '../lifecycle/process-alive.js';

const OWNED = /^spill-(.+)-(\d+)\.duckdb$/;

/** One spill file in the directory and who owns it. */
export interface SpillFileEntry {
  readonly path: string;
  readonly name: string;
  /** Host and pid from the name; undefined for files no process owns (e.g. restored backups). */
  readonly owner: { readonly host: string; readonly pid: number } | undefined;
}

/**
 * The spill directory (mode 0700): one `spill-<host>-<pid>.duckdb` per worker process, so
 * processes never share a DuckDB file; files of dead processes on this host, and restored
 * backups, are orphans for a live process to adopt and drain.
 */
export class SpillDirectory {
  readonly dir: string;
  readonly host: string;

  constructor(dir: string, host = hostname()) {
    this.dir = dir;
    this.host = host.replace(/[^A-Za-z0-9_.]/g, '_');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /** Throws SPILL_WRITE_FAILED unless this process may create files here (checked at start, not during an outage). */
  assertWritable(): void {
    try {
      accessSync(this.dir, constants.W_OK);
    } catch (err) {
      throw new SpillError('SPILL_WRITE_FAILED', `spill directory ${this.dir} is not writable: ${(err as Error).message}`, err);
    }
  }

  /** The file this process writes. */
  ownPath(pid = process.pid): string {
    return join(this.dir, `spill-${this.host}-${pid}.duckdb`);
  }

  /** A fresh file name for rows that belong to no process (restores). */
  unownedPath(label: string): string {
    return join(this.dir, `orphan-${label}-${Date.now()}.duckdb`);
  }

  list(): SpillFileEntry[] {
    return readdirSync(this.dir)
      .filter((name) => name.endsWith('.duckdb'))
      .sort()
      .map((name) => {
        const match = OWNED.exec(name);
        return { path: join(this.dir, name), name, owner: match ? { host: match[1] as string, pid: Number(match[2]) } : undefined };
      });
  }

  /** Files no live process on this host owns (this process's own file excluded). */
  orphans(): SpillFileEntry[] {
    return this.list().filter((e) => e.owner === undefined || (e.owner.host === this.host && e.owner.pid !== process.pid && !processAlive(e.owner.pid)));
  }

  /** Moves a file that failed its integrity check aside, so it is kept for inspection but never read again. */
  quarantine(path: string): string {
    const target = `${path}.corrupt-${Date.now()}`;
    renameSync(path, target);
    try {
      renameSync(`${path}.wal`, `${target}.wal`);
    } catch {
      // no WAL
    }
    return target;
  }

  /** Deletes a drained file and its WAL. */
  remove(path: string): void {
    rmSync(path, { force: true });
    rmSync(`${path}.wal`, { force: true });
  }
}
