import type { Keyring } from './keyring.js';

/** The parsed, frozen configuration. Built once by `loadConfig` at the edge of each process. */
export interface Config {
  readonly redis: {
    /** Redis URL (`redis://` or `rediss://`). */
    readonly url: string;
    /** Key prefix of every BullMQ queue; wrap it in `{}` for Redis Cluster hash tags. */
    readonly prefix: string;
  };
  readonly queues: {
    readonly trades: string;
    readonly dlq: string;
    /** Jobs the trades queue may hold; producers get backpressure at 80% of it. */
    readonly capacity: number;
    readonly backpressure: 'reject' | 'wait';
    /** How long `wait` backpressure waits before giving up with QUEUE_FULL. */
    readonly backpressureWaitMs: number;
    /** Trades per job when publishing arrays (1 = one job per trade). */
    readonly packSize: number;
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
  readonly circuit: {
    readonly threshold: number;
    readonly halfOpenInitialMs: number;
    readonly halfOpenMaxMs: number;
  };
  readonly worker: {
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
}
