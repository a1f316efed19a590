import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('../fixtures/shutdown-signal-child.ts', import.meta.url));

/** Starts the child, sends `signals` 50 ms apart once it is ready, resolves with its exit code and how long it took. */
async function exitAfter(signals: NodeJS.Signals[], env: Record<string, string> = {}): Promise<{ code: number | null; ms: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
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

test('a drain that never ends is abandoned at the deadline: exit 1, the process does not linger', async () => {
  const { code, ms } = await exitAfter(['SIGTERM'], { HANG_STOP: '1' });
  assert.equal(code, 1);
  assert.ok(ms >= 900 && ms < 5_000, `it waited for the deadline, no longer (${Math.round(ms)} ms)`);
});
