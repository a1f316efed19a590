import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeDecimal } from '../../src/trade/decimal.js';
import { runCli } from '../helpers/spawn-cli.js';
import { spillingWorker } from '../helpers/spilling-worker.js';
import { makeTrade } from '../helpers/trade-factory.js';

const PER_SYMBOL: Readonly<Record<string, number>> = { AAPL: 137, 'BTC-USD': 250, 'ES.Z26': 1, MSFT: 61, 'ZZ/X': 12 };
const SCALE = 10n ** 12n;

/** A decimal string as an integer number of 10^-12 units (exact). */
function units(decimal: string): bigint {
  const [int = '0', frac = ''] = decimal.split('.');
  return BigInt(int) * SCALE + BigInt(frac.padEnd(12, '0'));
}

function decimalOf(value: bigint): string {
  return normalizeDecimal(`${value / SCALE}.${(value % SCALE).toString().padStart(12, '0')}`);
}

test('while ClickHouse is down, spill query --json gives the exact count and qty per symbol of what was published', async (t) => {
  const trades = Object.entries(PER_SYMBOL)
    .flatMap(([symbol, n]) => Array.from({ length: n }, (_, i) => makeTrade({ symbol, qty: `${i + 1}.${String(i * 7919).padStart(12, '0').slice(-12)}`, cum_qty: '999999.5', order_qty: '999999.5' })))
    .sort(() => Math.random() - 0.5);
  const { env, worker } = await spillingWorker(t, trades, {}, 25);

  const sql = 'SELECT symbol, count(*) AS n, sum(qty) AS qty FROM trades GROUP BY symbol ORDER BY symbol';
  const result = await runCli(['spill', 'query', sql, '--json'], env);
  assert.equal(result.code, 0, result.output);
  const rows = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { symbol: string; n: string | number; qty: string | number });
  const symbols = Object.keys(PER_SYMBOL).sort();
  assert.deepEqual(
    rows.map((r) => ({ symbol: r.symbol, n: Number(r.n) })),
    symbols.map((symbol) => ({ symbol, n: PER_SYMBOL[symbol] })),
    'one row per symbol, in order, with the exact count',
  );
  for (const row of rows) {
    const expected = trades.filter((tr) => tr.symbol === row.symbol).reduce((sum, tr) => sum + units(tr.qty), 0n);
    assert.equal(normalizeDecimal(String(row.qty)), decimalOf(expected), `exact sum(qty) of ${row.symbol}`);
  }
  assert.equal(worker.child.exitCode, null, 'the query ran beside the live worker that owns the spill file');

  const table = await runCli(['spill', 'query', 'SELECT count(DISTINCT trade_id) AS trades FROM trades'], env);
  assert.equal(table.code, 0, table.output);
  assert.match(table.stdout, new RegExp(`\\b${trades.length}\\b`), 'the table output shows the distinct trade count');

  for (const bad of ['SELECT nope FROM trades', 'SELEC 1', 'SELECT * FROM no_such_table']) {
    const failed = await runCli(['spill', 'query', bad, '--json'], env);
    assert.notEqual(failed.code, 0, `"${bad}" exits non-zero`);
    assert.match(failed.stderr, /^trade-sync: SPILL_QUERY_FAILED: /m, `"${bad}": ${failed.stderr}`);
    assert.equal(failed.stdout, '');
  }
});
