import { TradeSyncError } from './trade-sync-error.js';

export class SchemaMismatchError extends TradeSyncError {
  readonly found: number;
  readonly expected: number;

  constructor(database: string, found: number, expected: number) {
    const fix =
      found < expected
        ? 'run `trade-sync migrate` (admin credentials) and start the worker again'
        : 'upgrade this worker to a trade-sync release that knows that schema';
    super(
      'CLICKHOUSE_SCHEMA_MISMATCH',
      `ClickHouse database "${database}" is at schema version ${found}, this worker needs ${expected}: ${fix}`,
    );
    this.found = found;
    this.expected = expected;
  }
}
