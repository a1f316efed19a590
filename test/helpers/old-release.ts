import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnCli, type CliProcess } from './spawn-cli.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/trade-sync-0.1.0.tar.gz', import.meta.url));
const NODE_MODULES = fileURLToPath(new URL('../../node_modules', import.meta.url));

/**
 * The first release (0.1.0: trade schema 1 only, ClickHouse schema 1), unpacked from
 * test/fixtures into a temp dir and run with this checkout's node_modules — real old code,
 * for rolling-upgrade tests.
 */
export interface OldRelease {
  readonly cli: string;
  spawn(args: readonly string[], env: Record<string, string>): CliProcess;
  remove(): void;
}

export function unpackOldRelease(): OldRelease {
  const dir = mkdtempSync(join(tmpdir(), 'trade-sync-0.1.0-'));
  execFileSync('tar', ['xzf', FIXTURE, '-C', dir]);
  const root = join(dir, 'trade-sync-0.1.0');
  symlinkSync(NODE_MODULES, join(root, 'node_modules'));
  const cli = join(root, 'bin', 'trade-sync.js');
  return {
    cli,
    spawn: (args, env) => spawnCli(args, env, cli),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
