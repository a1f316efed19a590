import { clickhouseHashSql } from './canonical-hash-sql.js';
import type { ReconcileWindow } from './reconcile-window.js';

/** One (venue, account, symbol, time bucket) cell of the report. */
export interface BucketKey {
  readonly venue: string;
  readonly account: string;
  readonly symbol: string;
  /** floor(ts_ns / bucketNs). */
  readonly bucket: bigint;
}

/**
 * A ClickHouse string literal. 18.16 has no query parameters, so the few data values that reach a
 * reconcile query (bucket keys read back from the server) are quoted here: backslash and quote
 * escaped, which is all ClickHouse's literal parser interprets.
 */
export function quoteClickHouseString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

const windowWhere = (w: ReconcileWindow) => `ts_ns >= ${w.fromNs} AND ts_ns < ${w.toNs}`;

/** Per-bucket count and hash sum (UInt64, wraps modulo 2^64) of the window, exact (FINAL). */
export function bucketAggregatesSql(database: string, window: ReconcileWindow, bucketNs: bigint): string {
  return `SELECT venue, account, symbol, intDiv(ts_ns, ${bucketNs}) AS bucket, count() AS n, sum(h) AS hsum
    FROM (SELECT venue, account, symbol, ts_ns, ${clickhouseHashSql()} AS h FROM ${database}.trades FINAL WHERE ${windowWhere(window)})
    GROUP BY venue, account, symbol, bucket`;
}

/**
 * Every trade's id, bucket key and hash in the given buckets (or, with none given, in the whole
 * window). The buckets are matched as one tuple IN set (a hash lookup, not a chain of ORs), and
 * their symbols and time span bound the primary key (symbol, ts_ns) so only their parts are read.
 */
export function bucketRowsSql(database: string, window: ReconcileWindow, bucketNs: bigint, buckets?: readonly BucketKey[]): string {
  let where = windowWhere(window);
  if (buckets !== undefined && buckets.length > 0) {
    let first = buckets[0]?.bucket ?? 0n;
    let last = first;
    for (const b of buckets) {
      if (b.bucket < first) first = b.bucket;
      if (b.bucket > last) last = b.bucket;
    }
    const symbols = [...new Set(buckets.map((b) => b.symbol))].map(quoteClickHouseString);
    const tuples = buckets.map((b) => `(${quoteClickHouseString(b.venue)}, ${quoteClickHouseString(b.account)}, ${quoteClickHouseString(b.symbol)}, ${b.bucket})`);
    where = `${where} AND ts_ns >= ${first * bucketNs} AND ts_ns < ${(last + 1n) * bucketNs} AND symbol IN (${symbols.join(', ')})
      AND (venue, account, symbol, intDiv(ts_ns, ${bucketNs})) IN (${tuples.join(', ')})`;
  }
  return `SELECT toString(trade_id) AS trade_id, venue, account, symbol, intDiv(ts_ns, ${bucketNs}) AS bucket, ${clickhouseHashSql()} AS h
    FROM ${database}.trades FINAL WHERE ${where}`;
}
