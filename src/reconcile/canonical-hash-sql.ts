/**
 * The canonical hash of a trade, written once for DuckDB and once for ClickHouse so both engines
 * compute the same 64-bit number from the same trade:
 *
 *   text = trade_id|order_id|fill_seq|symbol|side|price|qty|order_qty|cum_qty|order_status|ts_ns|venue|account
 *   hash = the first 8 bytes of MD5(text), read big-endian as an unsigned 64-bit integer
 *
 * Decimals are cast to Decimal(38, 12) (the ClickHouse column type) and printed without trailing
 * fraction zeros ('227.1250' and '227.125' give '227.125'); the trade id is lower case. Per-bucket
 * sums of the hash wrap modulo 2^64 on both sides. test/integration/reconcile-hash.test.ts holds the
 * two engines to the same numbers on real data.
 */

/** Fields of the canonical text, in order: the fill fields of every trade schema version. */
export const COMPARED_FIELDS = [
  'trade_id', 'order_id', 'fill_seq', 'symbol', 'side', 'price', 'qty', 'order_qty', 'cum_qty', 'order_status', 'ts_ns', 'venue', 'account',
] as const;
export type ComparedField = (typeof COMPARED_FIELDS)[number];

/** Decimal fields (exact; compared after canonicalization). */
export const DECIMAL_FIELDS: ReadonlySet<string> = new Set(['price', 'qty', 'order_qty', 'cum_qty']);

/** 2^64: per-bucket hash sums are taken modulo it (ClickHouse's UInt64 sum wraps by itself). */
export const HASH_MODULUS = 18446744073709551616n;

/** Decimal text already in plain form (the fast path: no cast, only trailing fraction zeros to strip). */
const PLAIN_DECIMAL = "'(0|[1-9][0-9]{0,25})(\\.[0-9]{1,12})?'";

/**
 * DuckDB: the canonical text of one field, from an expression of any type (text, decimal, integer,
 * double). A decimal in plain form only loses its trailing fraction zeros; anything else
 * (leading zeros, an exponent, more than 12 fraction digits) goes through Decimal(38, 12) like
 * ClickHouse's column, which costs about 9 µs a value, so plain text skips it.
 */
function duckdbField(field: ComparedField, expr: string): string {
  if (DECIMAL_FIELDS.has(field)) {
    const v = `CAST(${expr} AS VARCHAR)`;
    const cast = `CAST(TRY_CAST(${v} AS DECIMAL(38, 12)) AS VARCHAR)`;
    return `coalesce(CASE WHEN regexp_full_match(${v}, ${PLAIN_DECIMAL}) THEN (CASE WHEN contains(${v}, '.') THEN rtrim(rtrim(${v}, '0'), '.') ELSE ${v} END)
      ELSE (CASE WHEN contains(${cast}, '.') THEN rtrim(rtrim(${cast}, '0'), '.') ELSE ${cast} END) END, '')`;
  }
  if (field === 'trade_id') return `coalesce(lower(CAST(${expr} AS VARCHAR)), '')`;
  if (field === 'fill_seq' || field === 'ts_ns') return `coalesce(CAST(TRY_CAST(${expr} AS UBIGINT) AS VARCHAR), '')`;
  return `coalesce(CAST(${expr} AS VARCHAR), '')`;
}

/** DuckDB: the canonical hash (UBIGINT) of a row whose fields are given as SQL expressions. */
export function duckdbHashSql(fields: Readonly<Record<ComparedField, string>>): string {
  const text = COMPARED_FIELDS.map((f) => duckdbField(f, fields[f])).join(` || '|' || `);
  return `CAST('0x' || substr(md5(${text}), 1, 16) AS UBIGINT)`;
}

/** ClickHouse (18.16 and current): the canonical text of one column of the trades table. */
function clickhouseField(field: ComparedField): string {
  if (DECIMAL_FIELDS.has(field)) {
    const text = `toString(${field})`; // 18.16 prints all 12 fraction digits, current servers may not
    return `if(position(${text}, '.') > 0, replaceRegexpOne(${text}, '\\\\.?0+$', ''), ${text})`;
  }
  return `toString(${field})`;
}

/** ClickHouse: the canonical hash (UInt64) of a row of the trades table. */
export function clickhouseHashSql(): string {
  const text = `concat(${COMPARED_FIELDS.map(clickhouseField).join(", '|', ")})`;
  return `reinterpretAsUInt64(reverse(substring(MD5(${text}), 1, 8)))`;
}
