import { randomBytes, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config/index.js';

export const TEST_KEYS = 'test-k1:test-secret-0123456789abcdef0123456789,test-k2:test-secret-abcdef0123456789abcdef012345';

/**
 * Environment variables for one test: unique queue names and ClickHouse database, fast retries,
 * short locks, quiet logs. Pass it to `loadConfig` or to a child process.
 */
export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const id = randomBytes(6).toString('hex');
  const base: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    TRADE_SYNC_QUEUE: `t-${id}`,
    TRADE_SYNC_DLQ: `t-${id}-dlq`,
    TRADE_SYNC_QUEUE_PREFIX: 'trade-sync-test',
    TRADE_SYNC_CLICKHOUSE_URL: process.env.TRADE_SYNC_CLICKHOUSE_URL ?? 'http://127.0.0.1:8123',
    TRADE_SYNC_REDIS_URL: process.env.TRADE_SYNC_REDIS_URL ?? 'redis://127.0.0.1:6379',
    TRADE_SYNC_CLICKHOUSE_DATABASE: `t_${id}`,
    TRADE_SYNC_SPILL_DIR: spillDir(id),
    TRADE_SYNC_HMAC_KEYS: TEST_KEYS,
    TRADE_SYNC_RETRY_BASE_MS: '50',
    TRADE_SYNC_RETRY_MAX_MS: '500',
    TRADE_SYNC_INSERT_ATTEMPTS: '4',
    TRADE_SYNC_LOCK_DURATION_MS: '2000',
    TRADE_SYNC_STALLED_INTERVAL_MS: '2000',
    TRADE_SYNC_BATCH_MAX_AGE_MS: '50',
    TRADE_SYNC_WORKER_CONCURRENCY: '200',
    TRADE_SYNC_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  };
  return { ...base, ...overrides };
}

/** A fresh spill directory path under the OS temp dir; workers create it, tests remove it when done. */
function spillDir(id: string): string {
  return join(tmpdir(), 'trade-sync-tests', `spill-${id}`);
}

export function testConfig(env: Record<string, string> = testEnv()): Config {
  return loadConfig(env);
}

export { randomUUID };
