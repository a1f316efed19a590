import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('../fixtures/shutdown-signal-child.ts', import.meta.url));

/** Starts the child, sends `signals` 50 ms apart once it is ready, resolves with its exit code and how long it took. */
async function exitAfter(signals: NodeJS.Signals[]): Promise<{ code: number | null; ms: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit') as Promise<[number | null]>;
  await once(child.stdout, 'data');
  const started = performance.now();
  for (const signal of signals) {
    child.kill(signal);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const [code] = await exited;
  return { code, ms: performance.now() - started };
}

test('SIGINT then SIGTERM (Ctrl-C, then the parent stopping its children) is one graceful shutdown', async () => {
  const { code, ms } = await exitAfter(['SIGINT', 'SIGTERM']);
  assert.equal(code, 0);
  assert.ok(ms >= 2_900, `the drain ran to its end (${Math.round(ms)} ms)`);
});

test('the same signal twice exits at once with 130', async () => {
  const { code, ms } = await exitAfter(['SIGINT', 'SIGINT']);
  assert.equal(code, 130);
  assert.ok(ms < 2_500, `it did not wait for the drain (${Math.round(ms)} ms)`);
});
