import { createClickHouseClient } from '../../src/sinks/clickhouse/create-clickhouse-client.js';
import type { Config } from '../../src/config/index.js';
import { createLogger } from '../../src/logger.js';
import { createDashboard } from '../../dashboard/create-dashboard-app.js';
import { hashPassword } from '../../dashboard/auth/password-hash.js';
import { testQueues, type TestQueues } from './queue-helpers.js';
import { testConfig, testEnv } from './test-env.js';

export const OPERATOR = { user: 'alice', password: 'alice-operator-password' };
export const VIEWER = { user: 'bob', password: 'bob-viewer-password-x' };

let users: Promise<string> | undefined;

/** TRADE_SYNC_DASHBOARD_USERS for OPERATOR and VIEWER (hashed once per test process). */
export function dashboardUsers(): Promise<string> {
  users ??= (async () => `${OPERATOR.user}:operator:${await hashPassword(OPERATOR.password)},${VIEWER.user}:viewer:${await hashPassword(VIEWER.password)}`)();
  return users;
}

/** testEnv() plus dashboard users and a queue prefix of its own (so queue discovery sees only this test's queues). */
export async function dashboardEnv(overrides: Record<string, string> = {}): Promise<Record<string, string>> {
  const env = testEnv();
  return { ...env, TRADE_SYNC_QUEUE_PREFIX: `ts-${env.TRADE_SYNC_QUEUE}`, TRADE_SYNC_DASHBOARD_USERS: await dashboardUsers(), ...overrides };
}

/** A dashboard Express app over this test's queues (for supertest), and its cleanup. */
export async function dashboardHarness(env?: Record<string, string>) {
  const config: Config = testConfig(env ?? (await dashboardEnv()));
  const queues: TestQueues = testQueues(config);
  const clickhouse = createClickHouseClient(config, 'admin');
  const { app, history } = createDashboard({ config, redis: queues.connection, trades: queues.trades, dlq: queues.dlq, clickhouse, log: createLogger('silent') });
  return {
    config,
    queues,
    app,
    history,
    /** The origin supertest requests come from (supertest binds 127.0.0.1 on a random port; the Host header carries it). */
    async cleanup() {
      await clickhouse.close();
      const keys = await queues.connection.keys(`${config.redis.prefix}:${config.queues.trades}:*`);
      if (keys.length > 0) await queues.connection.del(...keys);
      await queues.cleanup();
    },
  };
}
