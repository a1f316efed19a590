import { rmSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { TradeProducer } from '../../src/producer/trade-producer.js';
import { assertExactlyOnce } from './assert-exactly-once.js';
import { migratedDatabase, queryText } from './clickhouse-helpers.js';
import { onCleanup } from './on-cleanup.js';
import { privateClickHouse } from './private-clickhouse.js';
import { testQueues } from './queue-helpers.js';
import { spawnCli, type CliProcess } from './spawn-cli.js';
import { testConfig, testEnv } from './test-env.js';
import { waitFor } from './wait-for.js';

/** A private ClickHouse (migrated), queues, a producer, and `worker()` to spawn real worker processes. */
export async function outageFixture(t: TestContext, overrides: Record<string, string> = {}) {
  const ch = await privateClickHouse(t);
  const env = testEnv({ TRADE_SYNC_CLICKHOUSE_URL: ch.url, TRADE_SYNC_CLICKHOUSE_TIMEOUT_MS: '2000', TRADE_SYNC_LOG_LEVEL: 'info', ...overrides });
  const config = testConfig(env);
  const database = config.clickhouse.database;
  const db = await migratedDatabase(config);
  const queues = testQueues(config);
  onCleanup(t, () => rmSync(config.spill.dir, { recursive: true, force: true }));
  onCleanup(t, () => db.drop().catch(() => undefined)); // the private server goes away anyway
  onCleanup(t, () => queues.cleanup());
  const producer = new TradeProducer(config);
  onCleanup(t, () => producer.close());
  /** count() FINAL of the trades matching `where`; -1 while the server does not answer. */
  const count = async (where = '1') => {
    try {
      const [[n] = ['0']] = await queryText(db.client, `SELECT count() FROM ${database}.trades FINAL WHERE ${where}`);
      return Number(n);
    } catch {
      return -1;
    }
  };
  return {
    ch,
    env,
    config,
    dir: config.spill.dir,
    queues,
    producer,
    count,
    async worker(): Promise<CliProcess> {
      const proc = spawnCli(['worker'], env);
      onCleanup(t, () => proc.kill('SIGKILL'));
      await waitFor(async () => proc.output(), (o) => o.includes('"worker running"'), 30_000, 'worker running');
      return proc;
    },
    /** Every one of `published` trades exactly once, queue drained, spill and DLQ empty. */
    async assertExactlyOnce(published: number, worker: CliProcess) {
      await assertExactlyOnce({ client: db.client, database, queues, env, published, count: () => count(), worker });
    },
  };
}
