import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReconcileError } from '../../src/errors/index.js';
import { parseColumnMapping, resolveColumns } from '../../src/reconcile/column-mapping.js';
import { parseDuration } from '../../src/reconcile/parse-duration.js';
import { formatNs, lastClosedWindow, parseTimeNs, parseWindow } from '../../src/reconcile/reconcile-window.js';
import { sourceFormatOf } from '../../src/reconcile/reconcile-source.js';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof ReconcileError ? err.code : `not a ReconcileError: ${String(err)}`;
  }
  return 'no error';
};

test('window bounds: ISO-8601 (UTC by default, offsets, nanosecond fractions) or integer nanoseconds', () => {
  assert.equal(parseTimeNs('2026-12-01T00:00:00Z', '--from'), 1_796_083_200_000_000_000n);
  assert.equal(parseTimeNs('2026-12-01T00:00:00', '--from'), 1_796_083_200_000_000_000n);
  assert.equal(parseTimeNs('2026-12-01', '--from'), 1_796_083_200_000_000_000n);
  assert.equal(parseTimeNs('2026-12-01T01:00:00+01:00', '--from'), 1_796_083_200_000_000_000n);
  assert.equal(parseTimeNs('2026-12-01T00:00:00.000000123Z', '--from'), 1_796_083_200_000_000_123n);
  assert.equal(parseTimeNs('1796083200000000000', '--from'), 1_796_083_200_000_000_000n);
  for (const bad of ['yesterday', '2026-13-45T00:00:00Z', '-5', '1.5', '99999999999999999999999', "1; DROP TABLE trades"]) {
    assert.equal(code(() => parseTimeNs(bad, '--from')), 'RECONCILE_WINDOW_INVALID', bad);
  }
  assert.equal(code(() => parseWindow('2026-12-01T02:00:00Z', '2026-12-01T00:00:00Z')), 'RECONCILE_WINDOW_INVALID');
  assert.equal(code(() => parseWindow('2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z')), 'RECONCILE_WINDOW_INVALID');
  assert.equal(formatNs(1_796_083_200_000_000_123n), '2026-12-01T00:00:00.000000123Z');
});

test('the last closed window is aligned and at least the delay old', () => {
  const hour = 3_600_000_000_000n;
  const t = 1_796_083_200_000_000_000n; // 00:00
  assert.deepEqual(lastClosedWindow(t + hour + 5n * 60_000_000_000n, hour / 6n, 10n * 60_000_000_000n), { fromNs: t + hour / 6n * 4n, toNs: t + hour / 6n * 5n });
  assert.deepEqual(lastClosedWindow(t + hour, hour, 0n), { fromNs: t, toNs: t + hour });
});

test('column mapping: our names from an allow-list, the source\'s names checked against its columns', () => {
  assert.deepEqual(parseColumnMapping(['trade_id=fill_id,price=px', 'venue = mic']), { trade_id: 'fill_id', price: 'px', venue: 'mic' });
  assert.equal(code(() => parseColumnMapping(['colour=px'])), 'RECONCILE_COLUMN_UNKNOWN');
  assert.equal(code(() => parseColumnMapping(['price'])), 'RECONCILE_COLUMN_UNKNOWN');
  const columns = ['fill_id', 'order_id', 'fill_seq', 'symbol', 'side', 'px', 'qty', 'order_qty', 'cum_qty', 'order_status', 'ts_ns', 'venue', 'account', 'we"ird'];
  const resolved = resolveColumns({ trade_id: 'fill_id', price: 'px', fee: 'we"ird' }, columns, ['trade_id', 'price', 'ts_ns'], 'engine.parquet');
  assert.deepEqual([resolved.trade_id, resolved.price, resolved.ts_ns, resolved.fee, resolved.liquidity], ['"fill_id"', '"px"', '"ts_ns"', '"we""ird"', undefined]);
  assert.equal(code(() => resolveColumns({ price: 'price_x' }, columns, [], 'engine.parquet')), 'RECONCILE_COLUMN_UNKNOWN');
  assert.equal(code(() => resolveColumns({}, columns, ['trade_id'], 'engine.parquet')), 'RECONCILE_SOURCE_INVALID');
});

test('durations and source formats', () => {
  assert.deepEqual(['500ms', '30s', '10m', '1h', '1d'].map(parseDuration), [500, 30_000, 600_000, 3_600_000, 86_400_000]);
  for (const bad of ['0m', '10', 'ten minutes', '-1h']) assert.throws(() => parseDuration(bad), bad);
  assert.deepEqual(['a.parquet', 'b.CSV', 'c.csv.gz', 'engine.duckdb', 'store.db'].map(sourceFormatOf), ['parquet', 'csv', 'csv', 'duckdb', 'duckdb']);
});
