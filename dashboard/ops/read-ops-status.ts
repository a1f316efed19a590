import type { ClickHouseClient } from '@clickhouse/client';
import type { Queue } from 'bullmq';
import type { RedisClient } from '../../queues/redis-connection.js';
import type { AuditEntry, AuditLog } from '../../src/audit/audit-log.js';
import type { Config } from '../../src/config/index.js';
import { REDRIVE_CONCURRENCY } from '../../src/dlq/redrive-consumer.js';
import { lastReconcileKey, readLastReconcile, type LastReconcile } from '../../src/reconcile/last-reconcile-store.js';
import { DesiredState } from '../../src/supervisor/desired-state.js';
import { scalableUnits } from '../../src/supervisor/scalable-units.js';
import { takesPartition } from '../../src/cli/read-status.js';
import { readSupervisorStatuses, type SupervisorStatus } from '../../src/supervisor/supervisor-status.js';
import { liveWorkers, readWorkerHeartbeats, type WorkerReport } from '../../src/lifecycle/worker-heartbeat.js';
import type { OpsHistory, OpsSample } from './ops-history.js';
import { firstLine } from '../../src/errors/first-line.js';

/** One worker process as the ops page lists it. */
export interface OpsProcess {
  readonly host: string;
  readonly pid: number;
  readonly role: string;
  readonly concurrency: number;
  readonly uptimeSeconds: number;
  readonly circuit: string;
  readonly spillBacklog: number;
  /** The supervisor's rolling-restart generation of the process; null when it is not supervised. */
  readonly generation: number | null;
  /** Run by a supervisor (else started by hand, `trade-sync worker` or `up`). */
  readonly supervised: boolean;
  /** Seconds since its last heartbeat. */
  readonly lastHeardSeconds: number;
  /** `current`; `stale`: no heartbeat for a while, its figures are old; `gone`: not running any more (its report has not expired yet). */
  readonly freshness: 'current' | 'stale' | 'gone';
}

/** One scalable unit: a partition's trades queue and its sinks (`trades.3`), or the DLQ and its redrive workers. */
export interface OpsQueue {
  /** The unit's name, as `scale` and the scale API take it. */
  readonly name: string;
  /** The configured queue it belongs to (`trades` or `trades-dlq`). */
  readonly queue: string;
  /** Its partition; null for the DLQ. */
  readonly partition: number | null;
  /** Its BullMQ queue (the name Bull Board links use). */
  readonly bullQueue: string;
  readonly role: string;
  /** Processes per supervisor host, as stored in Redis (meaningful only when `supervisors` > 0). */
  readonly desired: number;
  readonly supervisors: number;
  readonly processes: readonly OpsProcess[];
  readonly crashLoop: boolean;
  readonly restarts: number;
  readonly counts: Readonly<Record<string, number>>;
}

export interface OpsStatus {
  readonly at: string;
  readonly health: {
    readonly circuit: string;
    readonly clickhouse: { readonly reachable: boolean; readonly error: string | null };
    readonly spillBacklog: number;
    readonly dlqDepth: number;
    /** Trades/s in the last sample; null when there is no data (no sample yet, or no sink running). */
    readonly throughput: number | null;
    /** End-to-end lag of the last written batch; null when nothing was written in the last sample. */
    readonly lagMs: number | null;
  };
  readonly queues: readonly OpsQueue[];
  readonly supervisors: readonly { readonly host: string; readonly pid: number; readonly generation: number; readonly rolling: SupervisorStatus['rolling'] }[];
  readonly history: readonly OpsSample[];
  /** The newest operator actions (audit trail). */
  readonly audit: readonly AuditEntry[];
  /** The last scheduled reconcile (`trade-sync reconcile --every`), or null before the first one. */
  readonly reconcile: LastReconcile | null;
}

export interface OpsDeps {
  readonly config: Config;
  readonly redis: RedisClient;
  /** Every partition's trades queue, index = partition number. */
  readonly trades: readonly Queue[];
  readonly dlq: Queue;
  readonly clickhouse: ClickHouseClient;
  readonly history: OpsHistory;
  readonly audit: AuditLog;
}

const WORST = ['open', 'isolated', 'half-open', 'closed'];

function worstCircuit(workers: readonly WorkerReport[]): string {
  const states = workers.map((w) => w.circuit).filter((c) => c !== 'n/a');
  return WORST.find((s) => states.includes(s)) ?? (states.length === 0 ? 'no sink running' : 'closed');
}

/** Does this worker serve the unit (its role, and for a sink unit its partition)? */
function serves(w: WorkerReport, role: string, partition: number | undefined): boolean {
  if (partition !== undefined) return takesPartition(w, partition);
  return w.role === 'all' || w.role === role;
}

const TRADE_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

/** Everything the operations page shows, in one read. */
export async function readOpsStatus(deps: OpsDeps): Promise<OpsStatus> {
  const { config, redis } = deps;
  const { prefix } = config.redis;
  const [workers, supervisors, desired, ping, tradeCounts, dlqCounts, audit, reconcile] = await Promise.all([
    readWorkerHeartbeats(redis, prefix, config.queues.layout.stateName),
    readSupervisorStatuses(redis, prefix, config.queues.layout.stateName),
    new DesiredState(redis, prefix, config.queues.layout.stateName).get(),
    deps.clickhouse.ping().catch((err: unknown) => ({ success: false as const, error: err as Error })),
    Promise.all(deps.trades.map((q) => q.getJobCounts(...TRADE_STATES))),
    deps.dlq.getJobCounts('waiting', 'active', 'failed', 'completed'),
    deps.audit.recent(30).catch(() => []),
    readLastReconcile(redis, lastReconcileKey(prefix, config.queues.layout.stateName)),
  ]);
  const now = Date.now();
  const generations = new Map<string, number>();
  for (const s of supervisors) for (const q of Object.values(s.queues)) for (const p of q.processes) generations.set(`${s.host}:${p.pid}`, p.generation);
  // Each line says what that process does for this queue: the redrive role's own concurrency on the DLQ.
  const toProcess = (w: WorkerReport, role: string): OpsProcess => ({
    host: w.host,
    pid: w.pid,
    role: w.role,
    concurrency: role === 'redrive' ? REDRIVE_CONCURRENCY : w.concurrency,
    uptimeSeconds: Math.max(0, Math.round((now - Date.parse(w.startedAt)) / 1000)),
    circuit: role === 'redrive' ? 'n/a' : w.circuit,
    spillBacklog: role === 'redrive' ? 0 : w.spillBacklog,
    generation: generations.get(`${w.host}:${w.pid}`) ?? null,
    supervised: generations.has(`${w.host}:${w.pid}`),
    lastHeardSeconds: Math.round(w.ageMs / 1000),
    freshness: w.gone ? 'gone' : w.stale ? 'stale' : 'current',
  });
  const queues: OpsQueue[] = scalableUnits(config).map(({ name, queue, role, partition, bullQueue }) => {
    const mine = supervisors.map((s) => s.queues[name]).filter((q) => q !== undefined);
    return {
      name,
      queue,
      partition: partition ?? null,
      bullQueue,
      role,
      desired: desired[name] ?? 0,
      supervisors: supervisors.length,
      processes: workers.filter((w) => serves(w, role, partition)).map((w) => toProcess(w, role)).sort((a, b) => a.host.localeCompare(b.host) || a.pid - b.pid),
      crashLoop: mine.some((q) => q.crashLoop),
      restarts: mine.reduce((n, q) => n + q.restarts, 0),
      counts: partition === undefined ? dlqCounts : (tradeCounts[partition] ?? {}),
    };
  });
  const history = deps.history.samples();
  const last = history[history.length - 1];
  const sinks = liveWorkers(workers).filter((w) => w.role !== 'redrive');
  return {
    at: new Date(now).toISOString(),
    health: {
      circuit: worstCircuit(sinks),
      clickhouse: ping.success ? { reachable: true, error: null } : { reachable: false, error: 'error' in ping ? firstLine(ping.error) : 'unreachable' },
      spillBacklog: sinks.reduce((n, w) => n + w.spillBacklog, 0),
      dlqDepth: dlqCounts.failed ?? 0,
      throughput: last === undefined || sinks.length === 0 ? null : last.throughput,
      lagMs: last?.lagMs ?? null,
    },
    queues,
    supervisors: supervisors.map((s) => ({ host: s.host, pid: s.pid, generation: s.generation, rolling: s.rolling })),
    history,
    audit,
    reconcile: reconcile ?? null,
  };
}
