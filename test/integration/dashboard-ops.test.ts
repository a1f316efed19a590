import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createLogger } from '../../src/logger.js';
import { TradeProducer } from '../../src/producer/trade-producer.js';
import { DuckDbSpillFile } from '../../src/spill/duckdb-spill-file.js';
import { SpillDirectory } from '../../src/spill/spill-directory.js';
import { signTrade } from '../../src/trade/signing.js';
import { countTrades } from '../helpers/clickhouse-helpers.js';
import { dashboardWithWorker, OPERATOR, signIn as signInAs, VIEWER } from '../helpers/dashboard-harness.js';
import { makeTradeRow } from '../helpers/make-trade-row.js';
import { testConfig } from '../helpers/test-env.js';
import { makeTrade } from '../helpers/trade-factory.js';
import { waitFor } from '../helpers/wait-for.js';

let d: Awaited<ReturnType<typeof dashboardWithWorker>>;
let h: typeof d.h;
let db: typeof d.db;
let env: Record<string, string>;
let base: string;

before(async () => {
  d = await dashboardWithWorker({ TRADE_SYNC_SPILL_ENABLED: 'false' });
  ({ h, db, env, base } = d);
});

after(() => d.stop());

const signIn = (who: { user: string; password: string }) => signInAs(base, who);

type Where = { where: string } & Record<string, unknown>;

test('find a trade: in ClickHouse, dead-lettered with its error, delayed in the queue, in the spill, or nowhere', async () => {
  const viewer = await signIn(VIEWER);
  const find = async (id: string) => {
    const res = await viewer.get(`/ops/api/trades/${id}`);
    assert.equal(res.status, 200, res.text);
    return res.body as { tradeId: string; locations: Where[]; unavailable: unknown[] };
  };

  const landed = makeTrade({ symbol: 'FIND' });
  const producer = new TradeProducer(h.config);
  const stranger = new TradeProducer(testConfig({ ...env, TRADE_SYNC_HMAC_KEYS: 'stranger:stranger-secret-0123456789abcdef0123' }));
  const dead = makeTrade({ symbol: 'FIND' });
  const deadPack = [makeTrade({ symbol: 'FIND' }), makeTrade({ symbol: 'FIND' })];
  try {
    await producer.publish(landed, { packSize: 1 }); // one job per trade: found by its id
    await stranger.publish(dead, { packSize: 1 });
    await stranger.publish(deadPack, { packSize: 2 }); // one dead letter for the signed pack
  } finally {
    await producer.close();
    await stranger.close();
  }
  await waitFor(() => countTrades(db.client, h.config.clickhouse.database), (n) => n >= 1, 20_000, 'trade in ClickHouse');
  await waitFor(() => h.queues.dlq.getFailedCount(), (n) => n === 2, 20_000, 'dead letters');
  await waitFor(async () => (await h.queues.trades.getJob(landed.trade_id))?.isCompleted(), (done) => done === true, 20_000, 'job completed');

  const inClickHouse = await find(landed.trade_id.toUpperCase());
  assert.equal(inClickHouse.tradeId, landed.trade_id);
  assert.deepEqual(inClickHouse.unavailable, []);
  const ch = inClickHouse.locations.find((l) => l.where === 'clickhouse');
  assert.equal(ch?.symbol, 'FIND');
  assert.equal(ch?.tsNs, landed.ts_ns);
  // Its completed job is history, not a place the trade is.
  assert.equal(inClickHouse.locations.find((l) => l.where === 'trades-queue'), undefined);
  assert.deepEqual((inClickHouse as unknown as { history: { event: string }[] }).history.map((e) => e.event).sort(), ['job completed', 'landed']);

  const dl = (await find(dead.trade_id)).locations.find((l) => l.where === 'dead-letter');
  assert.equal(dl?.code, 'SIGNATURE_UNKNOWN_KEY');
  assert.match(String(dl?.message), /stranger/);
  const inPack = (await find(deadPack[1]!.trade_id)).locations.find((l) => l.where === 'dead-letter');
  assert.equal(inPack?.code, 'SIGNATURE_UNKNOWN_KEY', 'a trade inside a dead-lettered pack is found too');

  const waiting = makeTrade({ symbol: 'FIND' });
  await h.queues.trades.add('trade', { envelopes: [signTrade(h.config.keyring, waiting)] }, { jobId: waiting.trade_id, delay: 600_000 });
  assert.deepEqual((await find(waiting.trade_id)).locations.map((l) => [l.where, l.state]), [['trades-queue', 'delayed']]);

  const spilled = makeTrade({ symbol: 'FIND' });
  const file = new DuckDbSpillFile(new SpillDirectory(h.config.spill.dir).unownedPath('test'), createLogger('silent'));
  await file.append([makeTradeRow(spilled)]);
  await file.close();
  const sp = (await find(spilled.trade_id)).locations;
  assert.deepEqual(sp.map((l) => l.where), ['spill']);

  assert.deepEqual((await find(makeTrade().trade_id)).locations, []);
  const bad = await viewer.get(`/ops/api/trades/${encodeURIComponent("x' OR 1=1 --")}`);
  assert.equal(bad.status, 400);
});

test('ops status: health, processes per queue, plots; an operator scales, a viewer cannot', async () => {
  await h.history.sample();
  await new Promise((resolve) => setTimeout(resolve, 50));
  await h.history.sample();
  const operator = await signIn(OPERATOR);
  const page = await operator.get('/ops').set('Accept', 'text/html');
  assert.equal(page.status, 200);
  assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
  assert.match(page.text, /data-role="operator"/);
  const status = await operator.get('/ops/api/status');
  assert.equal(status.status, 200);
  const s = status.body as { health: Record<string, unknown>; queues: { name: string; processes: { pid: number; concurrency: number }[] }[]; history: unknown[] };
  assert.equal(s.health.circuit, 'closed');
  assert.deepEqual(s.health.clickhouse, { reachable: true, error: null });
  assert.equal(typeof s.health.throughput, 'number');
  assert.ok(s.history.length >= 1);
  const trades = s.queues.find((q) => q.name === h.config.queues.trades);
  assert.deepEqual(trades?.processes.map((p) => p.pid), [process.pid], 'this test process runs the worker');
  assert.equal(trades?.processes[0]?.concurrency, h.config.worker.concurrency);

  const scaled = await operator.post('/ops/api/scale').set('Origin', base).send({ queue: h.config.queues.trades, processes: 4 });
  assert.equal(scaled.status, 200, scaled.text);
  const after = (await operator.get('/ops/api/status')).body as { queues: { name: string; desired: number }[] };
  assert.equal(after.queues.find((q) => q.name === h.config.queues.trades)?.desired, 4);
  assert.equal((await operator.post('/ops/api/scale').set('Origin', base).send({ queue: 'nope', processes: 1 })).status, 400);
  assert.equal((await operator.post('/ops/api/scale').set('Origin', base).send({ queue: h.config.queues.trades, processes: -1 })).status, 400);

  const viewer = await signIn(VIEWER);
  assert.match((await viewer.get('/ops').set('Accept', 'text/html')).text, /data-role="viewer"/);
  assert.equal((await viewer.post('/ops/api/scale').set('Origin', base).send({ queue: h.config.queues.trades, processes: 1 })).status, 403);
});
