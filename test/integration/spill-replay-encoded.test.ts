import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildInsertBody } from '../../src/sinks/clickhouse/build-insert-body.js';
import { ClickHouseTradeSink } from '../../src/sinks/clickhouse/clickhouse-trade-sink.js';
import { prepareBatch } from '../../src/sinks/prepare-batch.js';
import type { EncodedBatch } from '../../src/sinks/trade-sink.js';
import type { TradeRow } from '../../src/sinks/trade-row.js';
import type { Trade } from '../../src/trade/trade-schema.js';
import { migratedDatabase, queryText } from '../helpers/clickhouse-helpers.js';
import { makeTradeRow } from '../helpers/make-trade-row.js';
import { onCleanup } from '../helpers/on-cleanup.js';
import { testConfig, testEnv } from '../helpers/test-env.js';
import { makeTrade } from '../helpers/trade-factory.js';
import { tempSpillFile } from '../helpers/temp-spill-file.js';

/** Version 1 and 2 trades (fee and liquidity set, and absent), symbols out of order, one trade spilled twice. */
function mixedRows(): TradeRow[] {
  const rows = [
    makeTradeRow(makeTrade({ symbol: 'MSFT' })),
    makeTradeRow({ ...makeTrade({ schema_version: 2, symbol: 'AAPL' }), fee: '0.015', liquidity: 'maker' } as Trade),
    makeTradeRow(makeTrade({ schema_version: 2, symbol: 'BTC-USD' })),
    makeTradeRow(makeTrade({ symbol: 'AAPL', price: '0.000000000001' })),
  ];
  return [...rows, rows[0]!];
}

test('a replayed batch is built by DuckDB byte for byte as the row path builds it, and lands once', async (t) => {
  const config = testConfig(testEnv());
  const db = await migratedDatabase(config);
  onCleanup(t, () => db.drop());
  const { file } = tempSpillFile(t);
  const rows = mixedRows();
  await file.append(rows);

  const sink = new ClickHouseTradeSink(db.client, config.clickhouse.database);
  const sent: EncodedBatch[] = [];
  const replayed = await file.replayBatch(100, {
    insertRows: () => Promise.reject(new Error('the row path must not run')),
    insertEncoded: async (batch) => {
      sent.push(batch);
      await sink.insertEncoded(batch);
    },
  });
  assert.equal(replayed, rows.length);
  assert.equal(sent.length, 1);
  const expected = prepareBatch(rows).unique;
  assert.equal(sent[0]!.body, buildInsertBody(expected));
  assert.deepEqual([...sent[0]!.tradeIds].sort(), expected.map((r) => r.trade.trade_id).sort());
  assert.equal(await file.count(), 0, 'replayed rows leave the spill');
  const landed = await queryText(db.client, `SELECT symbol, fee, liquidity FROM ${config.clickhouse.database}.trades FINAL ORDER BY symbol, ts_ns`);
  assert.equal(landed.length, 4);
  assert.deepEqual(landed.find((r) => r[2] === 'maker'), ['AAPL', '0.015000000000', 'maker']);
});

test('when the encoded insert fails, or a row would need escaping, the batch goes row by row', async (t) => {
  const { file } = tempSpillFile(t);
  const tampered = makeTradeRow(makeTrade({ account: 'ACC\t001' })); // never valid; only a tampered file holds it
  await file.append([makeTradeRow(makeTrade()), makeTradeRow(makeTrade())]);
  const byRows: TradeRow[][] = [];
  const failing = {
    insertRows: async (rows: TradeRow[]) => void byRows.push(rows),
    insertEncoded: () => Promise.reject(new Error('injected: connection reset')),
  };
  assert.equal(await file.replayBatch(100, failing), 2);
  assert.equal(byRows[0]?.length, 2);

  await file.append([tampered]);
  let encodedCalls = 0;
  const counting = { insertRows: failing.insertRows, insertEncoded: async () => void (encodedCalls += 1) };
  assert.equal(await file.replayBatch(100, counting), 1);
  assert.equal(encodedCalls, 0);
  assert.equal(byRows[1]?.[0]?.trade.account, 'ACC\t001');
  assert.equal(await file.count(), 0);
});
