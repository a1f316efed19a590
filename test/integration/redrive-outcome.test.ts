import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Job } from 'bullmq';
import { JOB_NAMES, type DeadLetter } from '../../queues/index.js';
import { deadLetterJobData, deadLetterJobName } from '../../dashboard/board/dead-letter-formatters.js';
import { DeadLetterAdmin } from '../../src/dlq/dead-letter-admin.js';
import { signTrade } from '../../src/trade/signing.js';
import { queryText } from '../helpers/clickhouse-helpers.js';
import { dashboardWithWorker, OPERATOR, signIn } from '../helpers/dashboard-harness.js';
import { makeTrade } from '../helpers/trade-factory.js';
import { waitFor } from '../helpers/wait-for.js';

let d: Awaited<ReturnType<typeof dashboardWithWorker>>;
let h: typeof d.h;
let db: typeof d.db;
let base: string;
let admin: DeadLetterAdmin;

before(async () => {
  d = await dashboardWithWorker();
  ({ h, db, base } = d);
  admin = new DeadLetterAdmin(h.queues.dlq);
});

after(() => d.stop());

const SHORT_ID = /^dl\.[0-9a-f]{16}$/;

async function parkedLetterFrom(sourceJobId: string): Promise<Job<DeadLetter>> {
  const letter = await waitFor(
    async () => (await h.queues.dlq.getFailed(0, -1)).find((j) => j?.data.source.jobId === sourceJobId),
    (j) => j !== undefined,
    15_000,
    `dead letter of ${sourceJobId}`,
  );
  return letter as Job<DeadLetter>;
}

async function outcomeOf(id: string): Promise<Job<DeadLetter>> {
  const job = await waitFor(() => h.queues.dlq.getJob(id), (j) => j?.data.redrive !== undefined, 15_000, `redrive outcome of ${id}`);
  return job as Job<DeadLetter>;
}

test('a redriven letter whose trade dies again says so, with the new reason and a link both ways; ids stay short', async () => {
  const trade = makeTrade({ symbol: 'AGAIN', side: 'sell', qty: '100', order_qty: '100', cum_qty: '100', price: '227.125', order_id: 'ORD-42' });
  const envelope = { ...signTrade(h.config.keyring, trade), payload: JSON.stringify({ ...trade, qty: '99' }) }; // tampered after signing
  await h.queues.trades.add(JOB_NAMES.trade, { envelopes: [envelope] }, { jobId: trade.trade_id });
  const first = await parkedLetterFrom(trade.trade_id);
  assert.match(first.id ?? '', SHORT_ID);
  assert.deepEqual(first.stacktrace, [], 'no stack trace is kept');
  assert.match(first.failedReason, /^SIGNATURE_INVALID: .* — what to do: /);
  // The name and data Bull Board shows: code and trade, the decoded trade with its UTC time, a hint; no envelope.
  assert.equal(deadLetterJobName(first.toJSON()), 'SIGNATURE_INVALID · AGAIN sell 99 @ 227.125 · ORD-42');
  const view = deadLetterJobData(first.data) as { trade: Record<string, unknown>; whatToDo: string; reason: string; envelope?: unknown };
  assert.equal(view.trade.trade_id, trade.trade_id);
  assert.equal(view.trade.qty, '99', 'the trade as it was queued');
  assert.match(String(view.trade.time_utc), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  assert.match(view.whatToDo, /signature/);
  assert.equal(view.envelope, undefined);

  await admin.redrive(first.id ?? '');
  const firstDone = await outcomeOf(first.id ?? '');
  const again = firstDone.data.redrive;
  assert.equal(again?.outcome, 'dead-lettered again');
  assert.equal(again?.attempt, 1);
  assert.equal(again?.error?.code, 'SIGNATURE_INVALID');
  assert.match(again?.deadLetterId ?? '', SHORT_ID);
  const second = await parkedLetterFrom(`rd.${first.id}.1`);
  assert.equal(second.id, again?.deadLetterId);
  assert.equal(second.data.redriveOf, first.id);
  assert.equal(deadLetterJobName(firstDone.toJSON()), `DEAD-LETTERED AGAIN as ${second.id} (SIGNATURE_INVALID) · SIGNATURE_INVALID · AGAIN sell 99 @ 227.125 · ORD-42`);
  assert.match(deadLetterJobName(second.toJSON()), new RegExp(`died again after redrive of ${first.id}$`));

  // Redriven once more: the id does not grow with the redrive chain.
  await admin.redrive(second.id ?? '');
  const third = await parkedLetterFrom(`rd.${second.id}.1`);
  assert.match(third.id ?? '', SHORT_ID);

  // Bull Board's own API serves the formatted job and the link to the new letter.
  const agent = await signIn(base, OPERATOR);
  const res = await agent.get(`/board/api/queues/${h.config.queues.dlq}/${first.id}`);
  assert.equal(res.status, 200, res.text);
  const job = (res.body as { job: { name: string; data: { trade: { trade_id: string }; redrive: { outcome: string } }; externalUrl?: { href: string; displayText: string } } }).job;
  assert.match(job.name, /^DEAD-LETTERED AGAIN as dl\./);
  assert.equal(job.data.trade.trade_id, trade.trade_id);
  assert.equal(job.data.redrive.outcome, 'dead-lettered again');
  assert.deepEqual(job.externalUrl, { href: `/board/queue/${h.config.queues.dlq}/${second.id}`, displayText: `dead-lettered again: ${second.id}` });
  const back = await agent.get(`/board/api/queues/${h.config.queues.dlq}/${third.id}`);
  assert.equal((back.body as { job: { externalUrl?: { displayText: string } } }).job.externalUrl?.displayText, `redriven from ${second.id}`);
});

test('a redriven letter whose trade lands says LANDED, and the trade is in ClickHouse', async () => {
  const trade = makeTrade({ symbol: 'LANDS' });
  const letter: DeadLetter = {
    envelope: signTrade(h.config.keyring, trade),
    tradeId: trade.trade_id,
    error: { code: 'CLICKHOUSE_RETRIES_EXHAUSTED', message: 'connect ECONNREFUSED (test)' },
    attempts: 5,
    failedAt: new Date().toISOString(),
    source: { queue: h.config.queues.trades, jobId: trade.trade_id },
  };
  await h.queues.dlq.add(JOB_NAMES.deadLetter, letter, { jobId: 'dl.0123456789abcdef' });
  await waitFor(async () => (await h.queues.dlq.getJob('dl.0123456789abcdef'))?.isFailed(), (f) => f === true, 15_000, 'parked');
  await admin.redrive('dl.0123456789abcdef');
  const done = await outcomeOf('dl.0123456789abcdef');
  assert.equal(done.data.redrive?.outcome, 'landed');
  assert.equal(done.data.redrive?.deadLetterId, undefined);
  assert.match(deadLetterJobName(done.toJSON()), /^LANDED after redrive · CLICKHOUSE_RETRIES_EXHAUSTED · LANDS buy/);
  const [[n] = ['0']] = await queryText(db.client, `SELECT count() FROM ${h.config.clickhouse.database}.trades FINAL WHERE trade_id = toUUID('${trade.trade_id}')`);
  assert.equal(n, '1');
});
