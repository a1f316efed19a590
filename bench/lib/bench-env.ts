import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config/index.js';

/** HMAC keys of every bench run (throwaway: they sign only synthetic trades in throwaway queues). */
export const BENCH_KEYS = 'bench-k1:bench-secret-0123456789abcdef0123456789ab';

/** Key prefix of every bench queue, apart from the app's and the tests' prefixes. */
export const BENCH_QUEUE_PREFIX = 'trade-sync-bench';

/** Parent of every scenario's spill directory (removed with the scenario). */
export const BENCH_SPILL_ROOT = join(tmpdir(), 'trade-sync-bench');

export interface BenchEnv {
  /** Exactly what a child worker process gets (PATH and TRADE_SYNC_* only). */
  readonly env: Record<string, string>;
  readonly config: Config;
}

/** Redis and ClickHouse as the environment names them (TRADE_SYNC_REDIS_URL, TRADE_SYNC_CLICKHOUSE_URL), else the local defaults. */
export function serviceUrls(): { TRADE_SYNC_REDIS_URL: string; TRADE_SYNC_CLICKHOUSE_URL: string } {
  return {
    TRADE_SYNC_REDIS_URL: process.env.TRADE_SYNC_REDIS_URL ?? 'redis://127.0.0.1:6379',
    TRADE_SYNC_CLICKHOUSE_URL: process.env.TRADE_SYNC_CLICKHOUSE_URL ?? 'http://127.0.0.1:8123',
  };
}

/**
 * Environment of one scenario: unique queue names and ClickHouse database (like the tests'
 * testEnv), but otherwise the shipped defaults (worker concurrency, batch limits, lock times),
 * since those are what the benchmark measures. `overrides` may change any variable.
 */
export function benchEnv(scenario: string, overrides: Record<string, string> = {}): BenchEnv {
  const id = randomBytes(4).toString('hex');
  const slug = scenario.replace(/[^A-Za-z0-9]+/g, '_').toLowerCase();
  const spillDir = join(BENCH_SPILL_ROOT, `${slug}-${id}`);
  mkdirSync(spillDir, { recursive: true });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...serviceUrls(),
    TRADE_SYNC_QUEUE_PREFIX: BENCH_QUEUE_PREFIX,
    TRADE_SYNC_QUEUE: `bench-${slug}-${id}`,
    TRADE_SYNC_DLQ: `bench-${slug}-${id}-dlq`,
    TRADE_SYNC_CLICKHOUSE_DATABASE: `bench_${slug}_${id}`,
    TRADE_SYNC_HMAC_KEYS: BENCH_KEYS,
    // The worker's DuckDB spill (used only while ClickHouse is down) in a directory of this scenario's own.
    TRADE_SYNC_SPILL_DIR: spillDir,
    // The child's "worker running" line is how the bench knows it is ready; warnings show problems.
    TRADE_SYNC_LOG_LEVEL: 'info',
    ...overrides,
  };
  return { env, config: loadConfig(env) };
}
