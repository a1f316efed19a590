import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { createOrderStore } from '../../src/wiring/create-order-tracker.js';
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
let redis: Redis;
const workers: CliProcess[] = [];

before(async () => {
  // Large batches (the queue is filled first), so open orders are carried in memory with carry
  // records; a sweep period of 4 s carries them 2 s, so batches whose jobs completed still have
  // orders only in their records when the worker dies.
  env = testEnv({ TRADE_SYNC_BATCH_MAX_AGE_MS: '200', TRADE_SYNC_ORDER_SWEEP_MS: '4000', TRADE_SYNC_ORDER_TIMEOUT_MS: '120000' });
  config = testConfig(env);
  db = await migratedDatabase(config);
  queues = testQueues(config);
  redis = new Redis(config.redis.url);
});

after(async () => {
  await Promise.all(workers.map((w) => w.kill('SIGKILL')));
  redis.disconnect();
  await queues.cleanup();
  await db.drop();
  rmSync(config.spill.dir, { recursive: true, force: true });
});

test('kill -9 of a worker carrying open orders: another worker recovers its carry records, and the orders table is exact', async () => {
  const random = seededRandom(20261126);
  const { fills, expected } = makeOrders(5_000, random);
  const producer = new TradeProducer(config);
  try {
    await producer.publish(shuffle([...fills], random), { packSize: 50 }); // shuffled: most orders span batches
  } finally {
    await producer.close();
  }
  const first = spawnCli(['worker', '--role', 'sink'], env);
  workers.push(first);
  const store = createOrderStore(config, redis);
  const carrying = () => store.recordsBefore(Date.now() + 60_000, 10_000);
  const inserted = () => countTrades(db.client, config.clickhouse.database);
  const progress = async () => ({ inserted: await inserted(), records: (await carrying()).length });
  await waitFor(progress, (p) => p.inserted >= fills.length / 3 && p.records > 0, 60_000, `first worker carrying orders of batches already written (output: ${first.output()})`);
  assert.equal(await first.kill('SIGKILL'), 'SIGKILL');
  assert.ok((await carrying()).length > 0, 'the killed worker left carry records');
  assert.ok((await inserted()) < fills.length, 'killed mid-stream');

  const second = spawnCli(['worker', '--role', 'sink'], env);
  workers.push(second);
  await waitFor(() => countTrades(db.client, config.clickhouse.database), (n) => n >= fills.length, 90_000, `every fill in trades (output: ${second.output()})`);
  const orderCount = async () => Number((await queryText(db.client, `SELECT count() FROM ${config.clickhouse.database}.orders FINAL`))[0]?.[0] ?? 0);
  await waitFor(orderCount, (n) => n >= expected.length, 60_000, 'every order committed');

  const rows = await queryText(db.client, `SELECT account, order_id, filled_qty, vwap, fill_count, status FROM ${config.clickhouse.database}.orders FINAL`);
  const actual = new Map(rows.map((r) => [`${r[0]}|${r[1]}`, r]));
  assert.equal(actual.size, expected.length, 'one row per order');
  for (const e of expected) {
    const row = actual.get(`${e.account}|${e.orderId}`);
    assert.ok(row, `order ${e.orderId} missing`);
    assert.deepEqual([normalizeDecimal(row[2] ?? ''), normalizeDecimal(row[3] ?? ''), Number(row[4]), row[5]], [e.filledQty, e.vwap, e.fillCount, e.status], `order ${e.orderId}`);
  }
  await waitFor(async () => (await store.recordsBefore(Date.now() + 60_000, 10_000)).length, (n) => n === 0, 10_000, 'carry records all dropped');
  const counts = await store.counts();
  assert.equal(counts.incompleteTotal, 0, 'nothing timed out as incomplete');
});
