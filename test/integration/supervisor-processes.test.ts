import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { createRedisConnection } from '../../queues/index.js';
import type { Config } from '../../src/config/index.js';
import { TradeProducer } from '../../src/producer/trade-producer.js';
import { DesiredState } from '../../src/supervisor/desired-state.js';
import { countTrades, migratedDatabase, queryText } from '../helpers/clickhouse-helpers.js';
import { testQueues, type TestQueues } from '../helpers/queue-helpers.js';
import { runCli } from '../helpers/spawn-cli.js';
import { alive, startSupervisorCli } from '../helpers/supervisor-helpers.js';
import { testConfig, testEnv } from '../helpers/test-env.js';
import { makeTrade } from '../helpers/trade-factory.js';
import { waitFor } from '../helpers/wait-for.js';
import { waitForDrained } from '../helpers/wait-for-drained.js';

let env: Record<string, string>;
let config: Config;
let db: Awaited<ReturnType<typeof migratedDatabase>>;
let queues: TestQueues;
let supervisor: Awaited<ReturnType<typeof startSupervisorCli>>;

before(async () => {
  env = testEnv({ TRADE_SYNC_SUPERVISOR_PROCESSES: '', TRADE_SYNC_SHUTDOWN_TIMEOUT_MS: '10000' });
  config = testConfig(env);
  db = await migratedDatabase(config);
  queues = testQueues(config);
  supervisor = await startSupervisorCli(config, env);
});

after(async () => {
  await supervisor?.stop();
  await queues.cleanup();
  const redis = createRedisConnection(config, 'producer');
  const keys = await redis.keys(`${config.redis.prefix}:${config.queues.trades}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await db.drop();
  rmSync(config.spill.dir, { recursive: true, force: true });
});

test('the supervisor seeds one process per queue; `scale` takes the trades queue from 1 to 3, visible as BullMQ workers', async () => {
  await supervisor.waitForReady(config.queues.trades, 1);
  await supervisor.waitForReady(config.queues.dlq, 1);
  const scaled = await runCli(['scale', config.queues.trades, '3'], env);
  assert.equal(scaled.code, 0, scaled.output);
  const pids = await supervisor.waitForReady(config.queues.trades, 3);
  assert.equal(pids.length, 3);
  const workers = await waitFor(() => queues.trades.getWorkers(), (w) => w.length === 3, 15_000, 'three workers in Bull Board / BullMQ');
  assert.deepEqual(workers.map((w) => Number(String((w as { rawname?: string }).rawname).split(':').pop())).sort(), pids, 'worker names carry host:pid');
  assert.deepEqual(await new DesiredState(queues.connection, config.redis.prefix, config.queues.trades).get(), { [config.queues.trades]: 3, [config.queues.dlq]: 1 });

  const unknown = await runCli(['scale', 'no-such-queue', '2'], env);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^trade-sync: QUEUE_UNKNOWN: /);
});

test('kill -9 of a worker process: the supervisor starts a replacement', async () => {
  const before = await supervisor.waitForReady(config.queues.trades, 3);
  const victim = before[1] as number;
  process.kill(victim, 'SIGKILL');
  const afterKill = await waitFor(() => supervisor.readyPids(config.queues.trades), (p) => p.length === 3 && !p.includes(victim), 30_000, 'replacement ready');
  assert.equal(afterKill.filter((p) => before.includes(p)).length, 2);
  const status = await supervisor.status();
  assert.equal(status?.queues[config.queues.trades]?.restarts, 1);
  assert.equal(status?.queues[config.queues.trades]?.lastExit?.signal, 'SIGKILL');
  assert.equal(alive(victim), false);
});

test('rolling restart under load: every process replaced one at a time, every trade lands exactly once', async () => {
  const old = [...(await supervisor.waitForReady(config.queues.trades, 3)), ...(await supervisor.waitForReady(config.queues.dlq, 1))];
  const producer = new TradeProducer(config);
  const trades = Array.from({ length: 6_000 }, (_, i) => makeTrade({ symbol: `ROLL${i % 5}` }));
  let published = 0;
  const feeding = (async () => {
    for (let i = 0; i < trades.length; i += 100) {
      await producer.publish(trades.slice(i, i + 100));
      published += 100;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();
  try {
    await waitFor(async () => published, (n) => n >= 600, 20_000, 'load running');
    const restart = await runCli(['restart', '--rolling', '--timeout', '240'], env);
    assert.equal(restart.code, 0, restart.output);
    assert.match(restart.stdout, /rolling restart done/);
    await feeding;
  } finally {
    await feeding.catch(() => undefined);
    await producer.close();
  }
  const now = [...(await supervisor.readyPids(config.queues.trades)), ...(await supervisor.readyPids(config.queues.dlq))];
  assert.equal(now.length, 4);
  assert.equal(now.filter((p) => old.includes(p)).length, 0, 'no old process is left');
  old.forEach((pid) => assert.equal(alive(pid), false, `old process ${pid} exited`));
  const status = await supervisor.status();
  assert.equal(status?.queues[config.queues.trades]?.restarts, 1, 'the replaced processes were stopped, not crashed');

  await waitForDrained(queues.trades, 60_000);
  await waitFor(() => countTrades(db.client, config.clickhouse.database), (n) => n >= trades.length, 60_000, 'all trades in ClickHouse');
  assert.equal(await countTrades(db.client, config.clickhouse.database), trades.length);
  const [[distinct] = ['0']] = await queryText(db.client, `SELECT count(DISTINCT trade_id) FROM ${config.clickhouse.database}.trades WHERE symbol LIKE 'ROLL%'`);
  assert.equal(Number(distinct), trades.length, 'no trade lost');
  assert.equal(await queues.trades.getFailedCount(), 0, 'no job failed');
  assert.equal(await queues.dlq.getFailedCount(), 0, 'nothing dead-lettered');
});

test('SIGTERM stops the supervisor and every worker process gracefully', async () => {
  const pids = [...(await supervisor.readyPids(config.queues.trades)), ...(await supervisor.readyPids(config.queues.dlq))];
  assert.equal(await supervisor.stop(), 0);
  for (const pid of pids) assert.equal(alive(pid), false);
  await waitFor(() => queues.trades.getWorkers(), (w) => w.length === 0, 10_000, 'no worker left');
  supervisor = undefined as unknown as typeof supervisor;
});
