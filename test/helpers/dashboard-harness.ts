import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { Express } from 'express';
import request from 'supertest';
import { runWorker } from '../../src/wiring/run-worker.js';
import { createClickHouseClient } from '../../src/sinks/clickhouse/create-clickhouse-client.js';
import type { Config } from '../../src/config/index.js';
import { createLogger } from '../../src/logger.js';
import { createDashboard } from '../../dashboard/create-dashboard-app.js';
import { hashPassword } from '../../dashboard/auth/password-hash.js';
import { migratedDatabase } from './clickhouse-helpers.js';
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
  const { app, history } = createDashboard({ config, redis: queues.connection, trades: queues.partitions, dlq: queues.dlq, clickhouse, log: createLogger('silent') });
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

/** Serves `app` on a free port of 127.0.0.1: its base URL, and how to stop it. */
export async function listenOnFreePort(app: Express): Promise<{ base: string; close: () => Promise<unknown> }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  return { base, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** A supertest agent logged in as `who` (its session cookie kept). */
export async function signIn(base: string, who: { user: string; password: string }): Promise<request.Agent> {
  const agent = request.agent(base);
  const res = await agent.post('/login').set('Origin', base).type('form').send(who);
  assert.equal(res.status, 303, res.text);
  return agent;
}

/**
 * The dashboard served on a free port over a migrated database, with a worker (sink and redrive)
 * of this test's queues in this process; `stop` undoes all of it.
 */
export async function dashboardWithWorker(workerEnv: Record<string, string> = {}) {
  const env = await dashboardEnv();
  const h = await dashboardHarness(env);
  const db = await migratedDatabase(h.config);
  const worker = await runWorker(testConfig({ ...env, ...workerEnv }), createLogger('silent'));
  const { base, close } = await listenOnFreePort(h.app);
  return {
    env,
    h,
    db,
    worker,
    base,
    async stop() {
      await close();
      await worker.stop();
      await h.cleanup();
      await db.drop();
      rmSync(h.config.spill.dir, { recursive: true, force: true });
    },
  };
}
