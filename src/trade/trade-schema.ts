import { z } from 'zod';
import { DECIMAL_PATTERN, POSITIVE_DECIMAL_PATTERN, compareDecimal } from './decimal.js';

/** Message schema versions this code reads; producers write the newest by default. */
export const TRADE_SCHEMA_VERSIONS = [1, 2] as const;
export const TRADE_SCHEMA_VERSION = 2;

/** Field patterns and limits, shared by the schemas below and their hot-path twin (trade-fast-check.ts). */
export const TRADE_RULES = {
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  id: /^[A-Za-z0-9_.:-]+$/,
  symbol: /^[A-Z0-9][A-Z0-9._/-]*$/,
  venue: /^[A-Z0-9_-]+$/,
  tsNs: /^[1-9][0-9]{0,18}$/,
  maxId: 64,
  maxSymbol: 32,
  maxVenue: 16,
  maxDecimal: 31,
  maxFillSeq: 2_147_483_647,
} as const;
const R = TRADE_RULES;

const DECIMAL_RULE = '(<= 18 integer and 12 fraction digits, no sign or exponent)';
const decimal = z.string().max(R.maxDecimal).regex(DECIMAL_PATTERN, `must be a decimal string like "101.25" ${DECIMAL_RULE}`);
const positiveDecimal = z.string().max(R.maxDecimal).regex(POSITIVE_DECIMAL_PATTERN, `must be a decimal string greater than zero like "101.25" ${DECIMAL_RULE}`);
const code = (max: number, pattern: RegExp, what: string) => z.string().min(1).max(max).regex(pattern, `must be ${what}`);

/** Fields every version has. */
const fillFields = {
  trade_id: z.string().regex(R.uuid, 'must be a lower-case RFC 4122 UUID'),
  order_id: code(R.maxId, R.id, '1-64 of [A-Za-z0-9_.:-]'),
  fill_seq: z.number().int().min(0).max(R.maxFillSeq),
  symbol: code(R.maxSymbol, R.symbol, '1-32 of [A-Z0-9._/-], upper case'),
  side: z.enum(['buy', 'sell']),
  price: positiveDecimal,
  qty: positiveDecimal,
  order_qty: positiveDecimal,
  cum_qty: positiveDecimal,
  order_status: z.enum(['partial', 'filled', 'cancelled']),
  ts_ns: z.string().regex(R.tsNs, 'must be nanoseconds since the epoch as a decimal string'),
  venue: code(R.maxVenue, R.venue, '1-16 of [A-Z0-9_-], upper case'),
  account: code(R.maxId, R.id, '1-64 of [A-Za-z0-9_.:-]'),
};

function quantitiesConsistent(t: { qty: string; cum_qty: string; order_qty: string }, ctx: z.RefinementCtx): void {
  if (compareDecimal(t.qty, t.cum_qty) > 0) ctx.addIssue({ code: 'custom', path: ['qty'], message: 'must not exceed cum_qty' });
  if (compareDecimal(t.cum_qty, t.order_qty) > 0) ctx.addIssue({ code: 'custom', path: ['cum_qty'], message: 'must not exceed order_qty' });
}

/**
 * Version 1: one fill of an order. Strict: unknown fields, NaN, negative or float quantities,
 * bad UUIDs and oversized strings are rejected per field.
 */
export const tradeSchemaV1 = z.strictObject({ schema_version: z.literal(1), ...fillFields }).superRefine(quantitiesConsistent);

/** Version 2 adds an optional `fee` (decimal, may be zero) and `liquidity` (maker or taker). */
export const tradeSchemaV2 = z
  .strictObject({ schema_version: z.literal(2), ...fillFields, fee: decimal.optional(), liquidity: z.enum(['maker', 'taker']).optional() })
  .superRefine(quantitiesConsistent);

export type TradeV1 = z.infer<typeof tradeSchemaV1>;
export type TradeV2 = z.infer<typeof tradeSchemaV2>;
export type Trade = TradeV1 | TradeV2;

/** The schema for one version, or undefined when this code does not know it. */
export function tradeSchemaFor(version: unknown): typeof tradeSchemaV1 | typeof tradeSchemaV2 | undefined {
  return version === 1 ? tradeSchemaV1 : version === 2 ? tradeSchemaV2 : undefined;
}
