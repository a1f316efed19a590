import type { ServerFeatures } from './server-features.js';

/** What a migration may do: run DDL, and ask whether a column exists (18.16 has no ADD COLUMN IF NOT EXISTS). */
export interface MigrationContext {
  readonly database: string;
  readonly features: ServerFeatures;
  run(sql: string): Promise<void>;
  columnExists(table: string, column: string): Promise<boolean>;
}

/** One versioned, idempotent schema step. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /**
   * The oldest code schema version that can still run against the database after this step.
   * Additive steps keep older workers working during a rolling upgrade.
   */
  readonly compatibleFrom: number;
  readonly up: (ctx: MigrationContext) => Promise<void>;
}

const DEC = 'Decimal(38, 12)';

/** The trades table: a re-inserted trade collapses on (symbol, ts_ns, trade_id); exact reads use FINAL. */
const createTrades: Migration = {
  version: 1,
  name: 'create_trades',
  compatibleFrom: 1,
  up: ({ database, features, run }) =>
    run(`CREATE TABLE IF NOT EXISTS ${database}.trades (
      schema_version UInt8, trade_id UUID, order_id String, fill_seq UInt32, symbol String,
      side Enum8('buy' = 1, 'sell' = 2), price ${DEC}, qty ${DEC}, order_qty ${DEC}, cum_qty ${DEC},
      order_status Enum8('partial' = 1, 'filled' = 2, 'cancelled' = 3), ts_ns UInt64,
      venue String, account String, kid String, inserted_at DateTime DEFAULT now()
    ) ENGINE = ReplacingMergeTree
    PARTITION BY toYYYYMM(toDateTime(intDiv(ts_ns, 1000000000)))
    ORDER BY (symbol, ts_ns, trade_id)${features.nonReplicatedDedupWindow ? '\n    SETTINGS non_replicated_deduplication_window = 1000' : ''}`),
};

/** Message schema 2: optional fee and liquidity flag (NULL for version-1 trades). Additive. */
const tradeFeeAndLiquidity: Migration = {
  version: 2,
  name: 'trades_fee_liquidity',
  compatibleFrom: 1,
  up: async ({ database, run, columnExists }) => {
    if (!(await columnExists('trades', 'fee'))) await run(`ALTER TABLE ${database}.trades ADD COLUMN fee Nullable(${DEC})`);
    if (!(await columnExists('trades', 'liquidity'))) {
      await run(`ALTER TABLE ${database}.trades ADD COLUMN liquidity Nullable(Enum8('maker' = 1, 'taker' = 2))`);
    }
  },
};

/**
 * One row per order, committed when its fills are complete (or timed out as `incomplete`).
 * `version` ranks commits (complete beats incomplete, more fills beat fewer), so FINAL keeps the best.
 */
const createOrders: Migration = {
  version: 3,
  name: 'create_orders',
  compatibleFrom: 1,
  up: ({ database, run }) =>
    run(`CREATE TABLE IF NOT EXISTS ${database}.orders (
      account String, order_id String, symbol String, side Enum8('buy' = 1, 'sell' = 2), venue String,
      order_qty ${DEC}, filled_qty ${DEC}, notional ${DEC}, vwap ${DEC}, fill_count UInt32,
      first_ts_ns UInt64, last_ts_ns UInt64,
      status Enum8('filled' = 1, 'cancelled' = 2, 'incomplete' = 3),
      version UInt64, committed_at DateTime DEFAULT now()
    ) ENGINE = ReplacingMergeTree(version)
    ORDER BY (account, order_id)`),
};

/** Every migration, in order. The last one's version is the schema version this code needs. */
export const MIGRATIONS: readonly Migration[] = [createTrades, tradeFeeAndLiquidity, createOrders];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
