import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TradeValidationError } from '../../src/errors/index.js';
import { parseTrade } from '../../src/trade/parse-trade.js';
import { makeTrade } from '../helpers/trade-factory.js';

test('a valid trade is accepted and returned unchanged', () => {
  const trade = makeTrade({ price: '0.000000000001', qty: '999999999999999999.999999999999', cum_qty: '999999999999999999.999999999999', order_qty: '999999999999999999.999999999999' });
  assert.deepEqual(parseTrade(JSON.parse(JSON.stringify(trade))), trade);
});

/** Each case: an otherwise valid trade with one thing wrong, and the field path the issue must name. */
const invalid: { name: string; input: Record<string, unknown>; path: string }[] = [
  { name: 'unknown field', input: { ...makeTrade(), fee: '0.1' }, path: 'fee' },
  { name: 'NaN price', input: makeTrade({ price: Number.NaN }), path: 'price' },
  { name: 'number instead of decimal string', input: makeTrade({ price: 227.12 }), path: 'price' },
  { name: 'negative qty', input: makeTrade({ qty: '-1' }), path: 'qty' },
  { name: 'exponent', input: makeTrade({ price: '1e5' }), path: 'price' },
  { name: 'too many fraction digits (13)', input: makeTrade({ price: '1.0000000000001' }), path: 'price' },
  { name: 'bad UUID', input: makeTrade({ trade_id: 'not-a-uuid' }), path: 'trade_id' },
  { name: 'upper-case UUID', input: makeTrade({ trade_id: '3F2504E0-4F89-41D3-9A0C-0305E82C3301' }), path: 'trade_id' },
  { name: 'oversized symbol (33 chars)', input: makeTrade({ symbol: 'A'.repeat(33) }), path: 'symbol' },
  { name: 'empty symbol', input: makeTrade({ symbol: '' }), path: 'symbol' },
  { name: 'empty order_id', input: makeTrade({ order_id: '' }), path: 'order_id' },
  { name: 'empty venue', input: makeTrade({ venue: '' }), path: 'venue' },
  { name: 'empty account', input: makeTrade({ account: '' }), path: 'account' },
  { name: 'empty price', input: makeTrade({ price: '' }), path: 'price' },
  { name: 'empty ts_ns', input: makeTrade({ ts_ns: '' }), path: 'ts_ns' },
  { name: 'qty > cum_qty', input: makeTrade({ qty: '10.5', cum_qty: '10.4999', order_qty: '11' }), path: 'qty' },
  { name: 'cum_qty > order_qty', input: makeTrade({ qty: '1', cum_qty: '12', order_qty: '11.999999999999' }), path: 'cum_qty' },
  { name: 'ts_ns with leading zero', input: makeTrade({ ts_ns: '01763776000000000000' }), path: 'ts_ns' },
];

for (const { name, input, path } of invalid) {
  test(`rejects ${name} with TRADE_INVALID at "${path}"`, () => {
    assert.throws(
      () => parseTrade(input),
      (err: unknown) => {
        assert.ok(err instanceof TradeValidationError, `expected TradeValidationError, got ${String(err)}`);
        assert.equal(err.code, 'TRADE_INVALID');
        // Every issue names the one bad field (a field may carry more than one issue).
        assert.deepEqual([...new Set(err.issues.map((i) => i.path))], [path], `issues: ${JSON.stringify(err.issues)}`);
        assert.ok(err.message.startsWith(`${path}: `), err.message);
        return true;
      },
    );
  });
}

test('rejects non-objects at the root', () => {
  for (const input of [null, 'trade', 42, []]) {
    assert.throws(() => parseTrade(input), (err: unknown) => err instanceof TradeValidationError && err.code === 'TRADE_INVALID');
  }
});

test('a schema_version this code does not know (3) is TRADE_SCHEMA_UNSUPPORTED, not TRADE_INVALID', () => {
  assert.throws(
    () => parseTrade(makeTrade({ schema_version: 3 })),
    (err: unknown) => {
      assert.ok(err instanceof TradeValidationError);
      assert.equal(err.code, 'TRADE_SCHEMA_UNSUPPORTED');
      assert.deepEqual(err.issues.map((i) => i.path), ['schema_version']);
      return true;
    },
  );
});

test('schema_version 2 adds optional fee and liquidity; maxVersion 1 refuses it as unsupported', () => {
  const v2 = { ...makeTrade(), schema_version: 2, fee: '0', liquidity: 'maker' };
  assert.deepEqual(parseTrade(v2), v2);
  assert.deepEqual(parseTrade({ ...makeTrade(), schema_version: 2 }).schema_version, 2);
  assert.throws(() => parseTrade({ ...v2, liquidity: 'both' }), (err: unknown) => err instanceof TradeValidationError && err.issues[0]?.path === 'liquidity');
  assert.throws(() => parseTrade({ ...makeTrade(), fee: '1' }), (err: unknown) => err instanceof TradeValidationError && err.code === 'TRADE_INVALID', 'fee is unknown in version 1');
  assert.throws(() => parseTrade(v2, 1), (err: unknown) => err instanceof TradeValidationError && err.code === 'TRADE_SCHEMA_UNSUPPORTED');
});
