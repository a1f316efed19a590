/**
 * The DuckDB SQL of a reconcile run, over the views of reconcile-source.ts (`src`) and the tables
 * filled from ClickHouse (`ch_buckets`, `ch_rows`). No value is interpolated: these are constants.
 */

const KEY = 'venue, account, symbol, bucket';

/** Scratch tables the ClickHouse side is streamed into. */
export const WORK_TABLES_SQL = [
  'CREATE TABLE ch_buckets (venue VARCHAR, account VARCHAR, symbol VARCHAR, bucket UBIGINT, n UBIGINT, hsum UBIGINT)',
  'CREATE TABLE ch_rows (trade_id VARCHAR, venue VARCHAR, account VARCHAR, symbol VARCHAR, bucket UBIGINT, h UBIGINT)',
] as const;

/** Full rows: one row per bucket of either side; equal when count and hash sum agree. */
export const TRADES_CMP_SQL = `CREATE TABLE cmp AS
  SELECT ${KEY}, coalesce(s.n, 0) AS src_n, coalesce(c.n, 0) AS ch_n,
    (s.n IS NOT DISTINCT FROM c.n AND s.hsum IS NOT DISTINCT FROM c.hsum) AS equal
  FROM src_buckets s FULL JOIN ch_buckets c USING (${KEY})`;

/**
 * Full rows: every trade of a mismatching bucket on either side, joined on trade_id across all of
 * them (a trade that moved to another bucket in ClickHouse is one `different`, not a missing plus
 * an extra). A trade is placed in its source bucket when the source has it.
 */
export const DIFFS_SQL = `CREATE TABLE diffs AS
  WITH bad AS (SELECT ${KEY} FROM cmp WHERE NOT equal),
  s AS (SELECT src.* FROM src SEMI JOIN bad USING (${KEY}))
  SELECT coalesce(s.trade_id, c.trade_id) AS trade_id,
    CASE WHEN c.trade_id IS NULL THEN 'missing' WHEN s.trade_id IS NULL THEN 'extra' ELSE 'different' END AS kind,
    CASE WHEN s.trade_id IS NULL THEN c.venue ELSE s.venue END AS venue,
    CASE WHEN s.trade_id IS NULL THEN c.account ELSE s.account END AS account,
    CASE WHEN s.trade_id IS NULL THEN c.symbol ELSE s.symbol END AS symbol,
    CASE WHEN s.trade_id IS NULL THEN c.bucket ELSE s.bucket END AS bucket
  FROM s FULL JOIN ch_rows c ON s.trade_id = c.trade_id
  WHERE s.trade_id IS NULL OR c.trade_id IS NULL OR s.h <> c.h`;

/**
 * An id list: the distinct ids read once into a table; ClickHouse's buckets, counting the listed
 * ids found in each; ids ClickHouse lacks form one row without a bucket (nothing places them).
 */
export const IDS_CMP_SQL = [
  `CREATE TABLE src_ids AS SELECT trade_id FROM src`,
  `CREATE TABLE cmp AS
  SELECT ${KEY}, count(s.trade_id)::UBIGINT AS src_n, count(*)::UBIGINT AS ch_n, count(s.trade_id) = count(*) AS equal
  FROM ch_rows c LEFT JOIN src_ids s ON s.trade_id = c.trade_id GROUP BY ${KEY}`,
  `INSERT INTO cmp SELECT '', '', '', NULL, count(*), 0, false FROM src_ids s ANTI JOIN ch_rows c ON s.trade_id = c.trade_id HAVING count(*) > 0`,
] as const;

export const IDS_DIFFS_SQL = `CREATE TABLE diffs AS
  SELECT s.trade_id, 'missing' AS kind, '' AS venue, '' AS account, '' AS symbol, NULL::UBIGINT AS bucket
  FROM src_ids s ANTI JOIN ch_rows c ON s.trade_id = c.trade_id
  UNION ALL
  SELECT c.trade_id, 'extra' AS kind, c.venue, c.account, c.symbol, c.bucket FROM ch_rows c ANTI JOIN src_ids s ON s.trade_id = c.trade_id`;

/** One row per bucket with its differences, in key order. */
export const REPORT_SQL = `SELECT c.venue, c.account, c.symbol, c.bucket, c.src_n, c.ch_n,
    coalesce(d.missing, 0), coalesce(d.extra, 0), coalesce(d.different, 0)
  FROM cmp c LEFT JOIN (
    SELECT ${KEY}, count(*) FILTER (WHERE kind = 'missing') AS missing, count(*) FILTER (WHERE kind = 'extra') AS extra,
      count(*) FILTER (WHERE kind = 'different') AS different
    FROM diffs GROUP BY ${KEY}
  ) d ON c.venue = d.venue AND c.account = d.account AND c.symbol = d.symbol AND c.bucket IS NOT DISTINCT FROM d.bucket
  ORDER BY c.venue, c.account, c.symbol, c.bucket NULLS FIRST`;

/** buckets, mismatched buckets, source rows, ClickHouse rows, missing, extra, different. */
export const TOTALS_SQL = `SELECT (SELECT count(*) FROM cmp), (SELECT count(*) FROM cmp WHERE NOT equal),
  (SELECT coalesce(sum(src_n), 0) FROM cmp), (SELECT coalesce(sum(ch_n), 0) FROM cmp),
  (SELECT count(*) FROM diffs WHERE kind = 'missing'), (SELECT count(*) FROM diffs WHERE kind = 'extra'),
  (SELECT count(*) FROM diffs WHERE kind = 'different')`;
