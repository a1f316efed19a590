/**
 * Every stable error code trade-sync emits, with the one-line meaning documented in README.md.
 * A test keeps this list and README's error table in step.
 */
export const ERROR_CODES = {
  CONFIG_INVALID: 'An environment variable or option is missing or malformed.',
  TRADE_INVALID: 'A trade failed schema validation; the message lists each bad field.',
  TRADE_SCHEMA_UNSUPPORTED: 'The trade carries a schema_version this worker does not understand.',
  ENVELOPE_INVALID: 'A queued message is not a well-formed signed envelope.',
  SIGNATURE_UNKNOWN_KEY: 'The envelope names a key id (kid) that is not configured.',
  SIGNATURE_INVALID: 'The HMAC signature does not match the envelope bytes.',
  QUEUE_FULL: 'The queue holds at least 80% of its capacity; retry later (retriable).',
  PRODUCER_CLOSED: 'publish was called on a TradeProducer after close(); nothing was enqueued.',
  CLICKHOUSE_BAD_DATA: 'ClickHouse rejected the row itself (parse, type or size error).',
  CLICKHOUSE_RETRIES_EXHAUSTED: 'ClickHouse kept failing transiently until the insert attempts ran out.',
  CLICKHOUSE_SCHEMA_MISMATCH: 'The ClickHouse schema version differs from the one this code needs.',
  CLICKHOUSE_UNAVAILABLE: 'ClickHouse could not be reached or answered with an error.',
  REDIS_UNAVAILABLE: 'Redis could not be reached.',
  REDIS_CLUSTER_MISMATCH: 'The Redis at TRADE_SYNC_REDIS_URL is a cluster node while TRADE_SYNC_REDIS_CLUSTER is off, or is not one while it is on.',
  PARTITIONS_MISMATCH: "TRADE_SYNC_PARTITIONS differs from the partition count recorded in Redis; `trade-sync repartition` changes it.",
  REPARTITION_NOT_DRAINED: '`trade-sync repartition` found jobs in the trades queues or orders in flight; stop intake and let the workers drain them first.',
  SPILL_WRITE_FAILED: 'A batch could not be written to the DuckDB spill (e.g. disk full); its jobs stay in Redis.',
  SPILL_QUERY_FAILED: 'DuckDB rejected the SQL given to `trade-sync spill query`, or a spill file could not be opened.',
  SPILL_BACKUP_INVALID: 'A spill backup failed authentication (tampered, truncated or wrong key); nothing was restored.',
  DLQ_JOB_NOT_FOUND: 'No dead letter with that id is parked in the dead-letter queue.',
  QUEUE_UNKNOWN: 'The supervisor runs no worker for that queue or partition (scale takes the trades queue, optionally with --partitions, one partition as trades.i, or the dead-letter queue).',
  ROLLING_RESTART_FAILED: 'A rolling restart did not finish in time: no supervisor answered, or a new process never became ready.',
  SERVICES_NOT_INSTALLED: '`up` found ClickHouse or Redis missing and cannot install it here (not root, or not Debian/Ubuntu); it printed the one command to run.',
  // --- HTTPS ingest (src/ingest/) ---
  INGEST_BAD_REQUEST: 'The ingest request is malformed: not NDJSON or a JSON array of envelopes, empty, too many trades, or a wrong method or path.',
  INGEST_BODY_TOO_LARGE: 'The ingest request body exceeds TRADE_SYNC_INGEST_MAX_BODY_BYTES; the rest of it was discarded unread and nothing was enqueued.',
  INGEST_REPLAY_WINDOW: "The envelope's sent_at_ns is outside the replay window (± TRADE_SYNC_INGEST_REPLAY_WINDOW_MS of the server clock).",
  INGEST_NONCE_REUSED: 'The envelope\'s nonce was seen before for that key id (a replayed or duplicated envelope).',
  INGEST_RATE_LIMITED: "The key id's trade rate limit is used up; retry after Retry-After seconds (retriable).",
  INGEST_CLIENT_NOT_ALLOWED: 'The client certificate (mutual TLS) may not sign with that key id, or maps to no key id at all.',
  INGEST_SHUTTING_DOWN: 'The ingest server is stopping and takes no new requests; retry (retriable).',
  INGEST_INTERNAL_ERROR: 'An unexpected ingest server error; nothing from the request was enqueued (retriable).',
  // --- reconciliation (src/reconcile/) ---
  RECONCILE_SOURCE_NOT_FOUND: 'The reconcile source file (DuckDB, Parquet, CSV or id list) does not exist.',
  RECONCILE_SOURCE_INVALID: 'The reconcile source cannot be read: not a DuckDB/Parquet/CSV file, no such table, or a required column is missing.',
  RECONCILE_COLUMN_UNKNOWN: 'The column mapping names a field trade-sync does not compare, or a column the source does not have.',
  RECONCILE_WINDOW_INVALID: 'The reconcile window is malformed: --from/--to not an ISO-8601 UTC time or nanoseconds, or --from not before --to.',
  // --- ClickHouse cluster (TRADE_SYNC_CLICKHOUSE_CLUSTER, src/sinks/clickhouse/cluster-topology.ts) ---
  CLICKHOUSE_CLUSTER_UNKNOWN: "A ClickHouse node has no cluster of the TRADE_SYNC_CLICKHOUSE_CLUSTER name in its <remote_servers> (system.clusters).",
  CLICKHOUSE_NODE_NOT_IN_CLUSTER: 'A URL in TRADE_SYNC_CLICKHOUSE_URL is not one of the cluster\'s replicas (no shard of the cluster is local to it).',
  CLICKHOUSE_SHARD_MACRO_MISSING: 'A ClickHouse node of the cluster defines no `shard` or `replica` macro (<macros>), which the replicated tables\' paths need.',
  CLICKHOUSE_CLUSTER_INCONSISTENT: 'The configured nodes disagree: different shard counts, replicas of one shard with different `shard` macros, or two shards with the same one.',
  CLICKHOUSE_CLUSTER_NOT_SET: 'The database was migrated ON CLUSTER (its trades table is Distributed) but TRADE_SYNC_CLICKHOUSE_CLUSTER is not set.',
  CLICKHOUSE_SHARD_UNCOVERED: 'A shard of the cluster has no URL in TRADE_SYNC_CLICKHOUSE_URL, so its trades could not be written; list at least one replica of every shard.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
