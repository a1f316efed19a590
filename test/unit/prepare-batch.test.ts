import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prepareBatch } from '../../src/sinks/prepare-batch.js';
import { makeTradeRow } from '../helpers/make-trade-row.js';
import { makeTrade } from '../helpers/trade-factory.js';

test('repeated trade_ids are dropped, the first occurrence wins', () => {
  const a = makeTrade();
  const b = makeTrade();
  const rows = [
    makeTradeRow(a, { jobId: 'job-1' }),
    makeTradeRow(b, { jobId: 'job-1', index: 1 }),
    makeTradeRow({ ...a, price: '1' }, { jobId: 'job-2' }),
    makeTradeRow(a, { jobId: 'job-3' }),
  ];
  const { unique, duplicates } = prepareBatch(rows);
  assert.equal(duplicates, 2);
  assert.equal(unique.length, 2);
  const kept = unique.find((r) => r.trade.trade_id === a.trade_id);
  assert.equal(kept?.source.jobId, 'job-1');
  assert.equal(kept?.trade.price, a.price);
  assert.equal(rows.length, 4, 'the input is not modified');
});

test('rows are sorted by symbol, then by ts_ns as a number ("999" before "1000")', () => {
  const rows = [
    makeTrade({ symbol: 'MSFT', ts_ns: '1000' }),
    makeTrade({ symbol: 'AAPL', ts_ns: '1000' }),
    makeTrade({ symbol: 'AAPL', ts_ns: '999' }),
    makeTrade({ symbol: 'MSFT', ts_ns: '20' }),
    makeTrade({ symbol: 'AAPL', ts_ns: '9223372036854775807' }),
    makeTrade({ symbol: 'AAPL', ts_ns: '10000' }),
    makeTrade({ symbol: 'BTC-USD', ts_ns: '5' }),
  ].map((t) => makeTradeRow(t));
  const { unique, duplicates } = prepareBatch(rows);
  assert.equal(duplicates, 0);
  assert.deepEqual(
    unique.map((r) => `${r.trade.symbol}@${r.trade.ts_ns}`),
    ['AAPL@999', 'AAPL@1000', 'AAPL@10000', 'AAPL@9223372036854775807', 'BTC-USD@5', 'MSFT@20', 'MSFT@1000'],
  );
});

test('an empty batch stays empty', () => {
  assert.deepEqual(prepareBatch([]), { unique: [], duplicates: 0 });
});
