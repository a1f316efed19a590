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

export interface PipelineStatus {
  readonly queues: Record<string, Record<string, number>>;
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

const STATES = ['waiting', 'active', 'delayed', 'completed', 'failed'] as const;

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

/** Queue counts, workers (circuit, spill backlog), DLQ depth, ClickHouse version, schema version and distinct trade rows. */
export async function readStatus(
  config: Config,
  redis: RedisClient,
  queues: readonly Queue[],
  client: ClickHouseClient,
  dlq: Queue,
): Promise<PipelineStatus> {
  const counts = await Promise.all(queues.map(async (q) => [q.name, await q.getJobCounts(...STATES)] as const));
  const workers = await readWorkerHeartbeats(redis, config.redis.prefix, config.queues.layout.stateName);
  return {
    queues: Object.fromEntries(counts),
    workers,
    spillBacklog: liveWorkers(workers).reduce((sum, w) => sum + w.spillBacklog, 0),
    dlqDepth: await dlq.getFailedCount(),
    orders: await createOrderStore(config, redis).counts(),
    versions: { tradeMessage: config.maxSchemaVersion, clickhouse: SCHEMA_VERSION, spill: SPILL_SCHEMA_VERSION },
    clickhouse: await clickhouseStatus(client, config.clickhouse.database),
  };
}
