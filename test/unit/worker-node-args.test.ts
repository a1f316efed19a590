import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { WORKER_NODE_ARGS } from '../../src/supervisor/worker-node-args.js';

// V8 flags are not part of Node's stable interface: a Node upgrade that drops one would make every
// worker exit at start ("bad option"). This fails first.
test('this Node accepts every flag workers are started with', () => {
  const run = spawnSync(process.execPath, [...WORKER_NODE_ARGS, '-e', 'process.stdout.write("ok")'], { encoding: 'utf8' });
  assert.equal(run.stderr, '');
  assert.equal(run.status, 0);
  assert.equal(run.stdout, 'ok');
});
