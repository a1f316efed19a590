import type { ClickHouseClient } from '@clickhouse/client';
import type { Queue } from 'bullmq';
import type { Config } from '../config/index.js';
import { SCHEMA_VERSION } from '../sinks/clickhouse/migrations.js';
import { SPILL_SCHEMA_VERSION } from '../spill/spill-schema.js';
import { createOrderStore } from '../wiring/create-order-tracker.js';
import { readSchemaVersion } from '../sinks/clickhouse/schema-version.js';
import { liveWorkers, readWorkerHeartbeats, type WorkerReport } from '../lifecycle/worker-heartbeat.js';
import type { RedisClient } from '../../queues/redis-connection.js';
import { firstLine } from '../errors/first-line.js';
import { partitionUnitName } from '../supervisor/scalable-units.js';

/** Every partition's order book counts, added up. */
async function orderCounts(config: Config, redis: RedisClient): Promise<{ pending: number; incomplete: number; incompleteTotal: number }> {
  const each = await Promise.all(config.queues.layout.tradeQueues.map((queue) => createOrderStore(config, redis, queue).counts()));
  return each.reduce((a, c) => ({ pending: a.pending + c.pending, incomplete: a.incomplete + c.incomplete, incompleteTotal: a.incompleteTotal + c.incompleteTotal }), { pending: 0, incomplete: 0, incompleteTotal: 0 });
}

const STATES = ['waiting', 'active', 'delayed', 'completed', 'failed'] as const;

/** One partition's trades queue as `status` shows it. */
export interface PartitionStatus {
  readonly partition: number;
  /** Its display name: the trades queue's own with one partition, else `trades.<i>` (as `scale` takes it). */
  readonly name: string;
  /** Its BullMQ queue (`trades`, or `{trades.<i>}`). */
  readonly queue: string;
  readonly counts: Readonly<Record<(typeof STATES)[number], number>>;
  /** Sink worker processes taking it (live heartbeats; a gone process left out). */
  readonly workers: number;
}

export interface PipelineStatus {
  /** Job counts by display name: every partition's (`trades` or `trades.0` …) and the DLQ's. */
  readonly queues: Record<string, Record<string, number>>;
  /** One entry per partition, in order. */
  readonly partitions: readonly PartitionStatus[];
  /** The partitions' counts added up, and the sink processes in all. */
  readonly totals: Readonly<Record<(typeof STATES)[number], number>> & { readonly workers: number };
  /** The dead-letter queue's counts (its BullMQ name is `layout.dlqQueue`). */
  readonly dlq: { readonly name: string; readonly queue: string; readonly counts: Readonly<Record<string, number>>; readonly workers: number };
  /** Workers of the trades queue and the DLQ, from their heartbeats (stale or gone ones marked). */
  readonly workers: readonly WorkerReport[];
  /** Rows the running workers report waiting in spill files (a gone process's last report left out). */
  readonly spillBacklog: number;
  readonly dlqDepth: number;
  /** Orders waiting for fills, committed as incomplete and still open, and incomplete commits in all. */
  readonly orders: { readonly pending: number; readonly incomplete: number; readonly incompleteTotal: number };
  /** Schema versions this code writes and reads. */
  readonly versions: { readonly tradeMessage: number; readonly clickhouse: number; readonly spill: number };
  readonly clickhouse:
    | { readonly reachable: true; readonly version: string; readonly schemaVersion: number; readonly expectedSchemaVersion: number; readonly rows: number | null }
    | { readonly reachable: false; readonly error: string; readonly expectedSchemaVersion: number };
}


async function clickhouseStatus(client: ClickHouseClient, database: string): Promise<PipelineStatus['clickhouse']> {
  try {
    const version = await client.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' });
    const [row] = await version.json<{ v: string }>();
    const schemaVersion = await readSchemaVersion(client, database);
    let rows: number | null = null;
    if (schemaVersion > 0) {
      const count = await client.query({ query: `SELECT count() AS n FROM ${database}.trades FINAL`, format: 'JSONEachRow' });
      rows = Number((await count.json<{ n: string }>())[0]?.n ?? 0);
    }
    return { reachable: true, version: row?.v ?? 'unknown', schemaVersion, expectedSchemaVersion: SCHEMA_VERSION, rows };
  } catch (err) {
    return { reachable: false, error: firstLine(err), expectedSchemaVersion: SCHEMA_VERSION };
  }
}

type Counts = Record<(typeof STATES)[number], number>;

const countsOf = async (queue: Queue): Promise<Counts> => {
  const raw = await queue.getJobCounts(...STATES);
  return Object.fromEntries(STATES.map((s) => [s, raw[s] ?? 0])) as Counts;
};

/** Does this worker's sink take partition `p`? (Heartbeats of older releases name no partitions: every one.) */
export function takesPartition(w: Pick<WorkerReport, 'role' | 'partitions'>, p: number): boolean {
  return w.role !== 'redrive' && (w.partitions === undefined || w.partitions.includes(p));
}

/**
 * Queue counts per partition and in total, workers (circuit, spill backlog, partitions), DLQ
 * depth, ClickHouse version, schema version and distinct trade rows. `trades` holds every
 * partition's queue, index = partition number (createTradeQueues).
 */
export async function readStatus(config: Config, redis: RedisClient, trades: readonly Queue[], client: ClickHouseClient, dlq: Queue): Promise<PipelineStatus> {
  const [counts, dlqCounts, workers] = await Promise.all([
    Promise.all(trades.map(countsOf)),
    countsOf(dlq),
    readWorkerHeartbeats(redis, config.redis.prefix, config.queues.layout.stateName),
  ]);
  const live = liveWorkers(workers);
  const partitions = counts.map((c, p): PartitionStatus => ({
    partition: p,
    name: partitionUnitName(config, p),
    queue: trades[p]?.name ?? '',
    counts: c,
    workers: live.filter((w) => takesPartition(w, p)).length,
  }));
  const totals = Object.fromEntries(STATES.map((s) => [s, counts.reduce((n, c) => n + c[s], 0)])) as Counts;
  return {
    queues: Object.fromEntries([...partitions.map((p) => [p.name, p.counts] as const), [config.queues.dlq, dlqCounts] as const]),
    partitions,
    totals: { ...totals, workers: live.filter((w) => w.role !== 'redrive').length },
    dlq: { name: config.queues.dlq, queue: dlq.name, counts: dlqCounts, workers: live.filter((w) => w.role !== 'sink').length },
    workers,
    spillBacklog: liveWorkers(workers).reduce((sum, w) => sum + w.spillBacklog, 0),
    dlqDepth: dlqCounts.failed,
    orders: await orderCounts(config, redis),
    versions: { tradeMessage: config.maxSchemaVersion, clickhouse: SCHEMA_VERSION, spill: SPILL_SCHEMA_VERSION },
    clickhouse: await clickhouseStatus(client, config.clickhouse.database),
  };
}
