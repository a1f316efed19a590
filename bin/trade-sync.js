#!/usr/bin/env node
// The CLI. Runs the compiled build (dist/, made by `npm run build`, which `npm install` runs)
// while it is newer than every source file; otherwise the TypeScript source through tsx's
// loader. Same code either way; the build starts faster and leaves out tsx's loader thread
// (about 34 MiB per process). TRADE_SYNC_FROM_SOURCE=1 forces the source.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const SOURCES = ['src', 'queues', 'workers', 'dashboard'];

/** True when some file under `dir` was modified after `since` (ms). Stops at the first one. */
function changedSince(dir, since) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory() ? changedSince(path, since) : statSync(path).mtimeMs > since) return true;
  }
  return false;
}

function buildIsFresh() {
  const stamp = `${root}dist/.build-stamp`;
  if (process.env.TRADE_SYNC_FROM_SOURCE === '1' || !existsSync(stamp)) return false;
  const builtAt = statSync(stamp).mtimeMs;
  return !SOURCES.some((dir) => changedSince(`${root}${dir}`, builtAt));
}

if (buildIsFresh()) {
  await import('../dist/src/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
