import type { TestContext } from 'node:test';

const stacks = new WeakMap<TestContext, (() => unknown)[]>();

/**
 * Like `t.after(fn)`, but the last registered cleanup runs first (node:test runs `after` hooks
 * in registration order), so a worker is stopped before its queues and database are removed.
 * Every cleanup runs even if an earlier one throws; the first error is rethrown.
 */
export function onCleanup(t: TestContext, fn: () => unknown): void {
  let stack = stacks.get(t);
  if (stack === undefined) {
    const created: (() => unknown)[] = [];
    stack = created;
    stacks.set(t, created);
    t.after(async () => {
      let failure: unknown;
      for (const cleanup of created.splice(0).reverse()) {
        try {
          await cleanup();
        } catch (err) {
          failure ??= err;
        }
      }
      if (failure !== undefined) throw failure;
    });
  }
  stack.push(fn);
}
