import assert from 'node:assert/strict';
import { partitionOf } from '../../src/partitions/symbol-hash.js';
import { after, before, test } from 'node:test';
import { JOB_NAMES, tradesQueueNamed } from '../../queues/index.js';
import { QueueDiscovery } from '../../dashboard/board/queue-discovery.js';
import { RoleBoards } from '../../dashboard/board/role-boards.js';
import { AuditLog } from '../../src/audit/audit-log.js';
import { createLogger } from '../../src/logger.js';
import { DesiredState } from '../../src/supervisor/desired-state.js';
import { signTrade } from '../../src/trade/signing.js';
import { runWorker, type RunningWorker } from '../../src/wiring/run-worker.js';
import { dashboardEnv, dashboardHarness, listenOnFreePort, OPERATOR, signIn } from '../helpers/dashboard-harness.js';
import { makeTrade } from '../helpers/trade-factory.js';
import { waitFor } from '../helpers/wait-for.js';

let h: Awaited<ReturnType<typeof dashboardHarness>>;
let redrive: RunningWorker;
let server: Awaited<ReturnType<typeof listenOnFreePort>>;
let trades: string;
let dlq: string;

before(async () => {
  h = await dashboardHarness(await dashboardEnv({ TRADE_SYNC_PARTITIONS: '4' }));
  ({ trades, dlq } = h.config.queues);
  redrive = await runWorker(h.config, createLogger('silent'), 'redrive');
  server = await listenOnFreePort(h.app);
});

after(async () => {
  await server?.close();
  await redrive?.stop();
  await h?.cleanup();
});

test('Bull Board lists each partition queue as trades.i, and the DLQ; Retry sends a dead letter back to its own partition', async () => {
  const operator = await signIn(server.base, OPERATOR);
  const listed = await operator.get('/board/api/queues');
  assert.equal(listed.status, 200, listed.text);
  // A queue shown under its own name carries no display name (the DLQ on a single Redis).
  const boards = (listed.body as { queues: { name: string; displayName?: string }[] }).queues.map((q) => [q.name, q.displayName ?? q.name]).sort();
  assert.deepEqual(boards, [...[0, 1, 2, 3].map((p) => [h.config.queues.layout.tradeQueues[p], `${trades}.${p}`]), [h.config.queues.layout.dlqQueue, dlq]].sort());

  const symbol = Array.from({ length: 100 }, (_, i) => `RETRY${i}`).find((x) => partitionOf(x, 4) === 2) as string;
  const trade = makeTrade({ symbol });
  const letter = await h.queues.dlq.add(
    JOB_NAMES.deadLetter,
    { envelope: { payload: JSON.stringify(trade) }, tradeId: trade.trade_id, error: { code: 'CLICKHOUSE_BAD_DATA', message: 'test dead letter' }, attempts: 1, failedAt: new Date().toISOString(), source: { queue: h.config.queues.layout.tradeQueues[2] as string, jobId: trade.trade_id } },
    { jobId: `dl.${trade.trade_id}` },
  );
  const id = letter.id ?? '';
  await waitFor(async () => (await h.queues.dlq.getJob(id))?.isFailed(), (f) => f === true, 10_000, 'dead letter parked');
  const retry = await operator.put(`/board/api/queues/${encodeURIComponent(h.config.queues.layout.dlqQueue)}/${id}/retry`).set('Origin', server.base);
  assert.ok([200, 204].includes(retry.status), `retry: ${retry.status} ${retry.text}`);
  // Back to its symbol's partition (where it came from, as its source queue says here too).
  await waitFor(async () => (await h.queues.partitions[2]?.getJob(`rd.${id}.1`)) !== undefined, (v) => v, 10_000, 'redriven into partition 2');
  for (const p of [0, 1, 3]) assert.equal(await h.queues.partitions[p]?.getJob(`rd.${id}.1`), undefined, `not into partition ${p}`);
});

test('ops page API: a line per partition with its counts and workers; scale one partition or all; find-a-trade looks in every partition', async () => {
  const operator = await signIn(server.base, OPERATOR);
  for (const [p, n] of [[1, 2], [3, 1]] as const) {
    for (let i = 0; i < n; i++) await h.queues.partitions[p]?.add(JOB_NAMES.pack, { envelopes: [] }, { delay: 600_000 });
  }
  const res = await operator.get('/ops/api/status');
  assert.equal(res.status, 200, res.text);
  const queues = (res.body as { queues: { name: string; partition: number | null; bullQueue: string; role: string; counts: { delayed?: number }; processes: { pid: number }[] }[] }).queues;
  assert.deepEqual(queues.map((q) => [q.name, q.partition, q.bullQueue, q.role]), [
    ...[0, 1, 2, 3].map((p) => [`${trades}.${p}`, p, h.config.queues.layout.tradeQueues[p], 'sink']),
    [dlq, null, h.config.queues.layout.dlqQueue, 'redrive'],
  ]);
  assert.deepEqual(queues.map((q) => q.counts.delayed ?? 0), [0, 2, 0, 1, 0]);
  assert.deepEqual(queues.map((q) => q.processes.map((w) => w.pid)), [[], [], [], [], [process.pid]], 'the redrive worker serves the DLQ, no partition');

  const desired = new DesiredState(h.queues.connection, h.config.redis.prefix, h.config.queues.layout.stateName);
  const scale = (body: object) => operator.post('/ops/api/scale').set('Origin', server.base).send(body);
  assert.equal((await scale({ queue: trades, partitions: '2', processes: 2 })).status, 200);
  assert.deepEqual(await desired.get(), { [`${trades}.2`]: 2 });
  assert.equal((await scale({ queue: `${trades}.0`, processes: 3 })).status, 200);
  assert.equal((await scale({ queue: trades, processes: 1 })).status, 200);
  assert.deepEqual(await desired.get(), Object.fromEntries([0, 1, 2, 3].map((p) => [`${trades}.${p}`, 1])));
  for (const bad of [{ queue: `${trades}.4`, processes: 1 }, { queue: trades, partitions: '9', processes: 1 }, { queue: trades, partitions: 3, processes: 1 }]) {
    const r = await scale(bad);
    assert.equal(r.status, 400, JSON.stringify(bad));
  }
  const audit = await new AuditLog(h.queues.connection, h.config.redis.prefix, h.config.queues.layout.stateName).recent(20);
  assert.equal(audit.find((e) => e.action === 'scale' && e.via === 'dashboard')?.target, [0, 1, 2, 3].map((p) => `${trades}.${p}`).join(', '));

  const alone = makeTrade({ symbol: 'ALONE' });
  await h.queues.partitions[3]?.add(JOB_NAMES.trade, { envelopes: [signTrade(h.config.keyring, alone)] }, { jobId: alone.trade_id, delay: 600_000 });
  const found = await operator.get(`/ops/api/trades/${alone.trade_id}`);
  assert.equal(found.status, 200, found.text);
  const locations = (found.body as { locations: { where: string; queue?: string; state?: string }[] }).locations;
  assert.deepEqual(locations.map((l) => [l.where, l.queue, l.state]), [['trades-queue', h.config.queues.layout.tradeQueues[3], 'delayed']]);
});

test('queue discovery shows a partition queue of an earlier layout ({trades.7~3}) as trades.7', async () => {
  const old = tradesQueueNamed(h.config, h.queues.connection, `{${trades}.7~3}`);
  await old.add(JOB_NAMES.pack, { envelopes: [] }, { delay: 600_000 });
  const boards = new RoleBoards({ basePath: '/board', queues: [...h.queues.partitions, h.queues.dlq], title: 't' });
  const discovery = new QueueDiscovery(h.queues.connection, h.config.redis.prefix, boards, createLogger('silent'));
  try {
    assert.deepEqual(await discovery.scan(), [`{${trades}.7~3}`]);
    assert.ok(boards.has(`{${trades}.7~3}`));
  } finally {
    await discovery.stop();
    await old.obliterate({ force: true });
    await old.close();
  }
});
