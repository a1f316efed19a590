import type { OrderThresholds } from './order-thresholds.js';
import type { DashboardUser } from './dashboard-users.js';
import type { IngestConfig } from './ingest-config.js';
import type { Keyring } from '../trade/keyring.js';
import type { TlsMaterial } from './tls-material.js';
import type { PartitionLayout } from '../partitions/partition-layout.js';

/** The parsed, frozen configuration. Built once by `loadConfig` at the edge of each process. */
export interface Config {
  readonly redis: {
    /** Redis URL (`redis://` or `rediss://`); on a cluster, the first seed node. */
    readonly url: string;
    /** Every configured URL: one for a single Redis, the seed nodes of a cluster. */
    readonly urls: readonly string[];
    /** TRADE_SYNC_REDIS_CLUSTER: connect with ioredis `Cluster` to the seed nodes. */
    readonly cluster: boolean;
    /** Key prefix of every key; never holds `{}`: hash tags are added per partition (src/partitions/partition-layout.ts). */
    readonly prefix: string;
    /** CA / client certificate / key for `rediss://` (TRADE_SYNC_REDIS_TLS_*); absent when none is set. */
    readonly tls?: TlsMaterial;
  };
  readonly queues: {
    /** The trades queue's configured name (TRADE_SYNC_QUEUE): roles, labels, `scale trades`. */
    readonly trades: string;
    /** The dead-letter queue's configured name (TRADE_SYNC_DLQ). */
    readonly dlq: string;
    /** The queues' Redis names: one BullMQ queue per partition, the DLQ's, global state's. */
    readonly layout: PartitionLayout;
    /** Jobs the trades queue may hold; producers get backpressure at 80% of it. */
    readonly capacity: number;
    readonly backpressure: 'reject' | 'wait';
    /** How long `wait` backpressure waits before giving up with QUEUE_FULL. */
    readonly backpressureWaitMs: number;
    /**
     * Trades per job (1 = one job per trade, jobId = trade_id): the producer's signed packs and the
     * ingest's jobs of engine-signed envelopes hold up to this many.
     */
    readonly packSize: number;
    /** How long `publish(trade)` waits for more calls to share its pack (a Kafka producer's linger.ms). */
    readonly lingerMs: number;
  };
  readonly clickhouse: {
    /** Primary node (migrations, status). */
    readonly url: string;
    /** Primary first, then backup nodes to fail over to. */
    readonly urls: readonly string[];
    readonly database: string;
    readonly user: string;
    readonly password: string;
    readonly adminUser: string;
    readonly adminPassword: string;
    readonly timeoutMs: number;
    /**
     * TRADE_SYNC_CLICKHOUSE_CLUSTER: the cluster (in the servers' `<remote_servers>`) that
     * migrations run ON and whose shards inserts are spread over; undefined on a single node.
     */
    readonly cluster: string | undefined;
    /** CA / client certificate / key for `https://` nodes (TRADE_SYNC_CLICKHOUSE_TLS_*); absent when none is set. */
    readonly tls?: TlsMaterial;
  };
  readonly keyring: Keyring;
  readonly spill: {
    /** Spill to DuckDB when ClickHouse is unavailable; when off, such rows are dead-lettered. */
    readonly enabled: boolean;
    readonly dir: string;
    readonly replayBatchRows: number;
    readonly replayIntervalMs: number;
    /** AES-256 key for `spill backup` / `spill restore`, when configured. */
    readonly backupKey: Buffer | undefined;
  };
  readonly orders: {
    /** Commit one orders-table row per order from its partial fills. */
    readonly enabled: boolean;
    /** Timings and limits of the order tracker (each documented on OrderThresholds). */
    readonly thresholds: OrderThresholds;
  };
  /** Highest trade schema_version workers accept (lower it while a rolling upgrade is in progress). */
  readonly maxSchemaVersion: number;
  readonly circuit: {
    readonly threshold: number;
    readonly halfOpenInitialMs: number;
    readonly halfOpenMaxMs: number;
  };
  readonly worker: {
    /** Partitions a sink worker takes (TRADE_SYNC_WORKER_PARTITIONS, `worker --partitions`); default every one. */
    readonly partitions: readonly number[];
    readonly concurrency: number;
    readonly batchMaxRows: number;
    readonly batchMaxBytes: number;
    readonly batchMaxAgeMs: number;
    readonly insertAttempts: number;
    readonly retryBaseMs: number;
    readonly retryMaxMs: number;
    readonly lockDurationMs: number;
    readonly stalledIntervalMs: number;
    readonly shutdownTimeoutMs: number;
  };
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** `trade-sync dashboard`: Bull Board with login and roles, the operations page. */
  readonly dashboard: {
    readonly host: string;
    /** 0 = any free port. */
    readonly port: number;
    readonly users: readonly DashboardUser[];
    /** The origin browsers use (`https://ops.example.com`); mutations from any other are refused. Default: the request's own host. */
    readonly origin: string | undefined;
    readonly sessionTtlMs: number;
    /** Failed logins per user name and per client address within `loginWindowMs` before login answers 429. */
    readonly loginMaxFailures: number;
    readonly loginWindowMs: number;
    /** PEM files; when set the dashboard serves HTTPS and its cookie is `Secure`. */
    readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
  };
  /** `trade-sync start`: worker processes per queue, restarts, crash loops. */
  readonly supervisor: {
    /** Processes per queue seeded into Redis when no desired state is stored yet (per host). */
    readonly processes: Readonly<Record<string, number>>;
    readonly restartBaseMs: number;
    readonly restartMaxMs: number;
    /** Restarts of one queue's processes within `crashLoopWindowMs` that count as a crash loop. */
    readonly crashLoopRestarts: number;
    readonly crashLoopWindowMs: number;
  };
  /** The supervisor's Prometheus endpoint (`/metrics`); port 0 turns it off. */
  readonly metrics: { readonly host: string; readonly port: number };
  /** `trade-sync ingest`: HTTPS entry point (TRADE_SYNC_INGEST_*). */
  readonly ingest: IngestConfig;
  /** `trade-sync reconcile`: source of truth against ClickHouse (TRADE_SYNC_RECONCILE_*). */
  readonly reconcile: {
    /** Width of a time bucket of the report, in seconds. */
    readonly bucketSeconds: number;
    /** DuckDB memory limit of a reconcile run; DuckDB spills to a temp dir past it. */
    readonly memoryMb: number;
    /** Timeout of one ClickHouse query of a reconcile run (an aggregate over a day with FINAL takes a while). */
    readonly queryTimeoutMs: number;
    /** Mismatching buckets fetched from ClickHouse per drill-down query. */
    readonly drillBuckets: number;
    /** Trade ids listed per kind (missing, extra, different) in the report; the counts are always complete. */
    readonly maxIds: number;
    /** Trades per signed pack when `--repair` re-publishes. */
    readonly packSize: number;
  };
}
