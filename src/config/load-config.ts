import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors/index.js';
import type { Config } from './config.js';
import { envSchema, type Env } from './env-schema.js';
import { Keyring } from '../trade/keyring.js';
import { clickhouseTlsField, readIngestConfig, redisTlsField } from './read-ingest-config.js';
import { parseDashboardUsers, type DashboardUser } from './dashboard-users.js';
import { parseSupervisorProcesses } from './supervisor-processes.js';
import { orderThresholds } from './order-thresholds.js';
import { parsePartitionList, partitionLayout } from '../partitions/partition-layout.js';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value) && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

function readKeyring(env: Env): Keyring {
  if (env.TRADE_SYNC_HMAC_KEYS_FILE !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(env.TRADE_SYNC_HMAC_KEYS_FILE, 'utf8'));
    } catch (err) {
      throw new ConfigError(`TRADE_SYNC_HMAC_KEYS_FILE: cannot read a JSON object of {"kid": "secret"}: ${(err as Error).message}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new ConfigError('TRADE_SYNC_HMAC_KEYS_FILE must hold a JSON object of {"kid": "secret"}');
    }
    return Keyring.parse(parsed as Record<string, unknown>, 'TRADE_SYNC_HMAC_KEYS_FILE', env.TRADE_SYNC_SIGNING_KID);
  }
  return Keyring.parse(env.TRADE_SYNC_HMAC_KEYS ?? '', 'TRADE_SYNC_HMAC_KEYS', env.TRADE_SYNC_SIGNING_KID);
}

/** A 32-byte key given as 64 hex digits or base64, inline or in a file. */
function readBackupKey(env: Env): Buffer | undefined {
  let text = env.TRADE_SYNC_BACKUP_KEY;
  let origin = 'TRADE_SYNC_BACKUP_KEY';
  if (env.TRADE_SYNC_BACKUP_KEY_FILE !== undefined) {
    origin = 'TRADE_SYNC_BACKUP_KEY_FILE';
    try {
      text = readFileSync(env.TRADE_SYNC_BACKUP_KEY_FILE, 'utf8').trim();
    } catch (err) {
      throw new ConfigError(`${origin}: cannot read the key file: ${(err as Error).message}`);
    }
  }
  if (text === undefined) return undefined;
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw new ConfigError(`${origin} must be 32 bytes, as 64 hex digits or base64`);
  return key;
}

/** Dashboard users from TRADE_SYNC_DASHBOARD_USERS_FILE (a JSON array; wins) or TRADE_SYNC_DASHBOARD_USERS. */
function readDashboardUsers(env: Env): DashboardUser[] {
  const file = env.TRADE_SYNC_DASHBOARD_USERS_FILE;
  if (file === undefined) return parseDashboardUsers(env.TRADE_SYNC_DASHBOARD_USERS ?? '', 'TRADE_SYNC_DASHBOARD_USERS');
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`TRADE_SYNC_DASHBOARD_USERS_FILE: cannot read a JSON array of users: ${(err as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new ConfigError('TRADE_SYNC_DASHBOARD_USERS_FILE must hold a JSON array of {"name", "role", "passwordHash"}');
  return parseDashboardUsers(parsed, 'TRADE_SYNC_DASHBOARD_USERS_FILE');
}

function readDashboardTls(env: Env): { certFile: string; keyFile: string } | undefined {
  const certFile = env.TRADE_SYNC_DASHBOARD_TLS_CERT_FILE;
  const keyFile = env.TRADE_SYNC_DASHBOARD_TLS_KEY_FILE;
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined) throw new ConfigError('set both TRADE_SYNC_DASHBOARD_TLS_CERT_FILE and TRADE_SYNC_DASHBOARD_TLS_KEY_FILE, or neither');
  return { certFile, keyFile };
}

/** The hash-tag mistakes a Redis Cluster would only reveal later as CROSSSLOT errors, as one line each. */
function checkRedisLayout(env: Env): void {
  if (/[{}]/.test(env.TRADE_SYNC_QUEUE_PREFIX)) {
    throw new ConfigError('TRADE_SYNC_QUEUE_PREFIX must not contain { or }: trade-sync adds the hash tags itself, one per partition (a tag in the prefix would put every partition in one slot)');
  }
  if (env.TRADE_SYNC_REDIS_URL.length > 1 && !env.TRADE_SYNC_REDIS_CLUSTER) {
    throw new ConfigError('TRADE_SYNC_REDIS_URL lists several nodes: set TRADE_SYNC_REDIS_CLUSTER=true for a Redis Cluster, or give one URL');
  }
}

function workerPartitions(env: Env): number[] {
  try {
    return parsePartitionList(env.TRADE_SYNC_WORKER_PARTITIONS, env.TRADE_SYNC_PARTITIONS);
  } catch (err) {
    throw new ConfigError(`TRADE_SYNC_WORKER_PARTITIONS: ${(err as Error).message}`);
  }
}

/**
 * Parses the environment once into a frozen Config. Throws ConfigError with one line naming
 * the first bad variable. Keys are optional here; commands that sign or verify call
 * `requireKeys`.
 */
export function loadConfig(source: Readonly<Record<string, string | undefined>> = process.env): Config {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError(`${issue?.path.join('.') ?? 'environment'}: ${issue?.message ?? 'invalid'}`);
  }
  const env = result.data;
  checkRedisLayout(env);
  return deepFreeze<Config>({
    redis: {
      url: env.TRADE_SYNC_REDIS_URL[0] as string,
      urls: env.TRADE_SYNC_REDIS_URL,
      cluster: env.TRADE_SYNC_REDIS_CLUSTER,
      prefix: env.TRADE_SYNC_QUEUE_PREFIX,
      ...redisTlsField(env),
    },
    queues: {
      trades: env.TRADE_SYNC_QUEUE,
      dlq: env.TRADE_SYNC_DLQ,
      layout: partitionLayout(env.TRADE_SYNC_QUEUE, env.TRADE_SYNC_DLQ, env.TRADE_SYNC_PARTITIONS, env.TRADE_SYNC_REDIS_CLUSTER),
      capacity: env.TRADE_SYNC_QUEUE_CAPACITY,
      backpressure: env.TRADE_SYNC_BACKPRESSURE,
      backpressureWaitMs: env.TRADE_SYNC_BACKPRESSURE_WAIT_MS,
      packSize: env.TRADE_SYNC_PACK_SIZE,
      lingerMs: env.TRADE_SYNC_PRODUCER_LINGER_MS,
    },
    clickhouse: {
      url: env.TRADE_SYNC_CLICKHOUSE_URL[0] as string,
      urls: env.TRADE_SYNC_CLICKHOUSE_URL,
      database: env.TRADE_SYNC_CLICKHOUSE_DATABASE,
      user: env.TRADE_SYNC_CLICKHOUSE_USER,
      password: env.TRADE_SYNC_CLICKHOUSE_PASSWORD,
      adminUser: env.TRADE_SYNC_CLICKHOUSE_ADMIN_USER ?? env.TRADE_SYNC_CLICKHOUSE_USER,
      adminPassword: env.TRADE_SYNC_CLICKHOUSE_ADMIN_PASSWORD ?? env.TRADE_SYNC_CLICKHOUSE_PASSWORD,
      timeoutMs: env.TRADE_SYNC_CLICKHOUSE_TIMEOUT_MS,
      cluster: env.TRADE_SYNC_CLICKHOUSE_CLUSTER,
      ...clickhouseTlsField(env),
    },
    keyring: readKeyring(env),
    spill: {
      enabled: env.TRADE_SYNC_SPILL_ENABLED,
      dir: env.TRADE_SYNC_SPILL_DIR,
      replayBatchRows: env.TRADE_SYNC_REPLAY_BATCH_ROWS,
      replayIntervalMs: env.TRADE_SYNC_REPLAY_INTERVAL_MS,
      backupKey: readBackupKey(env),
    },
    orders: {
      enabled: env.TRADE_SYNC_ORDERS_ENABLED,
      thresholds: orderThresholds(env),
    },
    maxSchemaVersion: env.TRADE_SYNC_MAX_SCHEMA_VERSION,
    circuit: {
      threshold: env.TRADE_SYNC_CIRCUIT_THRESHOLD,
      halfOpenInitialMs: env.TRADE_SYNC_CIRCUIT_HALF_OPEN_MS,
      halfOpenMaxMs: env.TRADE_SYNC_CIRCUIT_HALF_OPEN_MAX_MS,
    },
    worker: {
      partitions: workerPartitions(env),
      concurrency: env.TRADE_SYNC_WORKER_CONCURRENCY,
      batchMaxRows: env.TRADE_SYNC_BATCH_MAX_ROWS,
      batchMaxBytes: env.TRADE_SYNC_BATCH_MAX_BYTES,
      batchMaxAgeMs: env.TRADE_SYNC_BATCH_MAX_AGE_MS,
      insertAttempts: env.TRADE_SYNC_INSERT_ATTEMPTS,
      retryBaseMs: env.TRADE_SYNC_RETRY_BASE_MS,
      retryMaxMs: env.TRADE_SYNC_RETRY_MAX_MS,
      lockDurationMs: env.TRADE_SYNC_LOCK_DURATION_MS,
      stalledIntervalMs: env.TRADE_SYNC_STALLED_INTERVAL_MS,
      shutdownTimeoutMs: env.TRADE_SYNC_SHUTDOWN_TIMEOUT_MS,
    },
    logLevel: env.TRADE_SYNC_LOG_LEVEL,
    dashboard: {
      host: env.TRADE_SYNC_DASHBOARD_HOST,
      port: env.TRADE_SYNC_DASHBOARD_PORT,
      users: readDashboardUsers(env),
      origin: env.TRADE_SYNC_DASHBOARD_ORIGIN === undefined ? undefined : new URL(env.TRADE_SYNC_DASHBOARD_ORIGIN).origin,
      sessionTtlMs: env.TRADE_SYNC_DASHBOARD_SESSION_TTL_MS,
      loginMaxFailures: env.TRADE_SYNC_DASHBOARD_LOGIN_MAX_FAILURES,
      loginWindowMs: env.TRADE_SYNC_DASHBOARD_LOGIN_WINDOW_MS,
      tls: readDashboardTls(env),
    },
    supervisor: {
      processes: parseSupervisorProcesses(env.TRADE_SYNC_SUPERVISOR_PROCESSES, { [env.TRADE_SYNC_QUEUE]: 1, [env.TRADE_SYNC_DLQ]: 1 }),
      restartBaseMs: env.TRADE_SYNC_SUPERVISOR_RESTART_BASE_MS,
      restartMaxMs: env.TRADE_SYNC_SUPERVISOR_RESTART_MAX_MS,
      crashLoopRestarts: env.TRADE_SYNC_SUPERVISOR_CRASH_LOOP_RESTARTS,
      crashLoopWindowMs: env.TRADE_SYNC_SUPERVISOR_CRASH_LOOP_WINDOW_MS,
    },
    metrics: { host: env.TRADE_SYNC_METRICS_HOST, port: env.TRADE_SYNC_METRICS_PORT },
    ingest: readIngestConfig(env),
    reconcile: {
      bucketSeconds: env.TRADE_SYNC_RECONCILE_BUCKET_SECONDS,
      memoryMb: env.TRADE_SYNC_RECONCILE_MEMORY_MB,
      queryTimeoutMs: env.TRADE_SYNC_RECONCILE_TIMEOUT_MS,
      drillBuckets: env.TRADE_SYNC_RECONCILE_DRILL_BUCKETS,
      maxIds: env.TRADE_SYNC_RECONCILE_MAX_IDS,
      packSize: env.TRADE_SYNC_RECONCILE_PACK_SIZE,
    },
  });
}

/** Fails with a one-line ConfigError when no HMAC key is configured. */
export function requireKeys(config: Config): Keyring {
  if (config.keyring.size === 0) {
    throw new ConfigError('no HMAC key configured: set TRADE_SYNC_HMAC_KEYS="kid:secret-of-32+-chars" or TRADE_SYNC_HMAC_KEYS_FILE');
  }
  return config.keyring;
}

/** The environment with overrides applied, for child processes and for a re-parsed config. */
export function environmentWith(overrides: Readonly<Record<string, string>>): Record<string, string | undefined> {
  return { ...process.env, ...overrides };
}
