import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { METRIC } from '../../src/metrics/metric-names.js';
import { TradeProducer } from '../../src/producer/trade-producer.js';
import { countTrades } from '../helpers/clickhouse-helpers.js';
import { onCleanup } from '../helpers/on-cleanup.js';
import { pipelineResources } from '../helpers/pipeline-resources.js';
import { startSupervisorCli } from '../helpers/supervisor-helpers.js';
import { testConfig } from '../helpers/test-env.js';
import { makeTrade } from '../helpers/trade-factory.js';
import { waitFor } from '../helpers/wait-for.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** Parses the Prometheus text exposition format strictly enough to catch a malformed line. */
function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1] as string, type[2] as string);
      continue;
    }
    if (line.startsWith('# HELP ')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/.exec(line);
    assert.ok(m, `malformed exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1] as string] = pair[2] as string;
    samples.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  return { samples, types };
}

test('promtool: the alert rules pass their unit tests', (t) => {
  const which = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' });
  if (which.status !== 0) {
    t.skip('promtool is not installed (apt-get install prometheus; scripts/ensure-services.sh does it in CI)');
    return;
  }
  const check = spawnSync('promtool', ['check', 'rules', 'deploy/prometheus/alerts.yml'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(check.status, 0, check.stdout + check.stderr);
  const run = spawnSync('promtool', ['test', 'rules', 'deploy/prometheus/alerts.test.yml'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout + run.stderr, /SUCCESS/);
});

test('/metrics of a supervisor parses and aggregates its worker processes', async (t) => {
  const { env, config, db, queues } = await pipelineResources(t, { TRADE_SYNC_SUPERVISOR_PROCESSES: '' });
  const supervisor = await startSupervisorCli(config, { ...env, TRADE_SYNC_SUPERVISOR_PROCESSES: `${config.queues.trades}:2` });
  onCleanup(t, () => supervisor.stop());
  await supervisor.waitForReady(config.queues.trades, 2);
  await supervisor.waitForReady(config.queues.dlq, 1);

  const producer = new TradeProducer(config);
  const stranger = new TradeProducer(testConfig({ ...env, TRADE_SYNC_HMAC_KEYS: 'stranger:stranger-secret-0123456789abcdef0123' }));
  onCleanup(t, async () => {
    await producer.close();
    await stranger.close();
  });
  await producer.publish(Array.from({ length: 500 }, () => makeTrade({ symbol: 'MET' })));
  await stranger.publish(makeTrade({ symbol: 'MET' })); // unknown key → dead letter
  await waitFor(() => countTrades(db.client, config.clickhouse.database), (n) => n >= 500, 30_000, 'trades in ClickHouse');
  await waitFor(() => queues.dlq.getFailedCount(), (n) => n === 1, 15_000, 'one dead letter');

  const scrape = async () => {
    const res = await fetch(supervisor.metricsUrl);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    return parseExposition(await res.text());
  };
  const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
    samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((n, s) => n + s.value, 0);
  const { samples, types } = await waitFor(scrape, (m) => value(m.samples, METRIC.tradesOut, { outcome: 'inserted' }) >= 500, 15_000, 'inserted counter');

  for (const name of Object.values(METRIC)) assert.ok(types.has(name), `metric ${name} is exported`);
  assert.equal(types.get(METRIC.insertDuration), 'histogram');
  assert.equal(types.get(METRIC.endToEndLag), 'histogram');
  assert.equal(types.get(METRIC.batchSize), 'histogram');
  assert.equal(types.get(METRIC.tradesOut), 'counter');
  assert.equal(value(samples, METRIC.tradesOut, { outcome: 'inserted' }), 500, 'summed over both sink processes');
  assert.equal(value(samples, METRIC.tradesOut, { outcome: 'dead_lettered' }), 1);
  assert.equal(value(samples, METRIC.tradesIn), 501);
  assert.equal(value(samples, METRIC.dlqDepth), 1);
  assert.equal(value(samples, METRIC.circuitState), 0);
  assert.equal(value(samples, METRIC.spillBacklog), 0);
  assert.ok(value(samples, `${METRIC.insertDuration}_count`) >= 1);
  assert.equal(value(samples, `${METRIC.endToEndLag}_count`), 500);
  assert.ok(Math.abs(value(samples, METRIC.syncSuccessRatio) - 500 / 501) < 1e-9);
  assert.equal(value(samples, METRIC.processesDesired, { queue: config.queues.trades }), 2);
  assert.equal(value(samples, METRIC.processesRunning, { queue: config.queues.trades }), 2);
  assert.equal(value(samples, METRIC.crashLoop, { queue: config.queues.trades }), 0);
  assert.equal((await fetch(supervisor.metricsUrl.replace('/metrics', '/nope'))).status, 404);
});
