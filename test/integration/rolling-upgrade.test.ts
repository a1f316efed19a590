import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Config } from '../../src/config/index.js';
import { TradeProducer } from '../../src/producer/trade-producer.js';
import type { Trade } from '../../src/trade/trade-schema.js';
import { countTrades, migratedDatabase, queryText } from '../helpers/clickhouse-helpers.js';
import { unpackOldRelease, type OldRelease } from '../helpers/old-release.js';
import { testQueues, type TestQueues } from '../helpers/queue-helpers.js';
import { runCli, spawnCli, type CliProcess } from '../helpers/spawn-cli.js';
import { testConfig, testEnv } from '../helpers/test-env.js';
import { makeTrade } from '../helpers/trade-factory.js';
import { waitFor } from '../helpers/wait-for.js';

let env: Record<string, string>;
let config: Config;
let queues: TestQueues;
let old: OldRelease;
const processes: CliProcess[] = [];

before(() => {
  env = testEnv({ TRADE_SYNC_LOG_LEVEL: 'warn' });
  config = testConfig(env);
  queues = testQueues(config);
  old = unpackOldRelease();
});

after(async () => {
  await Promise.all(processes.map((p) => p.kill('SIGKILL')));
  await queues.cleanup();
  const { drop } = await migratedDatabase(config);
  await drop();
  old.remove();
  rmSync(config.spill.dir, { recursive: true, force: true });
});

const v2 = (i: number): Trade => ({ ...makeTrade({ symbol: 'UPGR' }), schema_version: 2, fee: `0.${String(i + 1).padStart(4, '0')}`, liquidity: i % 2 ? 'maker' : 'taker' });
const drained = () => waitFor(() => queues.trades.getJobCounts('wait', 'active', 'delayed'), (c) => (c.wait ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) === 0, 60_000, 'trades queue drained');

test('rolling upgrade from 0.1.0: old and new producers and workers side by side lose nothing', async () => {
  // 0.1.0 is running: its schema, its worker, its producer.
  assert.equal((await new Promise<number | string>((resolve) => old.spawn(['migrate'], env).exited.then(resolve))), 0);
  const oldWorker = old.spawn(['worker'], env);
  processes.push(oldWorker);
  const oldDemo1 = old.spawn(['demo', '--rate', '2000', '--count', '300', '--seed', '1'], env);
  assert.equal(await oldDemo1.exited, 0, oldDemo1.output());

  // Step 1 of the upgrade: migrate (additive; the running 0.1.0 worker keeps writing).
  const migrated = await runCli(['migrate'], env);
  assert.equal(migrated.code, 0, migrated.output);
  const { client } = await migratedDatabase(config);

  // A new producer sends schema 2 while only the old worker runs: dead letters, not mangled rows.
  const producer = new TradeProducer(config);
  const early = Array.from({ length: 50 }, (_, i) => v2(i));
  await producer.publish(early, { packSize: 1 }); // one letter per trade, to count them
  const parked = await waitFor(() => queues.dlq.getFailed(0, 100), (jobs) => jobs.length >= 50, 30_000, 'v2 trades dead-lettered by 0.1.0');
  assert.ok(parked.every((j) => j.data.error.code === 'TRADE_SCHEMA_UNSUPPORTED'), 'old worker names the reason');

  // Step 2: new workers join; old and new producers keep publishing.
  processes.push(spawnCli(['worker'], env));
  const late = Array.from({ length: 200 }, (_, i) => (i % 2 ? v2(100 + i) : makeTrade({ symbol: 'UPGR' })));
  const oldDemo2 = old.spawn(['demo', '--rate', '2000', '--count', '300', '--seed', '2'], env);
  await producer.publish(late, { packSize: 5 });
  assert.equal(await oldDemo2.exited, 0, oldDemo2.output());
  await drained();

  // Step 3: the old worker stops gracefully; redrive what it could not read.
  assert.equal(await oldWorker.kill('SIGTERM'), 0, oldWorker.output());
  const redriven = await runCli(['dlq', 'redrive', '--all'], env);
  assert.equal(redriven.code, 0, redriven.output);
  await producer.close();

  const total = 300 + 300 + early.length + late.length;
  await waitFor(() => countTrades(client, config.clickhouse.database), (n) => n >= total, 60_000, 'every trade in ClickHouse');
  await drained();
  assert.equal(await countTrades(client, config.clickhouse.database), total, 'each trade exactly once');
  assert.equal(await queues.dlq.getFailedCount(), 0, 'no dead letter left');
  const rows = await queryText(client, `SELECT trade_id, toString(fee), toString(liquidity) FROM ${config.clickhouse.database}.trades FINAL WHERE schema_version = 2`);
  const byId = new Map(rows.map((r) => [r[0], r]));
  for (const t of [...early, ...late].filter((x): x is Extract<Trade, { schema_version: 2 }> => x.schema_version === 2)) {
    const row = byId.get(t.trade_id);
    assert.ok(row, `v2 trade ${t.trade_id} missing`);
    assert.equal(Number(row[1]), Number(t.fee));
    assert.equal(row[2], t.liquidity);
  }
});
