import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningWorker } from '../../src/wiring/run-worker.js';
import { createOrderStore } from '../../src/wiring/create-order-tracker.js';
import type { Config } from '../../src/config/index.js';
import { seededRandom } from '../../src/demo/seeded-random.js';
import type { TradeProducer } from '../../src/producer/trade-producer.js';
import { normalizeDecimal } from '../../src/trade/decimal.js';
import { queryText } from '../helpers/clickhouse-helpers.js';
import { makeOrders } from '../helpers/order-fixtures.js';
import type { TestQueues } from '../helpers/queue-helpers.js';
import { startInProcessPipeline, type InProcessPipeline } from '../helpers/in-process-pipeline.js';
import { waitFor } from '../helpers/wait-for.js';

let pipeline: InProcessPipeline;
let config: Config;
let db: InProcessPipeline['db'];
let queues: TestQueues;
let worker: RunningWorker;
let producer: TradeProducer;

before(async () => {
  pipeline = await startInProcessPipeline({ TRADE_SYNC_ORDER_TIMEOUT_MS: '1500', TRADE_SYNC_ORDER_SWEEP_MS: '200' });
  ({ config, db, queues, worker, producer } = pipeline);
});

after(() => pipeline.stop());

const orderRow = async (orderId: string) =>
  (await queryText(db.client, `SELECT status, fill_count, filled_qty FROM ${config.clickhouse.database}.orders FINAL WHERE order_id = '${orderId}'`))[0];

test('an order missing its last fill is committed as incomplete after the timeout; the late fill then completes it', async () => {
  const { fills, expected } = makeOrders(20, seededRandom(7));
  const order = expected.find((e) => e.fillCount >= 2);
  assert.ok(order, 'the fixture has a multi-fill order');
  const orderFills = fills.filter((f) => f.order_id === order.orderId);
  const withoutLast = orderFills.slice(0, -1);
  const last = orderFills[orderFills.length - 1]!;
  await producer.publish(withoutLast);

  const incomplete = await waitFor(() => orderRow(order.orderId), (r) => r !== undefined, 10_000, 'incomplete order row');
  assert.equal(incomplete?.[0], 'incomplete');
  assert.equal(Number(incomplete?.[1]), withoutLast.length);
  const counts = await createOrderStore(config, queues.connection).counts();
  assert.equal(counts.incomplete, 1);
  assert.equal(counts.incompleteTotal, 1);

  await producer.publish(last);
  const done = await waitFor(() => orderRow(order.orderId), (r) => r?.[0] !== 'incomplete', 10_000, 'completed order row');
  assert.deepEqual([done?.[0], Number(done?.[1]), normalizeDecimal(done?.[2] ?? '')], [order.status, order.fillCount, order.filledQty]);
  // The row is visible a moment before the worker forgets the order in Redis: wait for that, within a bound.
  const after = await waitFor(() => createOrderStore(config, queues.connection).counts(), (c) => c.incomplete === 0, 5_000, 'no longer open as incomplete');
  assert.equal(after.incomplete, 0);
  assert.equal(after.incompleteTotal, 1, 'the incomplete commit still counted once');
});
