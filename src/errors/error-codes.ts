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
  CLICKHOUSE_BAD_DATA: 'ClickHouse rejected the row itself (parse, type or size error).',
  CLICKHOUSE_RETRIES_EXHAUSTED: 'ClickHouse kept failing transiently until the insert attempts ran out.',
  CLICKHOUSE_SCHEMA_MISMATCH: 'The ClickHouse schema version differs from the one this code needs.',
  CLICKHOUSE_UNAVAILABLE: 'ClickHouse could not be reached or answered with an error.',
  REDIS_UNAVAILABLE: 'Redis could not be reached.',
  SPILL_WRITE_FAILED: 'A batch could not be written to the DuckDB spill (e.g. disk full); its jobs stay in Redis.',
  SPILL_QUERY_FAILED: 'DuckDB rejected the SQL given to `trade-sync spill query`.',
  SPILL_BACKUP_INVALID: 'A spill backup failed authentication (tampered, truncated or wrong key); nothing was restored.',
  DLQ_JOB_NOT_FOUND: 'No dead letter with that id is parked in the dead-letter queue.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
