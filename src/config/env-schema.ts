import { z } from 'zod';
import { MAX_PACK_TRADES } from '../trade/signed-envelope.js';

const int = (min: number, fallback: number) => z.coerce.number().int().min(min).default(fallback);
const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'must be a plain identifier ([A-Za-z_][A-Za-z0-9_]*)');
const queueName = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'must be 1-100 of [A-Za-z0-9_.-]');

/**
 * Every environment variable trade-sync reads, with its default. README's configuration table
 * mirrors this schema; `loadConfig` is the only place that reads `process.env`.
 */
export const envSchema = z.object({
  TRADE_SYNC_REDIS_URL: z
    .string()
    .default('redis://127.0.0.1:6379')
    .transform((v) => v.split(',').map((u) => u.trim()).filter(Boolean))
    .pipe(z.array(z.url({ protocol: /^rediss?$/, error: 'must be redis:// or rediss:// URLs, comma-separated' })).min(1)),
  TRADE_SYNC_REDIS_CLUSTER: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  TRADE_SYNC_PARTITIONS: z.coerce.number().int().min(1).max(256).default(1),
  TRADE_SYNC_QUEUE_PREFIX: z.string().min(1).max(64).default('trade-sync'),
  TRADE_SYNC_QUEUE: queueName.default('trades'),
  TRADE_SYNC_DLQ: queueName.default('trades-dlq'),
  TRADE_SYNC_QUEUE_CAPACITY: int(10, 1_000_000),
  TRADE_SYNC_BACKPRESSURE: z.enum(['reject', 'wait']).default('reject'),
  TRADE_SYNC_BACKPRESSURE_WAIT_MS: int(0, 30_000),
  TRADE_SYNC_PACK_SIZE: z.coerce.number().int().min(1).max(MAX_PACK_TRADES).default(100),
  TRADE_SYNC_PRODUCER_LINGER_MS: z.coerce.number().int().min(0).max(1_000).default(5),
  TRADE_SYNC_CLICKHOUSE_URL: z
    .string()
    .default('http://127.0.0.1:8123')
    .transform((v) => v.split(',').map((u) => u.trim()).filter(Boolean))
    .pipe(z.array(z.url({ protocol: /^https?$/, error: 'must be http(s) URLs, comma-separated' })).min(1)),
  TRADE_SYNC_CLICKHOUSE_DATABASE: identifier.default('trade_sync'),
  TRADE_SYNC_CLICKHOUSE_USER: z.string().min(1).default('default'),
  TRADE_SYNC_CLICKHOUSE_PASSWORD: z.string().default(''),
  TRADE_SYNC_CLICKHOUSE_ADMIN_USER: z.string().min(1).optional(),
  TRADE_SYNC_CLICKHOUSE_ADMIN_PASSWORD: z.string().optional(),
  TRADE_SYNC_CLICKHOUSE_TIMEOUT_MS: int(100, 30_000),
  TRADE_SYNC_HMAC_KEYS: z.string().optional(),
  TRADE_SYNC_HMAC_KEYS_FILE: z.string().optional(),
  TRADE_SYNC_SIGNING_KID: z.string().optional(),
  TRADE_SYNC_WORKER_CONCURRENCY: int(1, 2_000),
  TRADE_SYNC_WORKER_PARTITIONS: z.string().optional(),
  TRADE_SYNC_BATCH_MAX_ROWS: int(1, 10_000),
  TRADE_SYNC_BATCH_MAX_BYTES: int(1024, 64 * 1024 * 1024),
  TRADE_SYNC_BATCH_MAX_AGE_MS: int(1, 100),
  TRADE_SYNC_INSERT_ATTEMPTS: int(1, 6),
  TRADE_SYNC_RETRY_BASE_MS: int(1, 200),
  TRADE_SYNC_RETRY_MAX_MS: int(1, 5_000),
  TRADE_SYNC_LOCK_DURATION_MS: int(1_000, 30_000),
  TRADE_SYNC_STALLED_INTERVAL_MS: int(1_000, 5_000),
  TRADE_SYNC_SHUTDOWN_TIMEOUT_MS: int(100, 20_000),
  TRADE_SYNC_SPILL_ENABLED: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  TRADE_SYNC_SPILL_DIR: z.string().min(1).default('.trade-sync/spill'),
  TRADE_SYNC_CIRCUIT_THRESHOLD: int(1, 3),
  TRADE_SYNC_CIRCUIT_HALF_OPEN_MS: int(10, 500),
  TRADE_SYNC_CIRCUIT_HALF_OPEN_MAX_MS: int(10, 4_000),
  TRADE_SYNC_REPLAY_BATCH_ROWS: int(1, 20_000),
  TRADE_SYNC_REPLAY_INTERVAL_MS: int(50, 1_000),
  TRADE_SYNC_BACKUP_KEY: z.string().optional(),
  TRADE_SYNC_BACKUP_KEY_FILE: z.string().optional(),
  TRADE_SYNC_ORDERS_ENABLED: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  TRADE_SYNC_ORDER_TIMEOUT_MS: int(100, 300_000),
  TRADE_SYNC_ORDER_SWEEP_MS: int(50, 5_000),
  TRADE_SYNC_ORDER_CARRY_MS: z.coerce.number().int().min(1).optional(),
  TRADE_SYNC_ORDER_SWEEP_BATCH: int(1, 1_000),
  TRADE_SYNC_ORDER_RECOVER_PER_SWEEP: int(1, 100),
  TRADE_SYNC_ORDER_IN_BATCH_MIN_ROWS: int(1, 2_000),
  TRADE_SYNC_ORDER_MAX_MEMORY_FILLS: int(0, 100_000),
  TRADE_SYNC_MAX_SCHEMA_VERSION: int(1, 2),
  TRADE_SYNC_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // --- dashboard, supervisor, metrics (dashboard/, src/supervisor/, src/metrics/) ---
  TRADE_SYNC_DASHBOARD_HOST: z.string().min(1).default('127.0.0.1'),
  TRADE_SYNC_DASHBOARD_PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  TRADE_SYNC_DASHBOARD_USERS: z.string().optional(),
  TRADE_SYNC_DASHBOARD_USERS_FILE: z.string().optional(),
  TRADE_SYNC_DASHBOARD_ORIGIN: z.url({ protocol: /^https?$/ }).optional(),
  TRADE_SYNC_DASHBOARD_SESSION_TTL_MS: int(60_000, 8 * 3_600_000),
  TRADE_SYNC_DASHBOARD_LOGIN_MAX_FAILURES: int(1, 5),
  TRADE_SYNC_DASHBOARD_LOGIN_WINDOW_MS: int(1_000, 15 * 60_000),
  TRADE_SYNC_DASHBOARD_TLS_CERT_FILE: z.string().optional(),
  TRADE_SYNC_DASHBOARD_TLS_KEY_FILE: z.string().optional(),
  TRADE_SYNC_SUPERVISOR_PROCESSES: z.string().default(''),
  TRADE_SYNC_SUPERVISOR_RESTART_BASE_MS: int(10, 1_000),
  TRADE_SYNC_SUPERVISOR_RESTART_MAX_MS: int(10, 30_000),
  TRADE_SYNC_SUPERVISOR_CRASH_LOOP_RESTARTS: int(1, 5),
  TRADE_SYNC_SUPERVISOR_CRASH_LOOP_WINDOW_MS: int(1_000, 60_000),
  TRADE_SYNC_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  TRADE_SYNC_METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(9464),
  // --- HTTPS ingest and TLS to Redis / ClickHouse (src/ingest/, src/config/tls-material.ts) ---
  TRADE_SYNC_REDIS_TLS_CA_FILE: z.string().min(1).optional(),
  TRADE_SYNC_REDIS_TLS_CERT_FILE: z.string().min(1).optional(),
  TRADE_SYNC_REDIS_TLS_KEY_FILE: z.string().min(1).optional(),
  TRADE_SYNC_CLICKHOUSE_TLS_CA_FILE: z.string().min(1).optional(),
  TRADE_SYNC_CLICKHOUSE_TLS_CERT_FILE: z.string().min(1).optional(),
  TRADE_SYNC_CLICKHOUSE_TLS_KEY_FILE: z.string().min(1).optional(),
  TRADE_SYNC_INGEST_HOST: z.string().min(1).default('127.0.0.1'),
  TRADE_SYNC_INGEST_PORT: z.coerce.number().int().min(0).max(65_535).default(8443),
  TRADE_SYNC_INGEST_TLS_CERT_FILE: z.string().min(1).optional(),
  TRADE_SYNC_INGEST_TLS_KEY_FILE: z.string().min(1).optional(),
  TRADE_SYNC_INGEST_TLS_CLIENT_CA_FILE: z.string().min(1).optional(),
  TRADE_SYNC_INGEST_CLIENT_KIDS: z.string().min(1).optional(),
  TRADE_SYNC_INGEST_PLAINTEXT: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  TRADE_SYNC_INGEST_MAX_BODY_BYTES: int(1024, 8 * 1024 * 1024),
  TRADE_SYNC_INGEST_MAX_TRADES: int(1, 10_000),
  TRADE_SYNC_INGEST_REPLAY_WINDOW_MS: int(100, 5_000),
  TRADE_SYNC_INGEST_RATE_PER_KID: int(1, 50_000),
  TRADE_SYNC_INGEST_BURST_PER_KID: int(1, 100_000),
  // --- reconciliation (src/reconcile/) ---
  TRADE_SYNC_RECONCILE_BUCKET_SECONDS: int(1, 3_600),
  TRADE_SYNC_RECONCILE_MEMORY_MB: int(16, 96),
  TRADE_SYNC_RECONCILE_TIMEOUT_MS: int(1_000, 600_000),
  TRADE_SYNC_RECONCILE_DRILL_BUCKETS: int(1, 500),
  TRADE_SYNC_RECONCILE_MAX_IDS: int(0, 100),
  TRADE_SYNC_RECONCILE_PACK_SIZE: z.coerce.number().int().min(1).max(MAX_PACK_TRADES).default(100),
});

export type Env = z.infer<typeof envSchema>;
