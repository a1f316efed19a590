import { distributedEngine, localTable, onCluster, shardedEngine } from './cluster-ddl.js';
import type { ServerFeatures } from './server-features.js';

/** What a migration may do: run DDL, and ask whether a column exists (18.16 has no ADD COLUMN IF NOT EXISTS). */
export interface MigrationContext {
  readonly database: string;
  readonly features: ServerFeatures;
  /** TRADE_SYNC_CLICKHOUSE_CLUSTER: DDL runs ON CLUSTER, tables are replicated `_local` + Distributed (cluster-ddl.ts). */
  readonly cluster: string | undefined;
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

const TRADES_COLUMNS = `(
      schema_version UInt8, trade_id UUID, order_id String, fill_seq UInt32, symbol String,
      side Enum8('buy' = 1, 'sell' = 2), price ${DEC}, qty ${DEC}, order_qty ${DEC}, cum_qty ${DEC},
      order_status Enum8('partial' = 1, 'filled' = 2, 'cancelled' = 3), ts_ns UInt64,
      venue String, account String, kid String, inserted_at DateTime DEFAULT now()
    )`;
const TRADES_KEYS = `PARTITION BY toYYYYMM(toDateTime(intDiv(ts_ns, 1000000000)))
    ORDER BY (symbol, ts_ns, trade_id)`;
const FEE = `fee Nullable(${DEC})`;
const LIQUIDITY = "liquidity Nullable(Enum8('maker' = 1, 'taker' = 2))";
/** The trades columns once migration 2 has run (the Distributed table lists them itself). */
const TRADES_COLUMNS_V2 = TRADES_COLUMNS.replace(/\n {4}\)$/, `,\n      ${FEE}, ${LIQUIDITY}\n    )`);

/** The Distributed table `<db>.<table>` over `<table>_local` on every node of the cluster. */
function createDistributed(database: string, cluster: string, table: string, columns: string): string {
  return `CREATE TABLE IF NOT EXISTS ${database}.${table}${onCluster(cluster)} ${columns} ENGINE = ${distributedEngine(cluster, database, table)}`;
}

/** The trades table: a re-inserted trade collapses on (symbol, ts_ns, trade_id); exact reads use FINAL. */
const createTrades: Migration = {
  version: 1,
  name: 'create_trades',
  compatibleFrom: 1,
  up: async ({ database, features, cluster, run }) => {
    if (cluster === undefined) {
      return run(`CREATE TABLE IF NOT EXISTS ${database}.trades ${TRADES_COLUMNS} ENGINE = ReplacingMergeTree
    ${TRADES_KEYS}${features.nonReplicatedDedupWindow ? '\n    SETTINGS non_replicated_deduplication_window = 1000' : ''}`);
    }
    const local = localTable('trades');
    await run(`CREATE TABLE IF NOT EXISTS ${database}.${local}${onCluster(cluster)} ${TRADES_COLUMNS} ENGINE = ${shardedEngine(cluster, database, local, 'ReplacingMergeTree')}
    ${TRADES_KEYS}`);
    await run(createDistributed(database, cluster, 'trades', TRADES_COLUMNS));
  },
};

/**
 * Message schema 2: optional fee and liquidity flag (NULL for version-1 trades). Additive. On a
 * cluster the local tables get the columns by a replicated ALTER; the Distributed table, which
 * holds no data, is created again with them (18.16 refuses ALTER … ON CLUSTER of a table that is
 * not replicated when the cluster's shards replicate internally).
 */
const tradeFeeAndLiquidity: Migration = {
  version: 2,
  name: 'trades_fee_liquidity',
  compatibleFrom: 1,
  up: async ({ database, cluster, run, columnExists }) => {
    const table = cluster === undefined ? 'trades' : localTable('trades');
    if (!(await columnExists(table, 'fee'))) await run(`ALTER TABLE ${database}.${table}${onCluster(cluster)} ADD COLUMN ${FEE}`);
    if (!(await columnExists(table, 'liquidity'))) {
      await run(`ALTER TABLE ${database}.${table}${onCluster(cluster)} ADD COLUMN ${LIQUIDITY}`);
    }
    if (cluster !== undefined && !((await columnExists('trades', 'fee')) && (await columnExists('trades', 'liquidity')))) {
      await run(`DROP TABLE IF EXISTS ${database}.trades${onCluster(cluster)}`);
      await run(createDistributed(database, cluster, 'trades', TRADES_COLUMNS_V2));
    }
  },
};

/**
 * One row per order, committed when its fills are complete (or timed out as `incomplete`).
 * `version` ranks commits (complete beats incomplete, more fills beat fewer), so FINAL keeps the best.
 */
const ORDERS_COLUMNS = `(
      account String, order_id String, symbol String, side Enum8('buy' = 1, 'sell' = 2), venue String,
      order_qty ${DEC}, filled_qty ${DEC}, notional ${DEC}, vwap ${DEC}, fill_count UInt32,
      first_ts_ns UInt64, last_ts_ns UInt64,
      status Enum8('filled' = 1, 'cancelled' = 2, 'incomplete' = 3),
      version UInt64, committed_at DateTime DEFAULT now()
    )`;

const createOrders: Migration = {
  version: 3,
  name: 'create_orders',
  compatibleFrom: 1,
  up: async ({ database, cluster, run }) => {
    if (cluster === undefined) {
      return run(`CREATE TABLE IF NOT EXISTS ${database}.orders ${ORDERS_COLUMNS} ENGINE = ReplacingMergeTree(version)
    ORDER BY (account, order_id)`);
    }
    const local = localTable('orders');
    await run(`CREATE TABLE IF NOT EXISTS ${database}.${local}${onCluster(cluster)} ${ORDERS_COLUMNS} ENGINE = ${shardedEngine(cluster, database, local, 'ReplacingMergeTree', ['version'])}
    ORDER BY (account, order_id)`);
    await run(createDistributed(database, cluster, 'orders', ORDERS_COLUMNS));
  },
};

/** Every migration, in order. The last one's version is the schema version this code needs. */
export const MIGRATIONS: readonly Migration[] = [createTrades, tradeFeeAndLiquidity, createOrders];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
