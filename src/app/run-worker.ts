import { createDeadLetterQueue, createRedisConnection, createTradesQueue } from '../../queues/index.js';
import { requireKeys, type Config } from '../config/index.js';
import { RedriveWorker } from '../dlq/redrive-worker.js';
import { Releasers } from '../lifecycle/releasers.js';
import type { Logger } from '../logger.js';
import { ClickHouseTradeSink } from '../sinks/clickhouse/clickhouse-trade-sink.js';
import { createClickHouseClient } from '../sinks/clickhouse/create-clickhouse-client.js';
import { assertSchemaVersion } from '../sinks/clickhouse/schema-version.js';
import { detectServerFeatures } from '../sinks/clickhouse/server-features.js';
import { SinkWorker } from '../worker/sink-worker.js';

export type WorkerRole = 'sink' | 'redrive' | 'all';

export interface RunningWorker {
  readonly sink: SinkWorker | undefined;
  readonly redrive: RedriveWorker | undefined;
  /** Graceful stop within the configured deadline; idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts a worker process's parts: checks the ClickHouse schema version (refusing a mismatch),
 * then runs the sink worker and/or the dead-letter redrive worker. Everything it opens is
 * released in reverse order by `stop`.
 */
export async function runWorker(config: Config, log: Logger, role: WorkerRole = 'all'): Promise<RunningWorker> {
  requireKeys(config);
  const releasers = new Releasers();
  try {
    const connection = releasers.add('redis', createRedisConnection(config, 'worker'), (c) => c.quit());
    const trades = releasers.add('trades-queue', createTradesQueue(config, connection), (q) => q.close());
    const dlq = releasers.add('dlq', createDeadLetterQueue(config, connection), (q) => q.close());
    trades.on('error', (err) => log.error({ err, queue: config.queues.trades }, 'queue error'));
    dlq.on('error', (err) => log.error({ err, queue: config.queues.dlq }, 'queue error'));
    let sink: SinkWorker | undefined;
    let redrive: RedriveWorker | undefined;
    if (role !== 'redrive') {
      const client = releasers.add('clickhouse', createClickHouseClient(config, 'writer'), (c) => c.close());
      await assertSchemaVersion(client, config.clickhouse.database);
      const features = await detectServerFeatures(client);
      log.info({ component: 'worker', clickhouse: features.version, dedupToken: features.dedupToken }, 'clickhouse schema checked');
      const tradeSink = new ClickHouseTradeSink(client, config.clickhouse.database, features);
      sink = releasers.add('sink-worker', new SinkWorker({ config, connection, sink: tradeSink, dlq, log }), (w) =>
        w.close(config.worker.shutdownTimeoutMs),
      );
      await sink.waitUntilReady();
    }
    if (role !== 'sink') {
      redrive = releasers.add('redrive-worker', new RedriveWorker({ config, connection, trades, log }), (w) => w.close());
      await redrive.waitUntilReady();
    }
    log.info({ component: 'worker', role, queue: config.queues.trades, concurrency: config.worker.concurrency }, 'worker running');
    return { sink, redrive, stop: () => releasers.releaseAll(log) };
  } catch (err) {
    await releasers.releaseAll(log);
    throw err;
  }
}
