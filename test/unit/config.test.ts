import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig, requireKeys } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors/index.js';

const S1 = 'secret-one-0123456789abcdef0123456789';
const S2 = 'secret-two-0123456789abcdef0123456789';

function rejectsNaming(variable: string, env: Record<string, string>): void {
  assert.throws(
    () => loadConfig(env),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
      assert.equal(err.code, 'CONFIG_INVALID');
      assert.ok(err.message.includes(variable), `"${err.message}" does not name ${variable}`);
      assert.ok(!err.message.includes('\n'), 'one line');
      return true;
    },
    `${variable}=${JSON.stringify(env[variable])}`,
  );
}

/** Asserts each listed field (other fields, e.g. of later features, are not this test's business). */
function assertFields(actual: object, expected: Record<string, unknown>, where: string): void {
  for (const [key, value] of Object.entries(expected)) assert.deepEqual((actual as Record<string, unknown>)[key], value, `${where}.${key}`);
}

test('an empty environment gives the documented defaults', () => {
  const c = loadConfig({});
  assertFields(c.redis, { url: 'redis://127.0.0.1:6379', prefix: 'trade-sync' }, 'redis');
  assertFields(c.queues, { trades: 'trades', dlq: 'trades-dlq', capacity: 1_000_000, backpressure: 'reject', backpressureWaitMs: 30_000, packSize: 100, lingerMs: 5 }, 'queues');
  assertFields(
    c.clickhouse,
    { url: 'http://127.0.0.1:8123', database: 'trade_sync', user: 'default', password: '', adminUser: 'default', adminPassword: '', timeoutMs: 30_000 },
    'clickhouse',
  );
  assertFields(
    c.worker,
    {
      concurrency: 2_000, batchMaxRows: 10_000, batchMaxBytes: 64 * 1024 * 1024, batchMaxAgeMs: 100, insertAttempts: 6,
      retryBaseMs: 200, retryMaxMs: 5_000, lockDurationMs: 30_000, stalledIntervalMs: 5_000, shutdownTimeoutMs: 20_000,
    },
    'worker',
  );
  assert.equal(c.logLevel, 'info');
  assert.equal(c.keyring.size, 0);
  assert.throws(() => requireKeys(c), (err: unknown) => err instanceof ConfigError && /TRADE_SYNC_HMAC_KEYS/.test(err.message));
});

test('values are parsed: numbers coerced, admin credentials fall back to the writer', () => {
  const c = loadConfig({ TRADE_SYNC_WORKER_CONCURRENCY: '16', TRADE_SYNC_CLICKHOUSE_USER: 'writer', TRADE_SYNC_CLICKHOUSE_PASSWORD: 'pw', TRADE_SYNC_BACKPRESSURE: 'wait' });
  assert.equal(c.worker.concurrency, 16);
  assert.equal(c.clickhouse.adminUser, 'writer');
  assert.equal(c.clickhouse.adminPassword, 'pw');
  assert.equal(c.queues.backpressure, 'wait');
  const admin = loadConfig({ TRADE_SYNC_CLICKHOUSE_ADMIN_USER: 'admin', TRADE_SYNC_CLICKHOUSE_ADMIN_PASSWORD: 'apw' });
  assert.deepEqual([admin.clickhouse.user, admin.clickhouse.adminUser, admin.clickhouse.adminPassword], ['default', 'admin', 'apw']);
});

const bad: [string, string][] = [
  ['TRADE_SYNC_WORKER_CONCURRENCY', 'many'],
  ['TRADE_SYNC_WORKER_CONCURRENCY', '0'],
  ['TRADE_SYNC_BATCH_MAX_AGE_MS', '1.5'],
  ['TRADE_SYNC_QUEUE_CAPACITY', '-5'],
  ['TRADE_SYNC_LOCK_DURATION_MS', '10'],
  ['TRADE_SYNC_REDIS_URL', 'not a url'],
  ['TRADE_SYNC_CLICKHOUSE_URL', 'localhost'],
  ['TRADE_SYNC_CLICKHOUSE_DATABASE', 'trades; DROP TABLE x'],
  ['TRADE_SYNC_QUEUE', 'has space'],
  ['TRADE_SYNC_DLQ', ''],
  ['TRADE_SYNC_BACKPRESSURE', 'maybe'],
  ['TRADE_SYNC_LOG_LEVEL', 'loud'],
];

test('a bad value is a one-line ConfigError naming the variable', () => {
  for (const [variable, value] of bad) rejectsNaming(variable, { [variable]: value });
});

test('TRADE_SYNC_HMAC_KEYS: pairs parsed, first key signs unless TRADE_SYNC_SIGNING_KID says otherwise', () => {
  const c = loadConfig({ TRADE_SYNC_HMAC_KEYS: ` k1:${S1} , k2:${S2} ` });
  assert.deepEqual(c.keyring.kids, ['k1', 'k2']);
  assert.equal(c.keyring.signingKid, 'k1');
  assert.equal(c.keyring.secret('k2')?.toString(), S2);
  assert.equal(requireKeys(c), c.keyring);
  assert.equal(loadConfig({ TRADE_SYNC_HMAC_KEYS: `k1:${S1},k2:${S2}`, TRADE_SYNC_SIGNING_KID: 'k2' }).keyring.signingKid, 'k2');
  assert.equal(loadConfig({ TRADE_SYNC_HMAC_KEYS: `k1:${S1}:with:colons` }).keyring.secret('k1')?.toString(), `${S1}:with:colons`);
});

test('TRADE_SYNC_HMAC_KEYS: short secrets, duplicate or malformed kids and an unknown signing kid are rejected', () => {
  rejectsNaming('TRADE_SYNC_HMAC_KEYS', { TRADE_SYNC_HMAC_KEYS: 'k1:tooshort' });
  rejectsNaming('TRADE_SYNC_HMAC_KEYS', { TRADE_SYNC_HMAC_KEYS: `k1:${S1.slice(0, 31)}` });
  rejectsNaming('TRADE_SYNC_HMAC_KEYS', { TRADE_SYNC_HMAC_KEYS: `k1:${S1},k1:${S2}` });
  rejectsNaming('TRADE_SYNC_HMAC_KEYS', { TRADE_SYNC_HMAC_KEYS: `k1${S1}` });
  rejectsNaming('TRADE_SYNC_HMAC_KEYS', { TRADE_SYNC_HMAC_KEYS: `bad kid:${S1}` });
  rejectsNaming('TRADE_SYNC_SIGNING_KID', { TRADE_SYNC_HMAC_KEYS: `k1:${S1}`, TRADE_SYNC_SIGNING_KID: 'k9' });
  // A 32-character secret is the minimum that is accepted.
  assert.equal(loadConfig({ TRADE_SYNC_HMAC_KEYS: `k1:${'x'.repeat(32)}` }).keyring.size, 1);
});

test('TRADE_SYNC_HMAC_KEYS_FILE: a JSON object of kid → secret', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'trade-sync-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'keys.json');
  writeFileSync(file, JSON.stringify({ 'file-k1': S1, 'file-k2': S2 }));
  const c = loadConfig({ TRADE_SYNC_HMAC_KEYS_FILE: file, TRADE_SYNC_SIGNING_KID: 'file-k2' });
  assert.deepEqual(c.keyring.kids, ['file-k1', 'file-k2']);
  assert.equal(c.keyring.signingKid, 'file-k2');
  assert.equal(c.keyring.secret('file-k1')?.toString(), S1);

  rejectsNaming('TRADE_SYNC_HMAC_KEYS_FILE', { TRADE_SYNC_HMAC_KEYS_FILE: join(dir, 'missing.json') });
  for (const [name, text] of [['not-json', '{nope'], ['array', JSON.stringify([S1])], ['short', JSON.stringify({ k: 'short' })], ['number', JSON.stringify({ k: 12345 })]] as const) {
    writeFileSync(join(dir, name), text);
    rejectsNaming('TRADE_SYNC_HMAC_KEYS_FILE', { TRADE_SYNC_HMAC_KEYS_FILE: join(dir, name) });
  }
});

test('the config is deeply frozen: assignment throws in strict mode', () => {
  const c = loadConfig({ TRADE_SYNC_HMAC_KEYS: `k1:${S1}` });
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.worker) && Object.isFrozen(c.clickhouse) && Object.isFrozen(c.queues) && Object.isFrozen(c.redis));
  assert.throws(() => {
    (c as { logLevel: string }).logLevel = 'debug';
  }, TypeError);
  assert.throws(() => {
    (c.worker as { concurrency: number }).concurrency = 1;
  }, TypeError);
  assert.throws(() => {
    (c.clickhouse as { password: string }).password = 'stolen';
  }, TypeError);
  assert.throws(() => {
    (c.keyring as { signingKid: string }).signingKid = 'k2';
  }, TypeError);
  assert.equal(c.worker.concurrency, 2_000);
  assert.equal(c.keyring.signingKid, 'k1');
});
