import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { JOB_NAMES } from '../../queues/index.js';
import { startDashboard, type RunningDashboard } from '../../dashboard/start-dashboard.js';
import type { Config } from '../../src/config/index.js';
import { createLogger } from '../../src/logger.js';
import { DesiredState } from '../../src/supervisor/desired-state.js';
import { chromiumAvailable, openBrowser, screenshot } from '../helpers/browser.js';
import { dashboardEnv, OPERATOR } from '../helpers/dashboard-harness.js';
import { testQueues, type TestQueues } from '../helpers/queue-helpers.js';
import { testConfig } from '../helpers/test-env.js';
import { waitFor } from '../helpers/wait-for.js';

const skip = chromiumAvailable() ? false : 'Debian chromium is not installed at /usr/bin/chromium (scripts/ensure-services.sh installs it)';

let config: Config;
let queues: TestQueues;
let dashboard: RunningDashboard;

before(async () => {
  if (skip) return;
  config = testConfig(await dashboardEnv({ TRADE_SYNC_PARTITIONS: '4' }));
  queues = testQueues(config);
  dashboard = await startDashboard(config, createLogger('silent'), { port: 0 });
});

after(async () => {
  if (skip) return;
  await dashboard?.stop();
  await queues?.cleanup();
});

test('4 partitions in the browser: the ops page has a line per partition and scales one or all; Bull Board names them trades.i', { skip }, async () => {
  const trades = config.queues.trades;
  await queues.partitions[2]?.add(JOB_NAMES.pack, { envelopes: [] }, { delay: 600_000 });
  const desired = new DesiredState(queues.connection, config.redis.prefix, config.queues.layout.stateName);
  const browser = await openBrowser(dashboard.url);
  try {
    const { page } = browser;
    await page.goto(`${dashboard.url}/board`);
    await page.fill('input[name=user]', OPERATOR.user);
    await page.fill('input[name=password]', OPERATOR.password);
    await Promise.all([page.waitForURL(`${dashboard.url}/board`), page.click('button[type=submit]')]);
    for (let p = 0; p < 4; p++) await page.getByText(`${trades}.${p}`, { exact: true }).first().waitFor({ timeout: 15_000 });
    await screenshot(page, 'board-partitions.png');

    await page.goto(`${dashboard.url}/ops`);
    for (let p = 0; p < 4; p++) await page.locator(`[data-queue="${trades}.${p}"] [data-partition="${p}"]`).waitFor();
    await page.locator(`[data-queue-total="${trades}"]`).filter({ hasText: '4 partitions' }).waitFor();
    assert.match(await page.locator(`[data-queue="${trades}.2"] .queue-head`).innerText(), /waiting 0 · active 0/);

    await page.locator(`[data-scale-up="${trades}.2"]`).click();
    await waitFor(() => desired.get(), (d) => d[`${trades}.2`] === 1, 10_000, 'partition 2 scaled to 1');
    assert.deepEqual(await desired.get(), { [`${trades}.2`]: 1 }, 'only partition 2');
    await page.locator(`[data-scale-up="${trades}"]`).click();
    await waitFor(() => desired.get(), (d) => [0, 1, 2, 3].every((p) => d[`${trades}.${p}`] === 2), 10_000, 'every partition to the largest + 1');
    await page.locator('#audit-list tr[data-audit="scale"]').filter({ hasText: `${trades}.0, ${trades}.1` }).waitFor();
    await screenshot(page, 'ops-partitions.png');
  } finally {
    await browser.close();
  }
});
