import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import { runWorker } from '../../src/wiring/run-worker.js';
import type { Config } from '../../src/config/index.js';
import { SchemaMismatchError } from '../../src/errors/index.js';
import { createLogger } from '../../src/logger.js';
import { createClickHouseClient } from '../../src/sinks/clickhouse/create-clickhouse-client.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/sinks/clickhouse/migrations.js';
import { migrate } from '../../src/sinks/clickhouse/migrator.js';
import { readSchemaVersion } from '../../src/sinks/clickhouse/schema-version.js';
import { queryText } from '../helpers/clickhouse-helpers.js';
import { testQueues } from '../helpers/queue-helpers.js';
import { runCli } from '../helpers/spawn-cli.js';
import { testConfig, testEnv } from '../helpers/test-env.js';

/** An admin client for a fresh (not yet created) database; everything is removed after the test. */
function freshDatabase(t: TestContext, env = testEnv()) {
  const config = testConfig(env);
  const admin = createClickHouseClient(config, 'admin');
  t.after(async () => {
    await admin.command({ query: `DROP DATABASE IF EXISTS ${config.clickhouse.database}` });
    await admin.close();
    await testQueues(config).cleanup();
    rmSync(config.spill.dir, { recursive: true, force: true });
  });
  return { env, config, admin };
}

/** runWorker; if it starts (it should not), it is stopped again so the test fails instead of hanging. */
async function startWorker(config: Config): Promise<never> {
  const worker = await runWorker(config, createLogger('silent'));
  await worker.stop();
  throw new Error(`the worker started against database ${config.clickhouse.database}`);
}

function assertMismatch(config: Config, fragment: string) {
  return (err: unknown) => {
    assert.ok(err instanceof SchemaMismatchError, `expected SchemaMismatchError, got ${String(err)}`);
    assert.equal(err.code, 'CLICKHOUSE_SCHEMA_MISMATCH');
    assert.ok(err.message.includes(fragment), err.message);
    assert.ok(err.message.includes(config.clickhouse.database), err.message);
    return true;
  };
}

test('migrate twice: the second run applies nothing and schema_migrations has one row per version', async (t) => {
  const { config, admin } = freshDatabase(t);
  const database = config.clickhouse.database;
  const log = createLogger('silent');
  const first = await migrate(admin, database, log);
  assert.equal(first.from, 0);
  assert.equal(first.to, SCHEMA_VERSION);
  assert.deepEqual(first.applied, MIGRATIONS.map((m) => `${m.version}_${m.name}`));
  assert.match(first.serverVersion, /^\d+\.\d+/);

  const second = await migrate(admin, database, log);
  assert.deepEqual(second.applied, []);
  assert.equal(second.from, SCHEMA_VERSION);
  assert.equal(second.to, SCHEMA_VERSION);
  assert.equal(await readSchemaVersion(admin, database), SCHEMA_VERSION);
  const rows = await queryText(admin, `SELECT version, count() FROM ${database}.schema_migrations GROUP BY version ORDER BY version`);
  assert.deepEqual(rows, MIGRATIONS.map((m) => [String(m.version), '1']));
  const [[tables] = ['0']] = await queryText(admin, `SELECT count() FROM system.tables WHERE database = '${database}' AND name = 'trades'`);
  assert.equal(tables, '1');
});

test('`trade-sync migrate` migrates, then reports the schema up to date', async (t) => {
  const { env, config } = freshDatabase(t);
  const first = await runCli(['migrate'], env);
  assert.equal(first.code, 0, first.output);
  assert.match(first.stdout, new RegExp(`migrated "${config.clickhouse.database}" from version 0 to ${SCHEMA_VERSION}`));
  const second = await runCli(['migrate'], env);
  assert.equal(second.code, 0, second.output);
  assert.match(second.stdout, new RegExp(`"${config.clickhouse.database}" is up to date at version ${SCHEMA_VERSION}`));
});

test('a worker refuses a database at a newer schema version, saying to upgrade', async (t) => {
  const { config, admin } = freshDatabase(t);
  await migrate(admin, config.clickhouse.database, createLogger('silent'));
  // A row that does not declare compatible_from is compatible only from its own version.
  await admin.command({ query: `INSERT INTO ${config.clickhouse.database}.schema_migrations (version, name) VALUES (99, 'from_the_future')` });
  await assert.rejects(startWorker(config), assertMismatch(config, 'upgrade'));
});

test('a worker refuses an unmigrated database, saying to run `trade-sync migrate`', async (t) => {
  const { config, admin } = freshDatabase(t);
  // The database does not exist at all …
  await assert.rejects(startWorker(config), assertMismatch(config, 'trade-sync migrate'));
  // … or exists without the migrations table.
  await admin.command({ query: `CREATE DATABASE ${config.clickhouse.database}` });
  await assert.rejects(startWorker(config), assertMismatch(config, 'trade-sync migrate'));
});

test('`trade-sync worker` against an unmigrated database exits non-zero with one line on stderr', async (t) => {
  const { env } = freshDatabase(t);
  const result = await runCli(['worker'], env);
  assert.notEqual(result.code, 0);
  const lines = result.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `stderr: ${result.stderr}`);
  assert.match(lines[0] ?? '', /^trade-sync: CLICKHOUSE_SCHEMA_MISMATCH: .*trade-sync migrate/);
  assert.equal(result.stdout, '');
});
