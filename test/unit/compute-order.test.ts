import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeOrder } from '../../src/orders/compute-order.js';
import { divRoundHalfEven, fromScaled, toScaled } from '../../src/orders/scaled-decimal.js';
import type { StagedFill } from '../../src/orders/staged-fill.js';

const fill = (tradeId: string, qty: string, price: string, cumQty: string, status: StagedFill['status'], tsNs = '100'): StagedFill => ({
  tradeId, qty, price, tsNs, status, cumQty, orderQty: '10', symbol: 'AAPL', side: 'buy', venue: 'XNAS',
});

test('scaled decimals round-trip exactly and divide half to even', () => {
  assert.equal(fromScaled(toScaled('123.000000000001')), '123.000000000001');
  assert.equal(fromScaled(toScaled('7')), '7');
  assert.equal(divRoundHalfEven(5n, 2n), 2n); // 2.5 → 2
  assert.equal(divRoundHalfEven(7n, 2n), 4n); // 3.5 → 4
  assert.equal(divRoundHalfEven(7n, 3n), 2n); // 2.33 → 2
  assert.equal(divRoundHalfEven(8n, 3n), 3n); // 2.67 → 3
});

test('an order completes only when the quantities seen add up to the terminal fill, in any arrival order', () => {
  const a = fill('a', '4', '100.5', '4', 'partial', '1');
  const b = fill('b', '6', '101', '10', 'filled', '2');
  assert.equal(computeOrder('ACC', 'O1', [b]), undefined, 'the final fill alone is not the whole order');
  const row = computeOrder('ACC', 'O1', [b, a]);
  assert.ok(row);
  assert.equal(row.status, 'filled');
  assert.equal(row.filledQty, '10');
  assert.equal(row.notional, '1008'); // 4 × 100.5 + 6 × 101
  assert.equal(row.vwap, '100.8');
  assert.equal(row.fillCount, 2);
  assert.equal(row.firstTsNs, '1');
  assert.equal(row.lastTsNs, '2');
});

test('a cancelled order is complete at its cum_qty; a timed-out one is incomplete and ranks below any complete commit', () => {
  const cancelled = computeOrder('ACC', 'O2', [fill('a', '3', '10', '3', 'partial'), fill('b', '2', '11', '5', 'cancelled')]);
  assert.equal(cancelled?.status, 'cancelled');
  assert.equal(cancelled?.filledQty, '5');
  const partial = [fill('a', '3', '10', '3', 'partial')];
  assert.equal(computeOrder('ACC', 'O3', partial), undefined);
  const timedOut = computeOrder('ACC', 'O3', partial, true);
  assert.equal(timedOut?.status, 'incomplete');
  const complete = computeOrder('ACC', 'O3', [...partial, fill('c', '7', '10', '10', 'filled')]);
  assert.ok(complete && timedOut && complete.version > timedOut.version);
});

test('vwap uses the exact notional, rounded half to even at 12 decimals', () => {
  const row = computeOrder('ACC', 'O4', [fill('a', '1', '1', '1', 'partial'), fill('b', '2', '2', '3', 'partial'), fill('c', '7', '0.000000000001', '10', 'filled')]);
  // notional = 1 + 4 + 0.000000000007 = 5.000000000007; vwap = 0.5000000000007 → 0.5000000000007 rounds to 0.500000000001 (half-even at 12: ...0007 → 1)
  assert.equal(row?.notional, '5.000000000007');
  assert.equal(row?.vwap, '0.500000000001');
});
