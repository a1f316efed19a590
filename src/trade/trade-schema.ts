import { z } from 'zod';
import { DECIMAL_PATTERN, compareDecimal, isZeroDecimal } from './decimal.js';

/** The message schema version this code writes and reads. */
export const TRADE_SCHEMA_VERSION = 1;

const decimal = z.string().max(31).regex(DECIMAL_PATTERN, 'must be a decimal string like "101.25" (<= 18 integer and 12 fraction digits, no sign or exponent)');
const positiveDecimal = decimal.refine((v) => !isZeroDecimal(v), 'must be greater than zero');
const code = (max: number, pattern: RegExp, what: string) => z.string().min(1).max(max).regex(pattern, `must be ${what}`);

/**
 * One fill of an order, as the engine produced it (schema_version 1). Strict: unknown fields,
 * NaN, negative or float quantities, bad UUIDs and oversized strings are rejected per field.
 */
export const tradeSchema = z
  .strictObject({
    schema_version: z.literal(TRADE_SCHEMA_VERSION),
    trade_id: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'must be a lower-case RFC 4122 UUID'),
    order_id: code(64, /^[A-Za-z0-9_.:-]+$/, '1-64 of [A-Za-z0-9_.:-]'),
    fill_seq: z.number().int().min(0).max(2_147_483_647),
    symbol: code(32, /^[A-Z0-9][A-Z0-9._/-]*$/, '1-32 of [A-Z0-9._/-], upper case'),
    side: z.enum(['buy', 'sell']),
    price: positiveDecimal,
    qty: positiveDecimal,
    order_qty: positiveDecimal,
    cum_qty: positiveDecimal,
    order_status: z.enum(['partial', 'filled', 'cancelled']),
    ts_ns: z.string().regex(/^[1-9][0-9]{0,18}$/, 'must be nanoseconds since the epoch as a decimal string'),
    venue: code(16, /^[A-Z0-9_-]+$/, '1-16 of [A-Z0-9_-], upper case'),
    account: code(64, /^[A-Za-z0-9_.:-]+$/, '1-64 of [A-Za-z0-9_.:-]'),
  })
  .superRefine((t, ctx) => {
    if (compareDecimal(t.qty, t.cum_qty) > 0) ctx.addIssue({ code: 'custom', path: ['qty'], message: 'must not exceed cum_qty' });
    if (compareDecimal(t.cum_qty, t.order_qty) > 0) ctx.addIssue({ code: 'custom', path: ['cum_qty'], message: 'must not exceed order_qty' });
  });

export type Trade = z.infer<typeof tradeSchema>;
