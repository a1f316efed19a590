import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { createLogger } from '../../src/logger.js';
import { DuckDbSpillFile } from '../../src/spill/duckdb-spill-file.js';
import { onCleanup } from './on-cleanup.js';

/** A spill file in a temp dir of its own, closed and removed after the test. */
export function tempSpillFile(t: TestContext): { file: DuckDbSpillFile; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'trade-sync-spill-file-'));
  onCleanup(t, () => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'spill.duckdb');
  const file = new DuckDbSpillFile(path, createLogger('silent'));
  onCleanup(t, () => file.close());
  return { file, path };
}
