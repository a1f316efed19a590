import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningWorker } from '../../src/wiring/run-worker.js';
import type { Config } from '../../src/config/index.js';
import type { TradeProducer } from '../../src/producer/trade-producer.js';
import { normalizeDecimal } from '../../src/trade/decimal.js';
import { countPhysicalRows, countTrades, queryText } from '../helpers/clickhouse-helpers.js';
import type { TestQueues } from '../helpers/queue-helpers.js';
import { startInProcessPipeline, type InProcessPipeline } from '../helpers/in-process-pipeline.js';
import { makeTrade } from '../helpers/trade-factory.js';
import { waitFor } from '../helpers/wait-for.js';

let pipeline: InProcessPipeline;
let config: Config;
let db: InProcessPipeline['db'];
let queues: TestQueues;
let worker: RunningWorker;
let producer: TradeProducer;

before(async () => {
  pipeline = await startInProcessPipeline();
  ({ config, db, queues, worker, producer } = pipeline);
});

after(() => pipeline.stop());

test('N published trades become exactly N rows, every decimal and ts_ns exact', async () => {
  const trades = Array.from({ length: 2_000 }, (_, i) =>
    makeTrade({
      symbol: ['AAPL', 'MSFT', 'BTC-USD'][i % 3],
      price: `${123456789012345678n + BigInt(i)}.${String(i).padStart(12, '0')}`,
      qty: `0.${String(i + 1).padStart(12, '0')}`,
      cum_qty: '999999999999999999.999999999999',
      order_qty: '999999999999999999.999999999999',
      ts_ns: (9_223_372_036_000_000_000n + BigInt(i)).toString(),
    }),
  );
  await producer.publish(trades.slice(0, 1_000)); // one job per trade
  await producer.publish(trades.slice(1_000), { packSize: 100 }); // packed jobs
  await waitFor(() => countTrades(db.client, config.clickhouse.database), (n) => n >= trades.length, 60_000, 'all trades in ClickHouse');

  const rows = await queryText(db.client, `SELECT trade_id, price, qty, cum_qty, ts_ns FROM ${config.clickhouse.database}.trades FINAL`);
  assert.equal(rows.length, trades.length);
  const byId = new Map(rows.map((r) => [r[0], r]));
  for (const t of trades) {
    const row = byId.get(t.trade_id);
    assert.ok(row, `trade ${t.trade_id} missing`);
    assert.equal(normalizeDecimal(row[1] ?? ''), normalizeDecimal(t.price));
    assert.equal(normalizeDecimal(row[2] ?? ''), normalizeDecimal(t.qty));
    assert.equal(normalizeDecimal(row[3] ?? ''), normalizeDecimal(t.cum_qty));
    assert.equal(row[4], t.ts_ns);
  }
  assert.equal(await queues.dlq.getFailedCount(), 0);
});

test('the same trade published twice, and a batch re-inserted, leave one row', async () => {
  const trades = Array.from({ length: 50 }, () => makeTrade({ symbol: 'DUPE' }));
  await producer.publish(trades, { packSize: 10 });
  // Same trades again under new job ids: they reach the sink, which must collapse them.
  await producer.publish(trades, { packSize: 7 });
  await producer.publish(trades[0]!);
  await waitFor(async () => (await queues.trades.getJobCounts('wait', 'active', 'delayed')), (c) => (c.wait ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) === 0, 30_000, 'queue drained');
  await waitFor(() => countTrades(db.client, config.clickhouse.database), (n) => n >= 2_050, 30_000);
  const [[n] = ['0']] = await queryText(db.client, `SELECT count() FROM ${config.clickhouse.database}.trades FINAL WHERE symbol = 'DUPE'`);
  assert.equal(Number(n), 50);
  assert.ok((await countPhysicalRows(db.client, config.clickhouse.database)) >= (await countTrades(db.client, config.clickhouse.database)));
});
