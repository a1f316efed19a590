import { firstLine } from '../errors/first-line.js';

/** DuckDB says another process holds the file's lock. */
export function isLockConflict(err: unknown): boolean {
  return /Could not set lock|Conflicting lock/i.test(err instanceof Error ? err.message : String(err));
}

/** A spill file that could not be opened or read back consistently (quarantined, never skipped silently). */
export class SpillCorruptError extends Error {
  constructor(path: string, cause: unknown) {
    super(`spill file ${path} failed its integrity check: ${firstLine(cause)}`, { cause });
    this.name = 'SpillCorruptError';
  }
}

/** A spill file written by a newer release (its schema version is above what this code reads). */
export class SpillSchemaError extends Error {
  constructor(path: string, found: number, known: number) {
    super(`spill file ${path} is at spill schema version ${found}; this worker reads up to ${known}: upgrade the worker (the file is left untouched)`);
    this.name = 'SpillSchemaError';
  }
}
