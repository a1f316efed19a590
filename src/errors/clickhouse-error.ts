import { TradeSyncError } from './trade-sync-error.js';

/** A failure talking to ClickHouse, with the server's numeric code when it sent one. */
export class ClickHouseError extends TradeSyncError {
  readonly serverCode: number | undefined;

  constructor(
    code: 'CLICKHOUSE_BAD_DATA' | 'CLICKHOUSE_UNAVAILABLE' | 'CLICKHOUSE_RETRIES_EXHAUSTED',
    message: string,
    options: { serverCode?: number; retriable?: boolean; cause?: unknown } = {},
  ) {
    super(code, message, { retriable: options.retriable ?? false, cause: options.cause });
    this.serverCode = options.serverCode;
  }
}
