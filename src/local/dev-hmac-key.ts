import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A development HMAC key kept in `dir` (mode 0600) and reused by later runs, so trades that a
 * previous `trade-sync up` left in the queue still verify. `TRADE_SYNC_HMAC_KEYS` format.
 */
export function devHmacKey(dir: string): string {
  const path = join(dir, 'dev-hmac-keys');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keys = `dev:${randomBytes(32).toString('base64url')}`;
  writeFileSync(path, `${keys}\n`, { mode: 0o600 });
  return keys;
}
