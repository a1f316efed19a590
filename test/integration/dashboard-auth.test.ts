import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import request from 'supertest';
import { JOB_NAMES } from '../../queues/index.js';
import { RedisSessionStore } from '../../dashboard/auth/session-store.js';
import { createLogger } from '../../src/logger.js';
import { runWorker, type RunningWorker } from '../../src/wiring/run-worker.js';
import { dashboardHarness, OPERATOR, VIEWER } from '../helpers/dashboard-harness.js';
import { makeTrade } from '../helpers/trade-factory.js';
import { waitFor } from '../helpers/wait-for.js';

let h: Awaited<ReturnType<typeof dashboardHarness>>;
let redrive: RunningWorker;

/** A parked dead letter (failed job on the DLQ), as the sink creates them. */
async function parkedDeadLetter(): Promise<string> {
  const trade = makeTrade();
  const job = await h.queues.dlq.add(JOB_NAMES.deadLetter, {
    envelope: { payload: JSON.stringify(trade) },
    tradeId: trade.trade_id,
    error: { code: 'CLICKHOUSE_BAD_DATA', message: 'test dead letter' },
    attempts: 1,
    failedAt: new Date().toISOString(),
    source: { queue: h.config.queues.trades, jobId: trade.trade_id },
  }, { jobId: `dl.${trade.trade_id}` });
  await waitFor(async () => (await h.queues.dlq.getJob(job.id ?? ''))?.isFailed(), (f) => f === true, 10_000, 'dead letter parked');
  return job.id ?? '';
}

before(async () => {
  h = await dashboardHarness();
  redrive = await runWorker(h.config, createLogger('silent'), 'redrive');
});

after(async () => {
  await redrive.stop();
  await h.cleanup();
});

/** A server bound to a port, so requests carry a real Host and the test can send the matching Origin. */
async function served() {
  const server = h.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  return { server, base, close: () => new Promise((resolve) => server.close(resolve)) };
}

async function signIn(base: string, who: { user: string; password: string }): Promise<request.Agent> {
  const agent = request.agent(base);
  const res = await agent.post('/login').set('Origin', base).type('form').send({ user: who.user, password: who.password, next: '/board' });
  assert.equal(res.status, 303, `login of ${who.user}: ${res.status} ${res.text.slice(0, 200)}`);
  return agent;
}

test('without a session: pages redirect to /login, the APIs answer 401', async () => {
  const page = await request(h.app).get('/board').set('Accept', 'text/html');
  assert.equal(page.status, 302);
  assert.equal(page.headers.location, '/login?next=%2Fboard');
  const ops = await request(h.app).get('/ops').set('Accept', 'text/html');
  assert.equal(ops.status, 302);
  assert.equal((await request(h.app).get('/board/api/queues')).status, 401);
  assert.equal((await request(h.app).get('/ops/api/status')).status, 401);
  const s = await served();
  try {
    const retry = await request(s.base).put(`/board/api/queues/${h.config.queues.dlq}/retry/failed`).set('Origin', s.base);
    assert.equal(retry.status, 401);
    const form = await request(s.base).get('/login');
    assert.equal(form.status, 200);
    assert.match(form.text, /<form method="post" action="\/login">/);
    assert.doesNotMatch(form.text, /scrypt\$/, 'no hash in the page');
  } finally {
    await s.close();
  }
});

test('the session cookie is HttpOnly and SameSite=Strict; logout ends the session', async () => {
  const s = await served();
  try {
    const agent = request.agent(s.base);
    const res = await agent.post('/login').set('Origin', s.base).type('form').send({ user: OPERATOR.user, password: OPERATOR.password, next: '//evil.example/x' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/board', 'an off-site next is ignored');
    const cookie = String(res.headers['set-cookie']);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.match(cookie, /Path=\//);
    assert.equal((await agent.get('/board/api/queues')).status, 200);
    assert.equal((await agent.post('/logout').set('Origin', s.base)).status, 303);
    assert.equal((await agent.get('/board/api/queues')).status, 401);
  } finally {
    await s.close();
  }
});

test('sessions expire', async () => {
  const store = new RedisSessionStore(h.queues.connection, `${h.config.redis.prefix}:${h.config.queues.trades}`, 300);
  const id = await store.create('alice', 'operator');
  assert.equal((await store.get(id))?.user, 'alice');
  await new Promise((resolve) => setTimeout(resolve, 400));
  assert.equal(await store.get(id), undefined);
  assert.equal(await store.get('not-a-session-id'), undefined);
});

test("a viewer reads the board, but every Bull Board mutation and scaling answer 403", async () => {
  const id = await parkedDeadLetter();
  const s = await served();
  try {
    const viewer = await signIn(s.base, VIEWER);
    const queues = await viewer.get('/board/api/queues');
    assert.equal(queues.status, 200);
    const dlq = (queues.body as { queues: { name: string; readOnlyMode: boolean }[] }).queues.find((q) => q.name === h.config.queues.dlq);
    assert.equal(dlq?.readOnlyMode, true, "the viewer's board is read-only, so its UI has no Retry button");
    const q = h.config.queues.dlq;
    for (const [method, path] of [
      ['put', `/board/api/queues/${q}/${id}/retry`],
      ['put', `/board/api/queues/${q}/retry/failed`],
      ['put', `/board/api/queues/${q}/${id}/clean`],
      ['put', `/board/api/queues/${q}/obliterate`],
      ['put', `/board/api/queues/${q}/pause`],
      ['post', `/board/api/queues/${q}/add`],
      ['patch', `/board/api/queues/${q}/${id}/update-data`],
    ] as const) {
      const res = await viewer[method](path).set('Origin', s.base).send({});
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.match(String((res.body as { error?: string }).error), /operators only/);
    }
    const scale = await viewer.post('/ops/api/scale').set('Origin', s.base).send({ queue: h.config.queues.trades, processes: 3 });
    assert.equal(scale.status, 403);
    assert.equal(await (await h.queues.dlq.getJob(id))?.isFailed(), true, 'the dead letter is still parked');
  } finally {
    await s.close();
  }
});

test('an operator retries a dead letter through the Bull Board API; cross-origin mutations are refused', async () => {
  const id = await parkedDeadLetter();
  const s = await served();
  try {
    const operator = await signIn(s.base, OPERATOR);
    const q = h.config.queues.dlq;
    const foreign = await operator.put(`/board/api/queues/${q}/${id}/retry`).set('Origin', 'http://evil.example');
    assert.equal(foreign.status, 403, 'foreign Origin');
    const crossSite = await operator.put(`/board/api/queues/${q}/${id}/retry`).set('Sec-Fetch-Site', 'cross-site');
    assert.equal(crossSite.status, 403, 'Sec-Fetch-Site: cross-site');
    const bare = await operator.put(`/board/api/queues/${q}/${id}/retry`);
    assert.equal(bare.status, 403, 'neither Origin nor Sec-Fetch-Site');
    const crossLogin = await request(s.base).post('/login').set('Origin', 'http://evil.example').type('form').send({ user: OPERATOR.user, password: OPERATOR.password });
    assert.equal(crossLogin.status, 403, 'login CSRF');
    assert.equal(await (await h.queues.dlq.getJob(id))?.isFailed(), true);

    const retry = await operator.put(`/board/api/queues/${q}/${id}/retry`).set('Origin', s.base).set('Sec-Fetch-Site', 'same-origin');
    assert.ok([200, 204].includes(retry.status), `retry: ${retry.status} ${retry.text}`);
    await waitFor(async () => (await h.queues.trades.getJob(`rd.${id}.1`)) !== undefined, (v) => v, 10_000, 'redriven into the trades queue');
  } finally {
    await s.close();
  }
});

test('wrong passwords are rate-limited per user (429 with Retry-After, even for the right password)', async () => {
  const s = await served();
  try {
    const attempt = (password: string) => request(s.base).post('/login').set('Origin', s.base).type('form').send({ user: VIEWER.user, password });
    for (let i = 0; i < h.config.dashboard.loginMaxFailures; i++) {
      const res = await attempt(`wrong-${i}`);
      assert.equal(res.status, 401);
      assert.doesNotMatch(res.text, /wrong-\d/, 'the password is never echoed');
    }
    const blocked = await attempt(VIEWER.password);
    assert.equal(blocked.status, 429);
    assert.ok(Number(blocked.headers['retry-after']) > 0);
    const unknown = await request(s.base).post('/login').set('Origin', s.base).type('form').send({ user: 'nobody', password: 'x' });
    assert.equal(unknown.status, 429, 'the client address is blocked too');
  } finally {
    await s.close();
  }
});
