/** Version of the spill file layout; files carry it in `spill_meta` and are migrated on open. */
export const SPILL_SCHEMA_VERSION = 3;

/** The spill table. Decimals stay as their exact text; the `trades` view casts them for analytics. */
export const SPILL_COLUMNS = [
  'schema_version', 'trade_id', 'order_id', 'fill_seq', 'symbol', 'side', 'price', 'qty', 'order_qty',
  'cum_qty', 'order_status', 'ts_ns', 'venue', 'account', 'kid', 'envelope', 'spilled_at_ms', 'fee', 'liquidity',
] as const;

/** Columns of `spill_packs`: the signed packs whose trades are spilled, by signature (see pack-ref.ts). */
export const SPILL_PACKS_COLUMNS = '(sig VARCHAR PRIMARY KEY, envelope VARCHAR NOT NULL)';

/** DuckDB migrations by target version; each runs once inside a transaction. */
export const SPILL_MIGRATIONS: readonly { version: number; statements: readonly string[] }[] = [
  {
    version: 1,
    statements: [
      `CREATE TABLE IF NOT EXISTS spill_rows (
        schema_version UTINYINT NOT NULL, trade_id VARCHAR NOT NULL, order_id VARCHAR NOT NULL,
        fill_seq UINTEGER NOT NULL, symbol VARCHAR NOT NULL, side VARCHAR NOT NULL,
        price VARCHAR NOT NULL, qty VARCHAR NOT NULL, order_qty VARCHAR NOT NULL, cum_qty VARCHAR NOT NULL,
        order_status VARCHAR NOT NULL, ts_ns UBIGINT NOT NULL, venue VARCHAR NOT NULL, account VARCHAR NOT NULL,
        kid VARCHAR NOT NULL, envelope VARCHAR NOT NULL, spilled_at_ms BIGINT NOT NULL)`,
    ],
  },
  {
    version: 2,
    statements: ['ALTER TABLE spill_rows ADD COLUMN IF NOT EXISTS fee VARCHAR', 'ALTER TABLE spill_rows ADD COLUMN IF NOT EXISTS liquidity VARCHAR'],
  },
  {
    // Signed packs, stored once each; their spilled trades refer to them (pack-ref.ts).
    version: 3,
    statements: [`CREATE TABLE IF NOT EXISTS spill_packs ${SPILL_PACKS_COLUMNS}`],
  },
];

/**
 * A typed view `trades` over the `spill_rows` of every source catalog, for `trade-sync spill query`.
 * Sources still at spill schema 1 (read-only, so not migrated) show NULL fee and liquidity.
 */
export function tradesViewSql(sources: readonly string[], version2: ReadonlySet<string>): string {
  const v2 = (s: string, column: string, cast: string) => (version2.has(s) ? cast.replace('?', column) : 'NULL');
  const select = (s: string) =>
    `SELECT trade_id, order_id, fill_seq, symbol, side, CAST(price AS DECIMAL(38,12)) AS price,
      CAST(qty AS DECIMAL(38,12)) AS qty, CAST(order_qty AS DECIMAL(38,12)) AS order_qty,
      CAST(cum_qty AS DECIMAL(38,12)) AS cum_qty, order_status, ts_ns, venue, account, kid,
      ${v2(s, 'fee', 'CAST(? AS DECIMAL(38,12))')} AS fee, ${v2(s, 'liquidity', '?')} AS liquidity,
      epoch_ms(spilled_at_ms) AS spilled_at, '${s}' AS spill_file FROM ${s}.spill_rows`;
  return `CREATE OR REPLACE TEMP VIEW trades AS ${sources.map(select).join(' UNION ALL ')}`;
}
