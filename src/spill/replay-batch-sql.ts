import { TRADE_COLUMNS } from '../sinks/clickhouse/trade-columns.js';

/** Replay order: the trades table's sort key, then trade_id so the order is total. */
export const REPLAY_ORDER = 'ORDER BY symbol, ts_ns, trade_id';

/** The TabSeparated line of one spill row, in TRADE_COLUMNS order (absent fee/liquidity as \N), as buildInsertBody writes it. */
const LINE = `concat_ws(chr(9), ${TRADE_COLUMNS.map((c) => (c === 'fee' || c === 'liquidity' ? `coalesce(${c}, '\\N')` : c)).join(', ')})`;

/** Any character TabSeparated would have to escape. Validated trades have none; a row with one goes the row-by-row way. */
const NEEDS_ESCAPE = `regexp_matches(concat(${TRADE_COLUMNS.filter((c) => c !== 'schema_version' && c !== 'fill_seq' && c !== 'ts_ns').join(', ')}), '[\\t\\n\\r\\\\]')`;

/**
 * The oldest `limit` rows as one ready INSERT body, built inside DuckDB so no row becomes a
 * JS object: columns are the batch's row count, the body (distinct trade ids, in replay order),
 * the distinct trade ids, and whether any row would need escaping.
 */
export function encodedBatchSql(limit: number): string {
  return `WITH batch AS (SELECT * FROM spill_rows ${REPLAY_ORDER} LIMIT ${limit}),
    uniq AS (SELECT DISTINCT ON (trade_id) * FROM batch)
    SELECT (SELECT count(*) FROM batch)::INTEGER, string_agg(${LINE}, chr(10) ${REPLAY_ORDER}), list(trade_id), coalesce(bool_or(${NEEDS_ESCAPE}), false)
    FROM uniq`;
}

/** Deletes the rows of the batch `encodedBatchSql(limit)` or `SELECT … ${REPLAY_ORDER} LIMIT limit` read (every copy of their trade ids). */
export function deleteBatchSql(limit: number): string {
  return `DELETE FROM spill_rows WHERE trade_id IN (SELECT trade_id FROM spill_rows ${REPLAY_ORDER} LIMIT ${limit})`;
}
