import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword, verifyPassword } from '../../dashboard/auth/password-hash.js';
import { safeNext } from '../../dashboard/handlers/login-handler.js';
import { readCookie } from '../../dashboard/http/session-cookie.js';
import { parseDashboardUsers } from '../../src/config/dashboard-users.js';
import { ConfigError } from '../../src/errors/index.js';
import { CrashTracker } from '../../src/supervisor/crash-tracker.js';

test('scrypt hashes verify only the right password and never contain it', async () => {
  const hash = await hashPassword('correct horse battery');
  assert.match(hash, /^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
  assert.ok(!hash.includes('correct'));
  assert.equal(await verifyPassword('correct horse battery', hash), true);
  assert.equal(await verifyPassword('correct horse batterY', hash), false);
  assert.equal(await verifyPassword('x', 'scrypt$1$1$1$bad'), false);
  assert.notEqual(await hashPassword('same'), await hashPassword('same'), 'salted');
});

test('dashboard users parse from the variable format, and bad entries are CONFIG_INVALID', async () => {
  const hash = await hashPassword('a-long-password');
  const users = parseDashboardUsers(`alice:operator:${hash}, bob:viewer:${hash}`, 'X');
  assert.deepEqual(users.map((u) => [u.name, u.role]), [['alice', 'operator'], ['bob', 'viewer']]);
  assert.throws(() => parseDashboardUsers(`alice:admin:${hash}`, 'X'), ConfigError);
  assert.throws(() => parseDashboardUsers('alice:viewer:plaintext', 'X'), /hash-password/);
  assert.throws(() => parseDashboardUsers(`a:viewer:${hash},a:operator:${hash}`, 'X'), /twice/);
});

test('after login only local paths are followed', () => {
  assert.equal(safeNext('/ops'), '/ops');
  assert.equal(safeNext('//evil.example'), '/board');
  assert.equal(safeNext('/\\evil.example'), '/board');
  assert.equal(safeNext('https://evil.example'), '/board');
  assert.equal(safeNext(undefined), '/board');
  assert.equal(readCookie('a=1; trade-sync-session=abc; b=2', 'trade-sync-session'), 'abc');
});

test('crash tracker: exponential jittered backoff, crash loop within the window, reset after a long run', () => {
  const t = new CrashTracker({ baseMs: 100, maxMs: 1_000, loopRestarts: 3, windowMs: 10_000, random: () => 1 });
  assert.equal(t.crashed(0, 50), 100);
  assert.equal(t.crashed(100, 50), 200);
  assert.equal(t.inCrashLoop(200), false);
  assert.equal(t.crashed(300, 50), 400);
  assert.equal(t.inCrashLoop(300), true);
  assert.equal(t.mayRestart(500), false);
  assert.equal(t.mayRestart(700), true);
  assert.equal(t.crashed(800, 50), 800);
  assert.equal(t.crashed(900, 50), 1_000, 'capped');
  assert.equal(t.inCrashLoop(30_000), false, 'the window passed');
  assert.equal(t.crashed(30_000, 20_000), 100, 'a long run resets the streak');
  assert.equal(t.total, 6);
});
