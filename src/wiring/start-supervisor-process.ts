import { assertRedisReachable, createDeadLetterQueue, createRedisConnection, createTradeQueues } from '../../queues/index.js';
import type { Config } from '../config/index.js';
import { LayoutRecord } from '../partitions/layout-record.js';
import { onShutdownSignal } from '../lifecycle/on-shutdown-signal.js';
import { Releasers } from '../lifecycle/releasers.js';
import type { Logger } from '../logger.js';
import { startMetricsServer } from '../metrics/metrics-server.js';
import { SupervisorMetrics } from '../metrics/supervisor-metrics.js';
import { lastReconcileKey, readLastReconcile } from '../reconcile/last-reconcile-store.js';
import { Supervisor } from '../supervisor/supervisor.js';
import { unitsByName } from '../supervisor/scalable-units.js';

export interface RunningSupervisor {
  readonly supervisor: Supervisor;
  /** `http://host:port/metrics`, or undefined when TRADE_SYNC_METRICS_PORT is 0. */
  readonly metricsUrl: string | undefined;
  stop(): Promise<void>;
}

/**
 * `trade-sync start`: the supervisor and its `/metrics` server. SIGTERM/SIGINT stops every worker
 * process gracefully (each drains within TRADE_SYNC_SHUTDOWN_TIMEOUT_MS), then exits.
 */
export async function startSupervisorProcess(config: Config, log: Logger, options: { handleSignals?: boolean } = {}): Promise<RunningSupervisor> {
  await assertRedisReachable(config.redis);
  const releasers = new Releasers();
  try {
    const redis = releasers.add('redis', createRedisConnection(config, 'producer'), (c) => c.quit());
    await new LayoutRecord(redis, config).claim(config); // a mismatch stops here, not as a crash loop of its workers
    const trades = createTradeQueues(config, redis).map((q) => releasers.add(`queue ${q.name}`, q, (x) => x.close()));
    const dlq = releasers.add('dlq', createDeadLetterQueue(config, redis), (q) => q.close());
    for (const q of [...trades, dlq]) q.on('error', (err) => log.error({ err, queue: q.name }, 'queue error'));
    const supervisor = new Supervisor({ config, redis, log });
    releasers.add('supervisor', supervisor, (s) => s.stop());
    let metricsUrl: string | undefined;
    if (config.metrics.port !== 0) {
      const reconcileKey = lastReconcileKey(config.redis.prefix, config.queues.layout.stateName);
      const metrics = new SupervisorMetrics({ supervisor, trades, dlq, units: unitsByName(config), lastReconcile: () => readLastReconcile(redis, reconcileKey) });
      const server = await startMetricsServer(() => metrics.render(), config.metrics.host, config.metrics.port, log.child({ component: 'metrics' }));
      releasers.add('metrics-server', server, (s) => s.close());
      metricsUrl = server.url;
    }
    await supervisor.start();
    log.info({ component: 'supervisor', metrics: metricsUrl }, 'supervisor started');
    const stop = () => releasers.releaseAll(log);
    if (options.handleSignals !== false) onShutdownSignal(log, stop);
    return { supervisor, metricsUrl, stop };
  } catch (err) {
    await releasers.releaseAll(log);
    throw err;
  }
}
