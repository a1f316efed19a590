import { DECIMAL_PATTERN, POSITIVE_DECIMAL_PATTERN, compareDecimal } from './decimal.js';
import { TRADE_RULES, type Trade } from './trade-schema.js';

/*
 * The hot-path twin of trade-schema.ts. The zod schemas stay the specification and the source of
 * every error message; this check only answers "would zod accept it?" without allocating, so a
 * valid trade costs a few regex tests instead of a zod parse. It must never accept what zod
 * rejects: test/unit/trade-fast-check.test.ts compares the two on generated near-valid inputs.
 * When it says no, parseTrade runs zod to name the bad fields.
 */

const R = TRADE_RULES;

const V1_KEYS = new Set(['schema_version', 'trade_id', 'order_id', 'fill_seq', 'symbol', 'side', 'price', 'qty', 'order_qty', 'cum_qty', 'order_status', 'ts_ns', 'venue', 'account']);
const V2_KEYS = new Set([...V1_KEYS, 'fee', 'liquidity']);

function code(v: unknown, max: number, pattern: RegExp): boolean {
  return typeof v === 'string' && v.length >= 1 && v.length <= max && pattern.test(v);
}

function decimal(v: unknown, pattern: RegExp): boolean {
  return typeof v === 'string' && v.length <= R.maxDecimal && pattern.test(v);
}

/** A JSON-like object: what JSON.parse makes, or an object literal. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function onlyKeys(o: object, keys: ReadonlySet<string>): boolean {
  for (const k of Object.keys(o)) if (!keys.has(k)) return false;
  return true;
}

/** True only when the trade schema of `t.schema_version` (1 or 2) accepts `input` unchanged. */
export function passesTradeSchema(input: unknown): input is Trade {
  if (!isPlainObject(input)) return false; // class instances and the like go through zod, which copies them
  const t = input;
  const version = t.schema_version;
  if (version === 2) {
    if (t.fee !== undefined && !decimal(t.fee, DECIMAL_PATTERN)) return false;
    if (t.liquidity !== undefined && t.liquidity !== 'maker' && t.liquidity !== 'taker') return false;
  } else if (version !== 1) {
    return false;
  }
  const seq = t.fill_seq;
  return (
    onlyKeys(t, version === 2 ? V2_KEYS : V1_KEYS) &&
    typeof t.trade_id === 'string' &&
    R.uuid.test(t.trade_id) &&
    code(t.order_id, R.maxId, R.id) &&
    typeof seq === 'number' &&
    Number.isInteger(seq) &&
    seq >= 0 &&
    seq <= R.maxFillSeq &&
    code(t.symbol, R.maxSymbol, R.symbol) &&
    (t.side === 'buy' || t.side === 'sell') &&
    decimal(t.price, POSITIVE_DECIMAL_PATTERN) &&
    decimal(t.qty, POSITIVE_DECIMAL_PATTERN) &&
    decimal(t.order_qty, POSITIVE_DECIMAL_PATTERN) &&
    decimal(t.cum_qty, POSITIVE_DECIMAL_PATTERN) &&
    (t.order_status === 'partial' || t.order_status === 'filled' || t.order_status === 'cancelled') &&
    typeof t.ts_ns === 'string' &&
    R.tsNs.test(t.ts_ns) &&
    code(t.venue, R.maxVenue, R.venue) &&
    code(t.account, R.maxId, R.id) &&
    compareDecimal(t.qty as string, t.cum_qty as string) <= 0 &&
    compareDecimal(t.cum_qty as string, t.order_qty as string) <= 0
  );
}
