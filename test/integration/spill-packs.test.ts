import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Keyring } from '../../src/config/index.js';
import { rejectedRowLetters } from '../../src/dlq/build-dead-letters.js';
import { packTrades } from '../../src/producer/pack-trades.js';
import type { TradeRow } from '../../src/sinks/trade-row.js';
import { signTrade } from '../../src/trade/signing.js';
import { SpilledPackRef } from '../../src/spill/pack-ref.js';
import { duckdbScalar } from '../helpers/duckdb-scalar.js';
import { TEST_KEYS } from '../helpers/test-env.js';
import { makeTrade } from '../helpers/trade-factory.js';
import { tempSpillFile } from '../helpers/temp-spill-file.js';

const keyring = Keyring.parse(TEST_KEYS, 'test');


test('spilled trades of a signed pack store the pack once; replayed row by row, each gets its pack and position back; a drained file keeps no pack', async (t) => {
  const { file, path } = tempSpillFile(t);

  const packed = Array.from({ length: 50 }, (_, i) => makeTrade({ symbol: i % 2 === 0 ? 'AAA' : 'BBB' }));
  const [job] = packTrades(keyring, packed, 50);
  const single = makeTrade({ symbol: 'AAA' });
  const singleEnvelope = signTrade(keyring, single);
  const source = { jobId: job!.jobId, index: 0, envelope: job!.envelope };
  const rows: TradeRow[] = [...packed.map((trade, item) => ({ trade, kid: 'test-k1', source, item })), { trade: single, kid: 'test-k1', source: { jobId: 's', index: 0, envelope: singleEnvelope } }];
  await file.append(rows.slice(0, 30));
  await file.append(rows.slice(30)); // the same pack again, in a second transaction
  await file.close();
  assert.equal(await duckdbScalar(path, 'SELECT count(*) FROM spill_packs'), 1, 'one stored copy of the pack');
  assert.ok((await duckdbScalar(path, `SELECT max(length(envelope)) FROM spill_rows WHERE trade_id != '${single.trade_id}'`)) < 100, 'pack trades hold a reference, not the pack');

  const replayed: TradeRow[] = [];
  const resolved: TradeRow[] = [];
  const rowPath = {
    insertRows: async (batch: TradeRow[], withEnvelopes: (rows: readonly TradeRow[]) => Promise<TradeRow[]>) => {
      replayed.push(...batch);
      resolved.push(...(await withEnvelopes(batch)));
    },
  };
  assert.equal(await file.replayBatch(20, rowPath), 20);
  assert.equal(await file.replayBatch(100, rowPath), 31);
  assert.equal(await file.count(), 0);
  assert.ok(replayed.filter((r) => r.item !== undefined).every((r) => r.source.envelope instanceof SpilledPackRef), 'packs are read only when asked for');
  const byId = new Map(resolved.map((r) => [r.trade.trade_id, r]));
  assert.equal(byId.size, 51);
  packed.forEach((trade, item) => {
    const row = byId.get(trade.trade_id);
    assert.deepEqual(row?.trade, trade);
    assert.equal(row?.item, item);
    assert.deepEqual(row?.source.envelope, job!.envelope, 'the signed pack, as queued');
  });
  assert.equal(byId.get(single.trade_id)?.item, undefined);
  assert.deepEqual(byId.get(single.trade_id)?.source.envelope, singleEnvelope);

  // Replayed pack trades that ClickHouse refuses are dead-lettered with their pack (once) and positions, so they can be redriven.
  const refused = [7, 9].map((i) => ({ row: byId.get(packed[i]!.trade_id)!, code: 'CLICKHOUSE_BAD_DATA' as const, message: 'x', attempts: 1 }));
  const letters = rejectedRowLetters(refused, 'spill', 'now');
  assert.equal(letters.length, 1);
  assert.deepEqual(letters[0]?.letter.items?.map((i) => i.item), [7, 9]);
  assert.deepEqual(letters[0]?.letter.envelope, job!.envelope);

  await file.close();
  assert.equal(await duckdbScalar(path, 'SELECT count(*) FROM spill_packs'), 0, 'a drained file keeps no pack');
});

test('packs whose trades are all replayed are dropped every few batches even while more is spilled, so the file never drains', async (t) => {
  const { file, path } = tempSpillFile(t);
  const rowsOf = (symbol: string) => {
    const [job] = packTrades(keyring, [makeTrade({ symbol }), makeTrade({ symbol })], 2);
    const source = { jobId: job!.jobId, index: 0, envelope: job!.envelope };
    return JSON.parse(job!.envelope.payload).map((trade: TradeRow['trade'], item: number): TradeRow => ({ trade, kid: 'test-k1', source, item }));
  };
  await file.append(rowsOf('AAA')); // replayed first, in (symbol, ts_ns) order
  const none = { insertRows: async () => undefined };
  for (let i = 0; i < 10; i++) {
    await file.append(rowsOf('ZZZ')); // spilling goes on between replays
    assert.equal(await file.replayBatch(2, none), 2);
  }
  await file.close();
  // 11 packs were spilled and 10 of them fully replayed: only the one still spilled is kept.
  assert.equal(await duckdbScalar(path, 'SELECT count(*) FROM spill_rows'), 2);
  assert.equal(await duckdbScalar(path, 'SELECT count(*) FROM spill_packs'), 1);
});
