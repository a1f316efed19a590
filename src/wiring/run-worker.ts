import { createDeadLetterQueue, createRedisConnection, tradesQueueNamed, type RedisClient } from '../../queues/index.js';
import type { Queue } from 'bullmq';
import type { TradeJobData } from '../../queues/index.js';
import { LayoutRecord } from '../partitions/layout-record.js';
import { pendingJobs } from '../../queues/pending-jobs.js';
import { requireKeys, type Config } from '../config/index.js';
import { SinkPipeline } from '../delivery/sink-pipeline.js';
import { DeadLetterPublisher } from '../dlq/dead-letter-publisher.js';
import { RedriveOutcomeRecorder } from '../dlq/redrive-outcome-recorder.js';
import { RedriveConsumer } from '../dlq/redrive-consumer.js';
import { ClickHouseError, ClusterTopologyError } from '../errors/index.js';
import type { ClickHouseClient } from '@clickhouse/client';
import { localTable } from '../sinks/clickhouse/cluster-ddl.js';
import { SCHEMA_VERSION } from '../sinks/clickhouse/migrations.js';
import { Releasers } from '../lifecycle/releasers.js';
import { hostname } from 'node:os';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { Logger } from '../logger.js';
import { WorkerMetrics } from '../metrics/worker-metrics.js';
import { circuitName } from '../sinks/insert-circuit.js';
import { assertSchemaVersion } from '../sinks/clickhouse/schema-version.js';
import { replayTarget } from '../spill/replay-target.js';
import { SpillReplayer } from '../spill/spill-replayer.js';
import { TradesConsumer, type SinkStats } from '../consumer/trades-consumer.js';
import { WorkerHeartbeat } from '../lifecycle/worker-heartbeat.js';
import { buildSinkStack, type SinkStack } from './build-sink-stack.js';
import { pingNode } from './create-writer-sink.js';
import { createOrderTracker } from './create-order-tracker.js';
import type { WorkerRole } from '../supervisor/worker-role.js';


export interface RunningWorker {
  /** One trades consumer per partition this worker takes (and per queue of an earlier layout it drains). */
  readonly sinks: readonly TradesConsumer[];
  readonly redrive: RedriveConsumer | undefined;
  readonly stack: SinkStack | undefined;
  readonly replayer: SpillReplayer | undefined;
  readonly metrics: WorkerMetrics;
  /** This process's metrics as prom-client JSON (gauges refreshed), for the supervisor to aggregate. */
  collectMetrics(): Promise<MetricObjectWithValues<MetricValue<string>>[]>;
  /** Graceful stop within the configured deadline; idempotent. */
  stop(): Promise<void>;
}

/** How often a sink worker looks for queues of an earlier partition layout that hold jobs again. */
const RETIRED_QUEUE_SCAN_MS = 5_000;

/**
 * Queues of an earlier layout (before `trade-sync repartition`) that hold jobs and that this
 * worker does not consume yet: a producer or ingest that had not noticed the change yet may have
 * added to one, and no worker of the current layout would take them otherwise.
 */
async function retiredQueuesWithJobs(config: Config, connection: RedisClient, record: LayoutRecord, consumed: ReadonlySet<string>): Promise<{ name: string; pending: number }[]> {
  const found: { name: string; pending: number }[] = [];
  for (const name of await record.knownQueues()) {
    if (config.queues.layout.tradeQueues.includes(name) || consumed.has(name)) continue;
    const queue = tradesQueueNamed(config, connection, name);
    const pending = await pendingJobs(queue).finally(() => queue.close());
    if (pending > 0) found.push({ name, pending });
  }
  return found;
}

/** The engine of `<database>.trades` (undefined when it cannot be read). */
async function tradesEngine(client: ClickHouseClient, database: string): Promise<string | undefined> {
  // `database` is a validated identifier from config.
  const result = await client.query({ query: `SELECT engine FROM system.tables WHERE database = '${database}' AND name = 'trades'`, format: 'JSONEachRow' }).catch(() => undefined);
  return (await result?.json<{ engine: string }>())?.[0]?.engine;
}

/** Refuses a schema mismatch (and a cluster it cannot route to) on the first node that answers; when none answers, starts anyway (spilling). */
async function checkSchemaAtStart(stack: SinkStack, config: Config, log: Logger): Promise<void> {
  for (const client of stack.clients) {
    if (!(await pingNode(client))) continue;
    const { database, cluster } = config.clickhouse;
    // An INSERT-only writer of a cluster may read only the local table it inserts into.
    await assertSchemaVersion(client, database, SCHEMA_VERSION, cluster === undefined ? 'trades' : localTable('trades'));
    if (cluster === undefined && (await tradesEngine(client, database)) === 'Distributed') {
      throw new ClusterTopologyError('CLICKHOUSE_CLUSTER_NOT_SET', `${database}.trades is a Distributed table (migrated ON CLUSTER): set TRADE_SYNC_CLICKHOUSE_CLUSTER to the cluster's name`);
    }
    // A cluster configuration error (ClusterTopologyError) stops the worker here, in one line.
    await stack.topology?.get();
    return;
  }
  log.warn({ urls: config.clickhouse.urls }, 'no ClickHouse node answers at start-up; spilling until one does (its schema is checked before the first insert)');
  if (!config.spill.enabled) throw new ClickHouseError('CLICKHOUSE_UNAVAILABLE', `no ClickHouse node answers (${config.clickhouse.urls.join(', ')}) and the spill is disabled`);
}

/**
 * Starts a worker process's parts: the sink (failover sink, circuit breaker, spill, replayer)
 * and/or the dead-letter redrive worker, plus a heartbeat in Redis. Refuses a ClickHouse schema
 * it was not written for. Everything it opens is released in reverse order by `stop`.
 */
export async function runWorker(config: Config, log: Logger, role: WorkerRole = 'all'): Promise<RunningWorker> {
  requireKeys(config);
  const releasers = new Releasers();
  try {
    const connection = releasers.add('redis', createRedisConnection(config, 'worker'), (c) => c.quit());
    const record = new LayoutRecord(connection, config);
    await record.claim(config);
    const dlq = releasers.add('dlq', createDeadLetterQueue(config, connection), (q) => q.close());
    dlq.on('error', (err) => log.error({ err, queue: config.queues.layout.dlqQueue }, 'queue error'));
    const queues = new Map<string, Queue<TradeJobData>>();
    const tradesQueue = (name: string): Queue<TradeJobData> => {
      let queue = queues.get(name);
      if (queue === undefined) {
        queue = releasers.add(`queue ${name}`, tradesQueueNamed(config, connection, name), (q) => q.close());
        queue.on('error', (err) => log.error({ err, queue: name }, 'queue error'));
        queues.set(name, queue);
      }
      return queue;
    };
    const sinks: TradesConsumer[] = [];
    let closing = false;
    let stack: SinkStack | undefined;
    let replayer: SpillReplayer | undefined;
    let redrive: RedriveConsumer | undefined;
    const metrics = new WorkerMetrics(config.queues.trades, role === 'redrive' ? [] : config.worker.partitions);
    const name = `${hostname()}:${process.pid}`;
    if (role !== 'redrive') {
      stack = releasers.add('sink-stack', await buildSinkStack(config, log, metrics), (s) => s.close());
      await checkSchemaAtStart(stack, config, log);
      const sinkStack = stack;
      const attach = async (queue: string): Promise<void> => {
        const orders = config.orders.enabled ? releasers.add(`order-tracker ${queue}`, createOrderTracker(config, connection, sinkStack.clients, log.child({ queue }), queue, sinkStack.topology), (t) => t.stop()) : undefined;
        orders?.start();
        const pipeline = new SinkPipeline({
          insert: sinkStack.insert,
          spill: sinkStack.spillFile,
          deadLetters: new DeadLetterPublisher(dlq),
          redriveOutcomes: new RedriveOutcomeRecorder(dlq, log.child({ component: 'sink-worker', queue })),
          orders,
          queue,
        });
        const sink = releasers.add(`sink-worker ${queue}`, new TradesConsumer({ config, queue, connection, pipeline, log, metrics, name }), (w) => w.close(config.worker.shutdownTimeoutMs));
        await sink.waitUntilReady();
        sinks.push(sink);
      };
      const consumed = new Set(config.worker.partitions.map((p) => config.queues.layout.tradeQueues[p] as string));
      for (const queue of consumed) await attach(queue);
      const attachRetired = async (): Promise<void> => {
        for (const { name: queue, pending } of await retiredQueuesWithJobs(config, connection, record, consumed)) {
          if (closing) return;
          log.warn({ queue, pending }, 'draining a trades queue of an earlier partition layout');
          consumed.add(queue);
          await attach(queue);
        }
      };
      await attachRetired();
      let scanning = Promise.resolve();
      const scan = setInterval(() => {
        scanning = scanning.then(attachRetired).catch((err: unknown) => log.warn({ err: (err as Error).message }, 'scan for queues of an earlier layout failed; retrying'));
      }, RETIRED_QUEUE_SCAN_MS);
      releasers.add('retired-queue-scan', scan, async (timer) => {
        clearInterval(timer);
        await scanning;
      });
      if (stack.spillFile !== undefined && stack.directory !== undefined) {
        replayer = new SpillReplayer({
          directory: stack.directory,
          own: stack.spillFile,
          insert: replayTarget(config, stack.sink, dlq, log),
          healthy: () => stack?.healthy() ?? Promise.resolve(false),
          batchRows: config.spill.replayBatchRows,
          intervalMs: config.spill.replayIntervalMs,
          log,
        });
        replayer.start();
        releasers.add('spill-replayer', replayer, (r) => r.stop());
      }
    }
    if (role !== 'sink') {
      redrive = releasers.add('redrive-worker', new RedriveConsumer({ config, connection, trades: tradesQueue, log, name, onRedriven: () => metrics.redriven() }), (w) => w.close());
      await redrive.waitUntilReady();
    }
    const startedAt = new Date().toISOString();
    const heartbeat = new WorkerHeartbeat(connection, config.redis.prefix, config.queues.layout.stateName, () => ({
      queue: config.queues.trades,
      role,
      concurrency: config.worker.concurrency,
      startedAt,
      circuit: stack === undefined ? 'n/a' : circuitName(stack.circuit.state),
      clickhouseUrl: stack?.sink.currentUrl ?? '',
      spillBacklog: replayer?.backlog ?? 0,
      partitions: role === 'redrive' ? [] : config.worker.partitions,
      stats: { ...sumStats(sinks), lagMs: metrics.lastLagMs },
    }));
    await heartbeat.beat();
    releasers.add('heartbeat', heartbeat, (h) => h.stop());
    log.info({ component: 'worker', role, queues: sinks.length, partitions: config.worker.partitions, concurrency: config.worker.concurrency }, 'worker running');
    const collectMetrics = async () => {
      metrics.setState({ spillBacklog: replayer?.backlog ?? 0, circuit: stack === undefined ? 'n/a' : circuitName(stack.circuit.state) });
      return metrics.registry.getMetricsAsJSON();
    };
    const stop = () => {
      closing = true; // no queue of an earlier layout is attached once stopping has begun
      return releasers.releaseAll(log);
    };
    return { sinks, redrive, stack, replayer, metrics, collectMetrics, stop };
  } catch (err) {
    await releasers.releaseAll(log);
    throw err;
  }
}

/** The consumers' counters added up (one per partition), for the heartbeat. */
function sumStats(sinks: readonly TradesConsumer[]): Partial<SinkStats> {
  if (sinks.length === 0) return {};
  const total: SinkStats = { jobs: 0, inserted: 0, spilled: 0, duplicates: 0, deadLettered: 0, batches: 0 };
  for (const { stats } of sinks) for (const key of Object.keys(total) as (keyof SinkStats)[]) total[key] += stats[key];
  return total;
}
