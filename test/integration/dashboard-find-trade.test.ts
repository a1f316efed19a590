import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { after, before, test } from 'node:test';
import { JOB_NAMES } from '../../queues/index.js';
import { AuditLog } from '../../src/audit/audit-log.js';
import { signPack, signTrade } from '../../src/trade/signing.js';
import type { Trade } from '../../src/trade/trade-schema.js';
import { dashboardWithWorker, OPERATOR, signIn as signInAs, VIEWER } from '../helpers/dashboard-harness.js';
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

interface Found {
  status: string;
  summary: string;
  locations: { where: string; state?: string; timeUtc?: string }[];
  trade: Record<string, string> | null;
  tradeSource: string | null;
  history: { at: string; event: string; detail: string }[];
  inFlight: { waiting: number; active: number; delayed: number } | null;
}

const stranger = () => testConfig({ ...env, TRADE_SYNC_HMAC_KEYS: 'stranger:stranger-secret-0123456789abcdef0123' }).keyring;

test('find a trade of each job kind: stored fields and UTC nanoseconds, dead letters inside ingest jobs, "may be in flight" with counts', async () => {
  const viewer = await signIn(VIEWER);
  const find = async (id: string) => {
    const res = await viewer.get(`/ops/api/trades/${id}`);
    assert.equal(res.status, 200, res.text);
    return res.body as Found;
  };
  // An ingest job (the engine's originals, jobId i.…): one trade lands, one is signed with an unknown key.
  const landed = makeTrade({ symbol: 'INGEST', ts_ns: '1763776000123456789', price: '227.125' });
  const dead = makeTrade({ symbol: 'INGEST' });
  await h.queues.trades.add('ingest', { envelopes: [signTrade(h.config.keyring, landed), signTrade(stranger(), dead)] }, { jobId: 'i.find-1' });
  await waitFor(async () => JSON.stringify(await find(landed.trade_id)), (s) => s.includes('"in-clickhouse"'), 20_000, 'the ingest trade in ClickHouse');

  const stored = await find(landed.trade_id);
  assert.equal(stored.tradeSource, 'clickhouse');
  assert.equal(stored.trade?.price, '227.125');
  assert.equal(stored.trade?.symbol, 'INGEST');
  assert.equal(stored.trade?.ts_ns, '1763776000123456789');
  assert.equal(stored.trade?.time_utc, '2025-11-22T01:46:40.123456789Z');
  assert.equal(stored.locations.find((l) => l.where === 'clickhouse')?.timeUtc, '2025-11-22T01:46:40.123456789Z');
  assert.deepEqual(stored.history.map((e) => e.event), ['landed']);
  assert.match(stored.summary, /^In ClickHouse/);

  const letter = await waitFor(() => find(dead.trade_id), (f) => f.status === 'dead-lettered', 20_000, 'the ingest trade dead-lettered');
  assert.equal(letter.tradeSource, 'dead-letter');
  assert.equal(letter.trade?.trade_id, dead.trade_id);
  assert.match(String(letter.trade?.time_utc), /\.\d{9}Z$/);
  assert.deepEqual(letter.history.map((e) => e.event), ['dead-lettered']);
  assert.match(letter.history[0]?.detail ?? '', /^SIGNATURE_UNKNOWN_KEY/);
  assert.equal(letter.locations.some((l) => l.where === 'trades-queue'), false);

  // One-job mode (jobId = trade_id): a dead-lettered trade is never "in the trades queue … completed".
  const alone = makeTrade({ symbol: 'ALONE' });
  await h.queues.trades.add(JOB_NAMES.trade, { envelopes: [signTrade(stranger(), alone)] }, { jobId: alone.trade_id });
  const aloneFound = await waitFor(() => find(alone.trade_id), (f) => f.status === 'dead-lettered' && f.history.some((e) => e.event === 'job completed'), 20_000, 'one-job trade dead-lettered');
  assert.deepEqual(aloneFound.locations.map((l) => l.where), ['dead-letter']);

  // In flight: an ingest job and a pack, both waiting (delayed) — neither id names the trade.
  const flying = [makeTrade({ symbol: 'FLY' }), makeTrade({ symbol: 'FLY' })];
  const packed = [makeTrade({ symbol: 'FLYP' }), makeTrade({ symbol: 'FLYP' })] as Trade[];
  await h.queues.trades.add('ingest', { envelopes: flying.map((t) => signTrade(h.config.keyring, t)) }, { jobId: 'i.x', delay: 600_000 });
  await h.queues.trades.add('pack', { envelopes: [signPack(h.config.keyring, packed)] }, { jobId: 'p.x', delay: 600_000 });
  for (const id of [flying[1]!.trade_id, packed[0]!.trade_id]) {
    const f = await find(id);
    assert.equal(f.status, 'maybe-in-flight', f.summary);
    assert.equal(f.locations.length, 0);
    assert.ok((f.inFlight?.delayed ?? 0) >= 2, JSON.stringify(f.inFlight));
    assert.match(f.summary, /Not in ClickHouse, the dead-letter queue .* It may be in flight inside a packed job: the trades queue holds \d+ jobs? waiting, \d+ jobs? active and \d+ jobs delayed/);
  }
  await h.queues.trades.remove('i.x');
  await h.queues.trades.remove('p.x');
});

test('audit trail: Bull Board retry and retry all, scale, and the CLI are recorded with who and role; a trade names who redrove it', async () => {
  const operator = await signIn(OPERATOR);
  const trade = makeTrade({ symbol: 'AUDIT' });
  await h.queues.trades.add(JOB_NAMES.trade, { envelopes: [signTrade(stranger(), trade)] }, { jobId: trade.trade_id });
  const parked = await waitFor(async () => (await h.queues.dlq.getFailed(0, -1)).find((j) => j?.data.tradeId === trade.trade_id), (j) => j !== undefined, 20_000, 'parked');
  const retried = await operator.put(`/board/api/queues/${h.config.queues.dlq}/${parked?.id}/retry`).set('Origin', base);
  assert.ok(retried.status < 300, retried.text);
  const retryAll = await operator.put(`/board/api/queues/${h.config.queues.dlq}/retry/failed`).set('Origin', base);
  assert.ok(retryAll.status < 300, retryAll.text);
  assert.equal((await operator.post('/ops/api/scale').set('Origin', base).send({ queue: h.config.queues.dlq, processes: 2 })).status, 200);
  const viewer = await signIn(VIEWER);
  assert.equal((await viewer.put(`/board/api/queues/${h.config.queues.dlq}/retry/failed`).set('Origin', base)).status, 403);

  const audit = new AuditLog(h.queues.connection, h.config.redis.prefix, h.config.queues.trades);
  const entries = await waitFor(() => audit.recent(10), (e) => e.length >= 3, 5_000, 'audit entries');
  const byAction = (a: string) => entries.find((e) => e.action === a);
  assert.deepEqual({ ...byAction('retry'), at: 'x' }, { at: 'x', user: OPERATOR.user, role: 'operator', action: 'retry', target: `${h.config.queues.dlq}/${parked?.id}`, detail: '', via: 'dashboard' });
  assert.equal(byAction('retry all')?.target, h.config.queues.dlq);
  assert.match(byAction('retry all')?.detail ?? '', /^status failed, \d+ jobs?$/);
  assert.equal(byAction('scale')?.detail, '2 process(es) per supervisor host');
  assert.equal(entries.filter((e) => e.user === VIEWER.user).length, 0, 'a refused action is not recorded');
  assert.match(entries[0]?.at ?? '', /^\d{4}-\d\d-\d\dT/);

  // The ops page shows the trail; the trade's history names who redrove it, and what came of it.
  const status = (await operator.get('/ops/api/status')).body as { audit: { action: string; user: string }[] };
  assert.ok(status.audit.some((e) => e.action === 'retry' && e.user === OPERATOR.user));
  const found = await waitFor(
    async () => (await operator.get(`/ops/api/trades/${trade.trade_id}`)).body as Found,
    (f) => f.history.some((e) => e.event === 'redrive outcome'),
    20_000,
    'redrive outcome in the history',
  );
  const redriven = found.history.find((e) => e.event === 'redriven');
  assert.match(redriven?.detail ?? '', new RegExp(`by ${OPERATOR.user} \\(operator, dashboard: retry`));
  assert.match(found.history.find((e) => e.event === 'redrive outcome')?.detail ?? '', /^dead-lettered again as dl\.[0-9a-f]{16}: SIGNATURE_UNKNOWN_KEY/);
});

test('ops status: no data instead of 0; a worker that is gone is marked and left out of the totals; each queue line is true', async () => {
  const viewer = await signIn(VIEWER);
  // A heartbeat left by a process that no longer runs (as after kill -9): its key has not expired.
  const exited = spawnSync('true').pid;
  const key = `${h.config.redis.prefix}:${h.config.queues.trades}:workers:${hostname()}:${exited}`;
  const ghost = { host: hostname(), pid: exited, queue: h.config.queues.trades, role: 'all', concurrency: 2000, startedAt: new Date().toISOString(), circuit: 'closed', clickhouseUrl: '', spillBacklog: 18_796, stats: {}, beatAt: new Date().toISOString() };
  await h.queues.connection.multi().set(key, JSON.stringify(ghost), 'EX', 10).sadd(`${h.config.redis.prefix}:${h.config.queues.trades}:worker-index`, key).exec();
  const s = (await viewer.get('/ops/api/status')).body as {
    health: { spillBacklog: number; throughput: number | null; lagMs: number | null };
    queues: { name: string; role: string; supervisors: number; processes: { pid: number; freshness: string; supervised: boolean; concurrency: number; spillBacklog: number }[] }[];
  };
  assert.equal(s.health.spillBacklog, 0, 'the gone worker\'s last backlog is not counted');
  assert.equal(s.health.throughput, null, 'no sample yet: no data, not 0');
  assert.equal(s.health.lagMs, null);
  const trades = s.queues.find((q) => q.role === 'sink');
  const dlq = s.queues.find((q) => q.role === 'redrive');
  assert.equal(trades?.processes.find((p) => p.pid === exited)?.freshness, 'gone');
  const me = trades?.processes.find((p) => p.pid === process.pid);
  assert.deepEqual([me?.freshness, me?.supervised], ['current', false]);
  assert.equal(trades?.supervisors, 0);
  // On the DLQ's line the process shows the redrive worker's own concurrency, not the sink's.
  assert.equal(dlq?.processes.find((p) => p.pid === process.pid)?.concurrency, 50);
  assert.equal(dlq?.processes.find((p) => p.pid === process.pid)?.spillBacklog, 0);
  await h.queues.connection.del(key);
});
