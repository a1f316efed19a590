import type { ErrorCode } from '../errors/index.js';

/** One line on what an operator does about a dead letter of each code. */
const HINTS: Partial<Record<ErrorCode, string>> = {
  SIGNATURE_UNKNOWN_KEY: 'Add its key id to TRADE_SYNC_HMAC_KEYS on every worker (rolling restart), then Retry.',
  SIGNATURE_INVALID: 'The bytes do not match the signature: fix the key or the signing on the engine; Retry only if the worker had the wrong secret for this key id, a tampered message fails again.',
  ENVELOPE_INVALID: 'Not a signed envelope: fix the sender. Retry fails again.',
  TRADE_INVALID: 'Fix the fields named in the reason on the engine and send the trade again; Retry fails again.',
  TRADE_SCHEMA_UNSUPPORTED: 'Upgrade the workers (or raise TRADE_SYNC_MAX_SCHEMA_VERSION), then Retry.',
  CLICKHOUSE_BAD_DATA: 'ClickHouse refused the row: check the table (`trade-sync migrate`) and the value in the reason, then Retry.',
  CLICKHOUSE_RETRIES_EXHAUSTED: 'ClickHouse was unavailable: once `trade-sync status` shows it healthy, Retry (or Retry all).',
  CLICKHOUSE_SCHEMA_MISMATCH: 'Run `trade-sync migrate`, then Retry.',
  CLICKHOUSE_UNAVAILABLE: 'Once `trade-sync status` shows ClickHouse healthy, Retry.',
};

export function deadLetterHint(code: string): string {
  return HINTS[code as ErrorCode] ?? 'Fix the cause named in the reason, then Retry.';
}
