import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { JOB_NAMES, type DeadLetter } from '../../queues/index.js';
import { startDashboard, type RunningDashboard } from '../../dashboard/start-dashboard.js';
import type { Config } from '../../src/config/index.js';
import { createLogger } from '../../src/logger.js';
import { deadLetterJobId } from '../../src/dlq/dead-letter-id.js';
import { signTrade } from '../../src/trade/signing.js';
import { countTrades, migratedDatabase, queryText } from '../helpers/clickhouse-helpers.js';
import { chromiumAvailable, openBrowser, screenshot } from '../helpers/browser.js';
import { dashboardEnv, OPERATOR, VIEWER } from '../helpers/dashboard-harness.js';
import { testQueues, type TestQueues } from '../helpers/queue-helpers.js';
import { startSupervisorCli } from '../helpers/supervisor-helpers.js';
import { testConfig } from '../helpers/test-env.js';
import { makeTrade } from '../helpers/trade-factory.js';
import { waitFor } from '../helpers/wait-for.js';

const skip = chromiumAvailable() ? false : 'Debian chromium is not installed at /usr/bin/chromium (scripts/ensure-services.sh installs it)';

let config: Config;
let db: Awaited<ReturnType<typeof migratedDatabase>>;
let queues: TestQueues;
let supervisor: Awaited<ReturnType<typeof startSupervisorCli>>;
let dashboard: RunningDashboard;

before(async () => {
  if (skip) return;
  const env = await dashboardEnv({ TRADE_SYNC_SUPERVISOR_PROCESSES: '' });
  config = testConfig(env);
  db = await migratedDatabase(config);
  queues = testQueues(config);
  supervisor = await startSupervisorCli(config, env);
  dashboard = await startDashboard(config, createLogger('silent'), { port: 0 });
  await supervisor.waitForReady(config.queues.trades, 1);
  await supervisor.waitForReady(config.queues.dlq, 1);
});

after(async () => {
  if (skip) return;
  await dashboard?.stop();
  await supervisor?.stop();
  await queues.cleanup();
  const keys = await queues.connection.keys(`${config.redis.prefix}:${config.queues.trades}:*`).catch(() => []);
  if (keys.length > 0) await queues.connection.del(...keys);
  await db.drop();
  rmSync(config.spill.dir, { recursive: true, force: true });
});

/** A dead letter as the sink parks it: a valid signed trade that ClickHouse once refused. */
async function parkDeadLetter(symbol: string): Promise<{ tradeId: string; jobId: string; orderId: string }> {
  const trade = makeTrade({ symbol });
  const letter: DeadLetter = {
    envelope: signTrade(config.keyring, trade),
    tradeId: trade.trade_id,
    error: { code: 'CLICKHOUSE_BAD_DATA', message: 'Code: 53, e.displayText() = DB::Exception: Type mismatch (browser test)' },
    attempts: 1,
    failedAt: new Date().toISOString(),
    source: { queue: config.queues.trades, jobId: trade.trade_id },
  };
  const jobId = deadLetterJobId(trade.trade_id, `${trade.trade_id}.0`);
  await queues.dlq.add(JOB_NAMES.deadLetter, letter, { jobId });
  await waitFor(async () => (await queues.dlq.getJob(jobId))?.isFailed(), (f) => f === true, 15_000, 'dead letter parked');
  return { tradeId: trade.trade_id, jobId, orderId: trade.order_id };
}

async function logIn(page: Page, who: { user: string; password: string }): Promise<void> {
  await page.goto(`${dashboard.url}/board`);
  assert.match(page.url(), /\/login\?next=%2Fboard$/, 'no session: redirected to the login page');
  await page.fill('input[name=user]', who.user);
  await page.fill('input[name=password]', who.password);
  await Promise.all([page.waitForURL(`${dashboard.url}/board`), page.click('button[type=submit]')]);
}

const retryButtons = (page: Page) => page.locator('button:has(svg.lucide-refresh-cw)').filter({ hasNotText: /retry/i });

async function openFailed(page: Page, jobId: string): Promise<void> {
  await page.goto(`${dashboard.url}/board/queue/${config.queues.dlq}?status=failed`);
  await page.getByText(jobId, { exact: false }).first().waitFor({ timeout: 15_000 });
}

async function tradeRows(tradeId: string): Promise<number> {
  const [[n] = ['0']] = await queryText(db.client, `SELECT count() FROM ${config.clickhouse.database}.trades FINAL WHERE trade_id = toUUID('${tradeId}')`);
  return Number(n);
}

test('operator: log in, open the DLQ, click Retry on a dead letter → the trade is in ClickHouse once', { skip }, async () => {
  const { tradeId, jobId, orderId } = await parkDeadLetter('E2E');
  const browser = await openBrowser(dashboard.url);
  try {
    const { page } = browser;
    await logIn(page, OPERATOR);
    await openFailed(page, jobId);
    // Named by its code and trade; opens on the decoded trade, the reason and what to do; no stack trace.
    await page.getByText(`CLICKHOUSE_BAD_DATA · E2E buy 10.5 @ 227.1234 · ${orderId}`).first().waitFor();
    await page.getByText(/what to do|ClickHouse refused the row/).first().waitFor();
    await page.getByText(tradeId).first().waitFor();
    assert.equal(await page.getByText('redrive-worker').count(), 0, 'no stack trace');
    assert.equal(await page.getByText('"payload"').count(), 0, 'no envelope with the trade as an escaped string');
    await screenshot(page, 'operator-dlq-failed.png');
    assert.equal(await page.getByRole('button', { name: 'Retry all' }).count(), 1, 'the operator sees Retry all');
    page.on('dialog', (dialog) => void dialog.accept());
    await retryButtons(page).first().click();
    const confirm = page.getByRole('alertdialog').getByRole('button', { name: 'Confirm' });
    await confirm.waitFor({ timeout: 10_000 });
    await screenshot(page, 'operator-dlq-confirm-retry.png');
    await confirm.click();
    await waitFor(() => tradeRows(tradeId), (n) => n === 1, 30_000, 'the retried trade in ClickHouse');
    await waitFor(async () => (await queues.dlq.getJob(jobId))?.isCompleted(), (done) => done === true, 15_000, 'dead letter completed');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal(await tradeRows(tradeId), 1, 'exactly once');
    assert.equal(await countTrades(db.client, config.clickhouse.database), 1);
    await page.goto(`${dashboard.url}/board/queue/${config.queues.dlq}?status=completed`);
    await page.getByText(jobId, { exact: false }).first().waitFor({ timeout: 15_000 });
    await page.getByText(`LANDED after redrive · CLICKHOUSE_BAD_DATA · E2E buy 10.5 @ 227.1234 · ${orderId}`).first().waitFor({ timeout: 15_000 });
    await screenshot(page, 'operator-dlq-retried.png');
  } finally {
    await browser.close();
  }
});

test('operator: Retry on a letter whose trade fails again → DEAD-LETTERED AGAIN with the new reason, linked to the new letter', { skip }, async () => {
  const trade = makeTrade({ symbol: 'E2EX', price: '227.125', qty: '100', order_qty: '100', cum_qty: '100', order_id: 'ORD-42' });
  const envelope = { ...signTrade(config.keyring, trade), payload: JSON.stringify({ ...trade, price: '1.000' }) }; // tampered after signing
  await queues.trades.add(JOB_NAMES.trade, { envelopes: [envelope] }, { jobId: trade.trade_id });
  const parked = await waitFor(async () => (await queues.dlq.getFailed(0, -1)).find((j) => j?.data.source.jobId === trade.trade_id), (j) => j !== undefined, 15_000, 'dead-lettered');
  const jobId = parked?.id ?? '';
  const browser = await openBrowser(dashboard.url);
  try {
    const { page } = browser;
    await logIn(page, OPERATOR);
    await openFailed(page, jobId);
    await page.getByText('SIGNATURE_INVALID · E2EX buy 100 @ 1.000 · ORD-42').first().waitFor();
    page.on('dialog', (dialog) => void dialog.accept());
    await retryButtons(page).first().click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Confirm' }).click();
    const done = await waitFor(() => queues.dlq.getJob(jobId), (j) => j?.data.redrive !== undefined, 30_000, 'redrive outcome recorded');
    const again = done?.data.redrive?.deadLetterId ?? '';
    assert.equal(done?.data.redrive?.outcome, 'dead-lettered again');
    await page.goto(`${dashboard.url}/board/queue/${config.queues.dlq}?status=completed`);
    await page.getByText(`DEAD-LETTERED AGAIN as ${again} (SIGNATURE_INVALID)`, { exact: false }).first().waitFor({ timeout: 15_000 });
    const link = page.getByRole('link', { name: `dead-lettered again: ${again}` }).first();
    await link.waitFor({ timeout: 15_000 });
    await screenshot(page, 'operator-dlq-dead-lettered-again.png');
    assert.equal(await link.getAttribute('href'), `/board/queue/${config.queues.dlq}/${again}`);
    await page.goto(`${dashboard.url}/board/queue/${config.queues.dlq}/${again}`);
    await page.getByText(`redriven from ${jobId}`).first().waitFor({ timeout: 15_000 });
    await screenshot(page, 'operator-dlq-new-letter.png');
  } finally {
    await browser.close();
  }
});

test('viewer: the DLQ shows no Retry button, and the retry API answers 403', { skip }, async () => {
  const { jobId } = await parkDeadLetter('E2EV');
  const browser = await openBrowser(dashboard.url);
  try {
    const { page } = browser;
    await logIn(page, VIEWER);
    await openFailed(page, jobId);
    await page.getByText('CLICKHOUSE_BAD_DATA', { exact: false }).first().waitFor();
    await screenshot(page, 'viewer-dlq-failed.png');
    assert.equal(await retryButtons(page).count(), 0, 'no Retry button on the job');
    assert.equal(await page.getByRole('button', { name: /retry all/i }).count(), 0, 'no Retry all');
    const answer = await page.evaluate(async (path) => {
      const res = await fetch(path, { method: 'PUT' });
      return { status: res.status, body: await res.text() };
    }, `/board/api/queues/${config.queues.dlq}/${encodeURIComponent(jobId)}/retry`);
    assert.equal(answer.status, 403, answer.body);
    assert.match(answer.body, /operators only/);
    assert.equal(await (await queues.dlq.getJob(jobId))?.isFailed(), true, 'still parked');
  } finally {
    await browser.close();
  }
});

test('operator: scale trades from 1 to 3 processes on the ops page → 3 workers in Bull Board and on the ops page', { skip }, async () => {
  const browser = await openBrowser(dashboard.url);
  try {
    const { page } = browser;
    await logIn(page, OPERATOR);
    await page.goto(`${dashboard.url}/ops`);
    const trades = config.queues.trades;
    const desired = page.locator(`[data-desired="${trades}"]`);
    await desired.filter({ hasText: 'desired 1 ' }).waitFor();
    await page.locator(`[data-scale-up="${trades}"]`).click();
    await desired.filter({ hasText: 'desired 2 ' }).waitFor();
    await page.locator(`[data-scale-up="${trades}"]`).click();
    await desired.filter({ hasText: 'desired 3 ' }).waitFor();
    await waitFor(() => page.locator(`[data-queue="${trades}"] tr[data-process]`).count(), (n) => n === 3, 90_000, 'three sink processes on the ops page');
    await waitFor(() => supervisor.readyPids(trades), (p) => p.length === 3, 30_000, 'three ready processes');
    await page.waitForTimeout(2_500); // one more poll, so the plots have points
    // The audit trail on the page names who scaled.
    const scaled = page.locator('#audit-list tr[data-audit="scale"]').filter({ hasText: OPERATOR.user });
    assert.ok((await scaled.count()) >= 2, 'each scale click is in the audit trail');
    await screenshot(page, 'ops-scaled-to-3.png');

    const workers = await page.evaluate(async (path) => (await (await fetch(path)).json()) as unknown, `/board/api/queues/${trades}/workers`);
    const list = Array.isArray(workers) ? workers : ((workers as { workers?: unknown[] }).workers ?? []);
    assert.equal(list.length, 3, `Bull Board's workers list: ${JSON.stringify(workers).slice(0, 500)}`);
    await page.goto(`${dashboard.url}/board/queue/${trades}`);
    await page.getByRole('button', { name: 'Queue info' }).click();
    await page.getByText(/connected workers/i).first().click({ timeout: 10_000 });
    await page.waitForTimeout(500);
    await screenshot(page, 'board-workers.png');
  } finally {
    await browser.close();
  }
});
