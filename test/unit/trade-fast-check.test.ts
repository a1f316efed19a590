import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compareDecimal } from '../../src/trade/decimal.js';
import { passesEnvelopeSchema } from '../../src/trade/parse-envelope.js';
import { signedEnvelopeSchema } from '../../src/trade/signed-envelope.js';
import { parseTrade } from '../../src/trade/parse-trade.js';
import { passesTradeSchema } from '../../src/trade/trade-fast-check.js';
import { tradeSchemaFor } from '../../src/trade/trade-schema.js';
import { makeTrade } from '../helpers/trade-factory.js';

/** Values that sit on or next to the edge of some rule of some field. */
const tricky = fc.oneof(
  fc.constantFrom<unknown>(
    undefined, null, 0, -0, 1, 2, 3, -1, 1.5, 2_147_483_647, 2_147_483_648, Number.NaN, Infinity, '1', '0', '0.0', '0.000000000001',
    '1.0000000000001', '01', '1.', '.5', '1e5', '-1', ' 1', '1 ', '1\n', '999999999999999999.999999999999', '1000000000000000000',
    '', 'A', 'a', 'AAPL', 'aapl', 'BRK.B', 'BTC/USD', '-X', 'X'.repeat(16), 'X'.repeat(17), 'X'.repeat(32), 'X'.repeat(33), 'a'.repeat(64), 'a'.repeat(65),
    'buy', 'sell', 'BUY', 'partial', 'filled', 'cancelled', 'maker', 'taker', 'both', '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
    '3F2504E0-4F89-41D3-9A0C-0305E82C3301', '3f2504e0-4f89-01d3-9a0c-0305e82c3301', '3f2504e0-4f89-41d3-1a0c-0305e82c3301',
    '1763776000000000000', '01763776000000000000', '17637760000000000000', [], {}, true,
  ),
  fc.string({ maxLength: 40 }),
  fc.stringMatching(/^[0-9]{1,20}(\.[0-9]{0,14})?$/),
  fc.integer(),
  fc.double(),
);

const fields = ['schema_version', 'trade_id', 'order_id', 'fill_seq', 'symbol', 'side', 'price', 'qty', 'order_qty', 'cum_qty', 'order_status', 'ts_ns', 'venue', 'account', 'fee', 'liquidity', 'extra', '__proto__', 'constructor'];

/** A valid trade of version 1 or 2 with up to four fields replaced by edge values (or deleted). */
const nearValidTrade = fc
  .tuple(fc.constantFrom(1, 2), fc.array(fc.tuple(fc.constantFrom(...fields), tricky, fc.boolean()), { maxLength: 4 }))
  .map(([version, edits]) => {
    const t: Record<string, unknown> = JSON.parse(JSON.stringify(makeTrade({ schema_version: version, qty: '1', cum_qty: '5.5', order_qty: '10' })));
    for (const [field, value, remove] of edits) {
      if (remove) delete t[field];
      else Object.defineProperty(t, field, { value, enumerable: true, writable: true, configurable: true });
    }
    return t;
  });

test('the trade fast check accepts exactly what the zod schemas accept', () => {
  let accepted = 0;
  fc.assert(
    fc.property(nearValidTrade, (t) => {
      const schema = tradeSchemaFor(t.schema_version);
      const zodSays = schema !== undefined && schema.safeParse(t).success;
      assert.equal(passesTradeSchema(t), zodSays, JSON.stringify(t));
      if (zodSays) accepted += 1;
    }),
    { numRuns: 20_000 },
  );
  assert.ok(accepted > 1_000, `only ${accepted} generated trades were valid: the generator is too destructive to test acceptance`);
});

test('the envelope fast check accepts exactly what the zod schema accepts', () => {
  const valid = { kid: 'k1', nonce: 'abcdefghijklmnop', sent_at_ns: '1763776000000000000', sig: 'a'.repeat(64), payload: '{}' };
  const keys = [...Object.keys(valid), 'extra'];
  const edited = fc.array(fc.tuple(fc.constantFrom(...keys), fc.oneof(tricky, fc.constantFrom('x'.repeat(4096), 'x'.repeat(4097), 'A-b_c.9', 'a'.repeat(63) + 'g')), fc.boolean()), { maxLength: 3 });
  fc.assert(
    fc.property(edited, (edits) => {
      const e: Record<string, unknown> = { ...valid };
      for (const [k, v, remove] of edits) if (remove) delete e[k];
      else e[k] = v;
      assert.equal(passesEnvelopeSchema(e), signedEnvelopeSchema.safeParse(e).success, JSON.stringify(e));
    }),
    { numRuns: 10_000 },
  );
});

test('compareDecimal orders decimal strings as exact numbers', () => {
  const decimalString = fc
    .tuple(fc.bigInt({ min: 0n, max: 10n ** 18n - 1n }), fc.integer({ min: 0, max: 12 }), fc.bigInt({ min: 0n, max: 10n ** 12n - 1n }))
    .map(([int, digits, frac]) => (digits === 0 ? int.toString() : `${int}.${(frac % 10n ** BigInt(digits)).toString().padStart(digits, '0')}`));
  const scaled = (s: string) => {
    const [i = '0', f = ''] = s.split('.');
    return BigInt(i) * 10n ** 12n + BigInt(f.padEnd(12, '0'));
  };
  fc.assert(
    fc.property(decimalString, decimalString, (a, b) => {
      const want = scaled(a) < scaled(b) ? -1 : scaled(a) > scaled(b) ? 1 : 0;
      assert.equal(compareDecimal(a, b), want, `${a} vs ${b}`);
      assert.equal(compareDecimal(b, a), want === 0 ? 0 : -want); // not -want: strict equal tells -0 from 0
    }),
    { numRuns: 20_000 },
  );
  assert.equal(compareDecimal('1.50', '1.5'), 0);
  assert.equal(compareDecimal('10', '9.999999999999'), 1);
});

test('a class instance is never taken as is: zod reads it and returns a plain copy, so JSON.stringify signs every field', () => {
  const fields = JSON.parse(JSON.stringify(makeTrade())) as Record<string, unknown>;
  // Fields as getters on the prototype: JSON.stringify(instance) would give "{}".
  const proto = Object.fromEntries(Object.keys(fields).map((k) => [k, undefined]));
  for (const k of Object.keys(fields)) Object.defineProperty(proto, k, { get: () => fields[k], enumerable: false });
  const instance = Object.create(proto) as Record<string, unknown>;
  assert.equal(JSON.stringify(instance), '{}');
  assert.equal(passesTradeSchema(instance), false);
  const parsed = parseTrade(instance);
  assert.notEqual(parsed, instance);
  assert.deepEqual(JSON.parse(JSON.stringify(parsed)), fields);
  assert.equal(parseTrade(fields), fields, 'a plain object is returned as given');
});
