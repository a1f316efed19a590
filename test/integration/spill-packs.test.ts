import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Keyring } from '../../src/config/index.js';
import { rejectedRowLetters } from '../../src/dlq/build-dead-letters.js';
import { createLogger } from '../../src/logger.js';
import { packTrades } from '../../src/producer/pack-trades.js';
import type { TradeRow } from '../../src/sinks/trade-row.js';
import { signTrade } from '../../src/trade/signing.js';
import { DuckDbSpillFile } from '../../src/spill/duckdb-spill-file.js';
import { duckdbScalar } from '../helpers/duckdb-scalar.js';
import { onCleanup } from '../helpers/on-cleanup.js';
import { TEST_KEYS } from '../helpers/test-env.js';
import { makeTrade } from '../helpers/trade-factory.js';

const keyring = Keyring.parse(TEST_KEYS, 'test');


test('spilled trades of a signed pack store the pack once; replayed row by row, each gets its pack and position back; a drained file keeps no pack', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'trade-sync-spill-packs-'));
  onCleanup(t, () => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'spill.duckdb');
  const file = new DuckDbSpillFile(path, createLogger('silent'));
  onCleanup(t, () => file.close());

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
  const rowPath = { insertRows: async (batch: TradeRow[]) => void replayed.push(...batch) };
  assert.equal(await file.replayBatch(20, rowPath), 20);
  assert.equal(await file.replayBatch(100, rowPath), 31);
  assert.equal(await file.count(), 0);
  const byId = new Map(replayed.map((r) => [r.trade.trade_id, r]));
  assert.equal(byId.size, 51);
  packed.forEach((trade, item) => {
    const row = byId.get(trade.trade_id);
    assert.deepEqual(row?.trade, trade);
    assert.equal(row?.item, item);
    assert.deepEqual(row?.source.envelope, job!.envelope, 'the signed pack, as queued');
  });
  assert.equal(byId.get(single.trade_id)?.item, undefined);
  assert.deepEqual(byId.get(single.trade_id)?.source.envelope, singleEnvelope);

  // A replayed pack trade that ClickHouse refuses is dead-lettered with its pack and position, so it can be redriven.
  const [letter] = rejectedRowLetters([{ row: byId.get(packed[7]!.trade_id)!, code: 'CLICKHOUSE_BAD_DATA', message: 'x', attempts: 1 }], 'spill', 'now');
  assert.equal(letter?.letter.item, 7);
  assert.deepEqual(letter?.letter.envelope, job!.envelope);

  await file.close();
  assert.equal(await duckdbScalar(path, 'SELECT count(*) FROM spill_packs'), 0, 'a drained file keeps no pack');
});
