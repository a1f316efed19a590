import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createDeadLetterQueue, createRedisConnection, createTradeQueues } from '../queues/index.js';
import type { Config } from '../src/config/index.js';
import { ConfigError } from '../src/errors/index.js';
import { Releasers } from '../src/lifecycle/releasers.js';
import type { Logger } from '../src/logger.js';
import { LayoutRecord } from '../src/partitions/layout-record.js';
import { createClickHouseClient } from '../src/sinks/clickhouse/create-clickhouse-client.js';
import { QueueDiscovery } from './board/queue-discovery.js';
import { createDashboard } from './create-dashboard-app.js';

export interface RunningDashboard {
  readonly url: string;
  readonly server: Server;
  /** Closes the server, then Redis and ClickHouse connections; idempotent. */
  stop(): Promise<void>;
}

/**
 * Opens the connections the dashboard needs and serves it (HTTPS when TLS files are configured)
 * on TRADE_SYNC_DASHBOARD_HOST:PORT. Refuses to start without a user to log in with.
 */
export async function startDashboard(config: Config, log: Logger, options: { port?: number } = {}): Promise<RunningDashboard> {
  if (config.dashboard.users.length === 0) {
    throw new ConfigError('no dashboard user: set TRADE_SYNC_DASHBOARD_USERS="name:operator:<hash>" (hash from `trade-sync dashboard hash-password`) or TRADE_SYNC_DASHBOARD_USERS_FILE');
  }
  const releasers = new Releasers();
  try {
    const redis = releasers.add('redis', createRedisConnection(config, 'producer'), (c) => c.quit());
    await new LayoutRecord(redis, config).check(config);
    const trades = createTradeQueues(config, redis).map((q) => releasers.add(`queue ${q.name}`, q, (x) => x.close()));
    const dlq = releasers.add('dlq', createDeadLetterQueue(config, redis), (q) => q.close());
    const dashLog = log.child({ component: 'dashboard' });
    for (const q of [...trades, dlq]) q.on('error', (err) => dashLog.warn({ err: err.message, queue: q.name }, 'queue error'));
    const clickhouse = releasers.add('clickhouse', createClickHouseClient(config, 'admin'), (c) => c.close());
    const { app, boards, history } = createDashboard({ config, redis, trades, dlq, clickhouse, log });
    history.start();
    releasers.add('ops-history', history, (h) => h.stop());
    const discovery = releasers.add('queue-discovery', new QueueDiscovery(redis, config.redis.prefix, boards, dashLog), (q) => q.stop());
    discovery.start();
    const tls = config.dashboard.tls;
    const server = tls === undefined ? createHttpServer(app) : createHttpsServer({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }, app);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? config.dashboard.port, config.dashboard.host, () => resolve());
    });
    releasers.add('server', server, (s) => new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    }));
    const { port } = server.address() as AddressInfo;
    const host = config.dashboard.host.includes(':') ? `[${config.dashboard.host}]` : config.dashboard.host;
    const url = `${tls === undefined ? 'http' : 'https'}://${host}:${port}`;
    dashLog.info({ url, users: config.dashboard.users.length }, 'dashboard listening');
    return { url, server, stop: () => releasers.releaseAll(log) };
  } catch (err) {
    await releasers.releaseAll(log);
    throw err;
  }
}
