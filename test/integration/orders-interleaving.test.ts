import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Config } from '../../src/config/index.js';
import { seededRandom } from '../../src/demo/seeded-random.js';
import { TradeProducer } from '../../src/producer/trade-producer.js';
import { normalizeDecimal } from '../../src/trade/decimal.js';
import { countTrades, migratedDatabase, queryText } from '../helpers/clickhouse-helpers.js';
import { makeOrders, shuffle } from '../helpers/order-fixtures.js';
import { testQueues, type TestQueues } from '../helpers/queue-helpers.js';
import { spawnCli, type CliProcess } from '../helpers/spawn-cli.js';
import { testConfig, testEnv } from '../helpers/test-env.js';
import { waitFor } from '../helpers/wait-for.js';

let env: Record<string, string>;
let config: Config;
let db: Awaited<ReturnType<typeof migratedDatabase>>;
let queues: TestQueues;
let workers: CliProcess[] = [];

before(async () => {
  env = testEnv({ TRADE_SYNC_WORKER_CONCURRENCY: '50', TRADE_SYNC_BATCH_MAX_AGE_MS: '20', TRADE_SYNC_ORDER_SWEEP_MS: '300' });
  config = testConfig(env);
  db = await migratedDatabase(config);
  queues = testQueues(config);
});

after(async () => {
  await Promise.all(workers.map((w) => w.kill('SIGKILL')));
  await queues.cleanup();
  await db.drop();
  rmSync(config.spill.dir, { recursive: true, force: true });
});

test('shuffled and duplicated fills of 300 orders across 3 worker processes give the true orders table, row for row', async () => {
  const random = seededRandom(20261122);
  const { fills, expected } = makeOrders(300, random);
  // Every fill once, a third of them twice more (same trade ids), all shuffled together.
  const stream = shuffle([...fills, ...fills.filter(() => random() < 0.33), ...fills.filter(() => random() < 0.33)], random);
  workers = [0, 1, 2].map(() => spawnCli(['worker', '--role', 'sink'], env));
  const producer = new TradeProducer(config);
  try {
    for (let i = 0; i < stream.length; ) {
      const size = 1 + Math.floor(random() * 40);
      // packSize 1 with distinct job ids would dedupe repeats in the queue; packs of 3 keep the duplicates flowing.
      await producer.publish(stream.slice(i, i + size), { packSize: 3 });
      i += size;
    }
  } finally {
    await producer.close();
  }
  await waitFor(() => countTrades(db.client, config.clickhouse.database), (n) => n >= fills.length, 60_000, 'every fill in trades');
  const orderCount = async () => Number((await queryText(db.client, `SELECT count() FROM ${config.clickhouse.database}.orders FINAL`))[0]?.[0] ?? 0);
  await waitFor(orderCount, (n) => n >= expected.length, 30_000, 'every order committed');

  assert.equal(await countTrades(db.client, config.clickhouse.database), fills.length, 'each fill lands exactly once');
  const rows = await queryText(
    db.client,
    `SELECT account, order_id, filled_qty, vwap, fill_count, status FROM ${config.clickhouse.database}.orders FINAL ORDER BY order_id`,
  );
  const actual = new Map(rows.map((r) => [`${r[0]}|${r[1]}`, r]));
  assert.equal(actual.size, expected.length, 'one row per order');
  for (const e of expected) {
    const row = actual.get(`${e.account}|${e.orderId}`);
    assert.ok(row, `order ${e.orderId} missing`);
    assert.deepEqual(
      [normalizeDecimal(row[2] ?? ''), normalizeDecimal(row[3] ?? ''), Number(row[4]), row[5]],
      [e.filledQty, e.vwap, e.fillCount, e.status],
      `order ${e.orderId}`,
    );
  }
  const [[physical] = ['0']] = await queryText(db.client, `SELECT count() FROM ${config.clickhouse.database}.orders`);
  assert.ok(Number(physical) >= expected.length);
});
