import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ENSURE_SERVICES_SCRIPT, installServices } from '../../src/local/install-services.js';
import { tempDir } from '../helpers/ingest-fixture.js';
import { runCli } from '../helpers/spawn-cli.js';
import { testEnv } from '../helpers/test-env.js';

/** Runs scripts/ensure-services.sh with these arguments (and env) to completion. */
function script(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; lines: string[] }> {
  return new Promise((resolve) => {
    execFile('bash', [ENSURE_SERVICES_SCRIPT, ...args], { env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, lines: `${stdout}${stderr}`.split('\n').filter((l) => l !== '') });
    });
  });
}

test('the install plan of `up` (dry run): what is missing would be installed with one apt-get and started; nothing changes', async () => {
  const plan = await script(['--runtime', '--dry-run', '--assume-missing', 'clickhouse-server,redis-server'], { ENSURE_SERVICES_UID: '0' });
  assert.equal(plan.code, 0, plan.lines.join('\n'));
  assert.ok(plan.lines.every((l) => /^\[ensure-services\] step \d+: /.test(l)), 'one progress line per step');
  assert.ok(plan.lines.includes('[ensure-services] step 1: clickhouse-server: missing (package clickhouse-server clickhouse-client)'));
  assert.ok(plan.lines.includes('[ensure-services] step 2: redis-server: missing (package redis-server)'));
  assert.ok(plan.lines.some((l) => l.endsWith('would run: apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y clickhouse-server clickhouse-client redis-server')), plan.lines.join('\n'));
  assert.ok(plan.lines.some((l) => l.endsWith('would start clickhouse-server on 127.0.0.1:8123')));
  assert.ok(!plan.lines.some((l) => /chromium|promtool/.test(l)), '--runtime plans no test tools');
  assert.equal(plan.lines.at(-1), `[ensure-services] step ${plan.lines.length}: dry run: nothing was changed`);

  // The test tier's plan (npm test's pretest) covers the test tools too.
  const full = await script(['--dry-run'], { ENSURE_SERVICES_UID: '0' });
  assert.ok(full.lines.some((l) => /step \d+: (chromium|promtool): /.test(l)), full.lines.join('\n'));
  // …and the zookeeper package the ClickHouse cluster tests run a private ZooKeeper from.
  const zookeeper = await script(['--dry-run', '--assume-missing', 'zookeeper'], { ENSURE_SERVICES_UID: '0' });
  assert.ok(zookeeper.lines.some((l) => l.endsWith('would run: apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y zookeeper')), zookeeper.lines.join('\n'));
});

test('where it cannot install, the script prints the one command to run and exits 3: not root, not Debian', async (t) => {
  const user = await script(['--runtime', '--assume-missing', 'clickhouse-server'], { ENSURE_SERVICES_UID: '1000' });
  assert.equal(user.code, 3);
  assert.match(user.lines.at(-1) ?? '', /cannot install as a non-root user; run: sudo bash -c 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y clickhouse-server clickhouse-client'$/);
  const dir = tempDir(t, 'os-release');
  const fedora = join(dir, 'os-release');
  writeFileSync(fedora, 'ID=fedora\nID_LIKE="rhel centos"\n');
  const other = await script(['--runtime', '--assume-missing', 'redis-server'], { ENSURE_SERVICES_UID: '0', ENSURE_SERVICES_OS_RELEASE: fedora });
  assert.equal(other.code, 3);
  assert.match(other.lines.at(-1) ?? '', /not Debian or Ubuntu.*Missing: redis-server$/);
});

test('`trade-sync up --dry-run` prints the plan (here: all installed) and starts nothing; a script that cannot install is SERVICES_NOT_INSTALLED', async (t) => {
  const up = await runCli(['up', '--dry-run'], testEnv());
  assert.equal(up.code, 0, up.output);
  assert.match(up.stdout, /\[ensure-services\] step 1: clickhouse-server: installed/);
  assert.match(up.stdout, /dry run: nothing was changed/);
  assert.doesNotMatch(up.stdout, /dashboard|workers/, 'nothing else of `up` ran');

  const dir = tempDir(t, 'fake-ensure');
  const fake = join(dir, 'ensure.sh');
  writeFileSync(fake, "echo \"[ensure-services] step 1: cannot install as a non-root user; run: sudo bash -c 'apt-get install -y redis-server'\"\nexit 3\n");
  chmodSync(fake, 0o755);
  const printed: string[] = [];
  await assert.rejects(installServices({ dryRun: false, print: (l) => printed.push(l), script: fake }), (err: Error & { code?: string }) => err.code === 'SERVICES_NOT_INSTALLED' && /run the command printed above/.test(err.message));
  assert.deepEqual(printed, ["[ensure-services] step 1: cannot install as a non-root user; run: sudo bash -c 'apt-get install -y redis-server'"]);
});
