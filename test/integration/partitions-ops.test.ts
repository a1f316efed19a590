import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { test } from 'node:test';
import { AuditLog } from '../../src/audit/audit-log.js';
import { partitionOf } from '../../src/partitions/symbol-hash.js';
import { TradeProducer } from '../../src/producer/trade-producer.js';
import { DesiredState } from '../../src/supervisor/desired-state.js';
import { readWorkerHeartbeats } from '../../src/lifecycle/worker-heartbeat.js';
import { countTrades, migratedDatabase } from '../helpers/clickhouse-helpers.js';
import { onCleanup } from '../helpers/on-cleanup.js';
import { testQueues } from '../helpers/queue-helpers.js';
import { runCli } from '../helpers/spawn-cli.js';
import { startSupervisorCli } from '../helpers/supervisor-helpers.js';
import { testConfig, testEnv } from '../helpers/test-env.js';
import { makeTrade } from '../helpers/trade-factory.js';
import { waitFor } from '../helpers/wait-for.js';

const PARTITIONS = 4;
const SYMBOLS = ['AAPL', 'MSFT', 'GOOG', 'AMZN', 'TSLA', 'NVDA', 'META', 'IBM', 'ORCL', 'SAP'];

/** Trades over SYMBOLS and how many land in each of PARTITIONS partitions (by the symbol hash, not by this test's say-so). */
function tradesAcrossPartitions(perSymbol: number) {
  const trades = SYMBOLS.flatMap((symbol) => Array.from({ length: perSymbol }, () => makeTrade({ symbol })));
  const expected = Array.from({ length: PARTITIONS }, (_, p) => trades.filter((t) => partitionOf(t.symbol, PARTITIONS) === p).length);
  return { trades, expected };
}

function setup(t: import('node:test').TestContext, overrides: Record<string, string> = {}) {
  const env = testEnv({ TRADE_SYNC_PARTITIONS: String(PARTITIONS), TRADE_SYNC_SUPERVISOR_PROCESSES: '', ...overrides });
  const config = testConfig(env);
  const queues = testQueues(config);
  onCleanup(t, async () => {
    await queues.cleanup();
    rmSync(config.spill.dir, { recursive: true, force: true });
  });
  return { env, config, queues, trades: config.queues.trades, dlq: config.queues.dlq };
}

test('4 partitions: `status` has a row per partition with its counts, a total and the DLQ; `--json` too', async (t) => {
  const { env, config, queues, trades } = setup(t);
  const { trades: published, expected } = tradesAcrossPartitions(3);
  assert.ok(expected.filter((n) => n > 0).length >= 3, `the symbols spread over the partitions: ${expected.join(',')}`);
  const producer = new TradeProducer(config);
  onCleanup(t, () => producer.close());
  await producer.publish(published, { packSize: 1 });
  for (let p = 0; p < PARTITIONS; p++) assert.equal(await queues.partitions[p]?.getWaitingCount(), expected[p], `partition ${p}'s queue`);

  const json = await runCli(['status', '--json'], env);
  assert.equal(json.code, 0, json.output);
  const status = JSON.parse(json.stdout) as { partitions: { partition: number; name: string; queue: string; counts: { waiting: number }; workers: number }[]; totals: { waiting: number }; dlq: { name: string; queue: string } };
  assert.deepEqual(status.partitions.map((p) => [p.partition, p.name, p.queue, p.counts.waiting, p.workers]), expected.map((n, p) => [p, `${trades}.${p}`, config.queues.layout.tradeQueues[p], n, 0]));
  assert.equal(status.totals.waiting, published.length);
  assert.deepEqual(status.dlq, { ...status.dlq, name: config.queues.dlq, queue: config.queues.layout.dlqQueue });

  const text = await runCli(['status'], env);
  assert.equal(text.code, 0, text.output);
  for (let p = 0; p < PARTITIONS; p++) assert.match(text.stdout, new RegExp(`^${p}\\s+${trades}\\.${p}\\s+${expected[p]}\\s`, 'm'), text.stdout);
  assert.match(text.stdout, new RegExp(`^all\\s+total\\s+${published.length}\\s`, 'm'));
  assert.match(text.stdout, new RegExp(`^-\\s+${config.queues.dlq}\\s+0\\s`, 'm'));
});

test('4 partitions: `scale` sets every partition, some (--partitions), or the DLQ; unknown ones are QUEUE_UNKNOWN; the audit names them', async (t) => {
  const { env, config, queues, trades, dlq } = setup(t);
  const desired = new DesiredState(queues.connection, config.redis.prefix, config.queues.layout.stateName);
  const scale = async (...args: string[]) => {
    const r = await runCli(['scale', ...args], env);
    assert.equal(r.code, 0, r.output);
  };
  await scale(trades, '--partitions', '1', '2');
  assert.deepEqual(await desired.get(), { [`${trades}.1`]: 2 }, 'only partition 1');
  await scale(trades, '3');
  await scale(trades, '--partitions', '0,2-3', '1');
  await scale(dlq, '2');
  assert.deepEqual(await desired.get(), { [`${trades}.0`]: 1, [`${trades}.1`]: 3, [`${trades}.2`]: 1, [`${trades}.3`]: 1, [dlq]: 2 });
  await scale(`${trades}.3`, '0');
  assert.equal((await desired.get())[`${trades}.3`], 0);

  for (const bad of [[trades, '--partitions', '4', '1'], [`${trades}.9`, '1'], ['nope', '1'], [dlq, '--partitions', '0', '1']]) {
    const r = await runCli(['scale', ...bad], env);
    assert.equal(r.code, 1, r.output);
    assert.match(r.stderr, /^trade-sync: QUEUE_UNKNOWN: .+\n$/, `one line: ${bad.join(' ')}`);
  }
  const audit = (await new AuditLog(queues.connection, config.redis.prefix, config.queues.layout.stateName).recent(10)).filter((e) => e.action === 'scale');
  assert.deepEqual(audit.map((e) => e.target).reverse(), [`${trades}.1`, [0, 1, 2, 3].map((p) => `${trades}.${p}`).join(', '), `${trades}.0, ${trades}.2, ${trades}.3`, dlq, `${trades}.3`]);
});

test('4 partitions: the supervisor runs one sink process per partition (`--partitions i`) and the redrive process; metrics carry the partition; rolling restart replaces all', async (t) => {
  const { env, config, queues, trades, dlq } = setup(t, { TRADE_SYNC_SHUTDOWN_TIMEOUT_MS: '10000' });
  const db = await migratedDatabase(config);
  onCleanup(t, () => db.drop());
  const supervisor = await startSupervisorCli(config, env);
  onCleanup(t, () => supervisor.stop());
  const units = [0, 1, 2, 3].map((p) => `${trades}.${p}`);
  const pids = await Promise.all(units.map((u) => supervisor.waitForReady(u, 1)));
  await supervisor.waitForReady(dlq, 1);
  const status = await supervisor.status();
  for (const [p, unit] of units.entries()) {
    const proc = status?.queues[unit]?.processes[0];
    assert.deepEqual(proc?.args, ['--role', 'sink', '--partitions', String(p)]);
    const cmdline = readFileSync(`/proc/${pids[p]?.[0]}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
    assert.deepEqual(cmdline.slice(-5), ['worker', '--role', 'sink', '--partitions', String(p)], 'the real command line');
    assert.equal(status?.queues[unit]?.partition, p);
    assert.equal((await queues.partitions[p]?.getWorkers())?.length, 1, `one BullMQ worker on partition ${p}`);
  }
  assert.deepEqual(status?.queues[dlq]?.processes[0]?.args, ['--role', 'redrive']);
  const beats = await readWorkerHeartbeats(queues.connection, config.redis.prefix, config.queues.layout.stateName);
  assert.deepEqual(beats.filter((w) => w.role === 'sink').map((w) => w.partitions?.join(',')).sort(), ['0', '1', '2', '3']);

  const { trades: published, expected } = tradesAcrossPartitions(5);
  const producer = new TradeProducer(config);
  onCleanup(t, () => producer.close());
  await producer.publish(published, { packSize: 1 });
  await waitFor(() => countTrades(db.client, config.clickhouse.database), (n) => n === published.length, 60_000, 'every trade in ClickHouse');
  const metric = async (pattern: RegExp) => Number(pattern.exec(await (await fetch(supervisor.metricsUrl)).text())?.[1] ?? NaN);
  for (let p = 0; p < PARTITIONS; p++) {
    assert.equal(await metric(new RegExp(`^trade_sync_trades_out_total\\{outcome="inserted",partition="${p}"\\} (\\d+)`, 'm')), expected[p], `trades written by partition ${p}`);
    assert.equal(await metric(new RegExp(`^trade_sync_supervisor_processes_running\\{queue="${trades}",partition="${p}"\\} (\\d+)`, 'm')), 1);
    assert.equal(await metric(new RegExp(`^trade_sync_queue_waiting_jobs\\{partition="${p}"\\} (\\d+)`, 'm')), 0);
  }
  assert.equal(await metric(new RegExp(`^trade_sync_supervisor_processes_running\\{queue="${dlq}"\\} (\\d+)`, 'm')), 1, 'the DLQ has no partition label');

  const restart = await runCli(['restart', '--rolling', '--timeout', '120'], env);
  assert.equal(restart.code, 0, restart.output);
  const after = await Promise.all(units.map((u) => supervisor.waitForReady(u, 1)));
  for (const [p, [pid]] of after.entries()) assert.notEqual(pid, pids[p]?.[0], `partition ${p}'s process was replaced`);
});
