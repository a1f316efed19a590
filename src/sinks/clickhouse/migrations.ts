import type { ServerFeatures } from './server-features.js';

/** One versioned, idempotent schema step. `up` returns DDL statements for this server. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: (database: string, features: ServerFeatures) => readonly string[];
}

/** The trades table: a re-inserted trade collapses on (symbol, ts_ns, trade_id); exact reads use FINAL. */
const createTrades: Migration = {
  version: 1,
  name: 'create_trades',
  up: (db, features) => [
    `CREATE TABLE IF NOT EXISTS ${db}.trades (
      schema_version UInt8,
      trade_id UUID,
      order_id String,
      fill_seq UInt32,
      symbol String,
      side Enum8('buy' = 1, 'sell' = 2),
      price Decimal(38, 12),
      qty Decimal(38, 12),
      order_qty Decimal(38, 12),
      cum_qty Decimal(38, 12),
      order_status Enum8('partial' = 1, 'filled' = 2, 'cancelled' = 3),
      ts_ns UInt64,
      venue String,
      account String,
      kid String,
      inserted_at DateTime DEFAULT now()
    ) ENGINE = ReplacingMergeTree
    PARTITION BY toYYYYMM(toDateTime(intDiv(ts_ns, 1000000000)))
    ORDER BY (symbol, ts_ns, trade_id)${features.nonReplicatedDedupWindow ? '\n    SETTINGS non_replicated_deduplication_window = 1000' : ''}`,
  ],
};

/** Every migration, in order. The last one's version is the schema version this code needs. */
export const MIGRATIONS: readonly Migration[] = [createTrades];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
