import type { ClickHouseClient } from '@clickhouse/client';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../../src/config/index.js';
import { lastReconcileKey, readLastReconcile, type LastReconcile } from '../../src/reconcile/last-reconcile-store.js';
import { DesiredState } from '../../src/supervisor/desired-state.js';
import { queueRoles } from '../../src/supervisor/queue-roles.js';
import { readSupervisorStatuses, type SupervisorStatus } from '../../src/supervisor/supervisor-status.js';
import { readWorkerHeartbeats, type WorkerInfo } from '../../src/worker/worker-heartbeat.js';
import type { OpsHistory, OpsSample } from './ops-history.js';

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
}

export interface OpsQueue {
  readonly name: string;
  readonly role: string;
  /** Processes per supervisor host, as stored in Redis. */
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
    readonly throughput: number;
    readonly lagMs: number;
  };
  readonly queues: readonly OpsQueue[];
  readonly supervisors: readonly { readonly host: string; readonly pid: number; readonly generation: number; readonly rolling: SupervisorStatus['rolling'] }[];
  readonly history: readonly OpsSample[];
  /** The last scheduled reconcile (`trade-sync reconcile --every`), or null before the first one. */
  readonly reconcile: LastReconcile | null;
}

export interface OpsDeps {
  readonly config: Config;
  readonly redis: Redis;
  readonly trades: Queue;
  readonly dlq: Queue;
  readonly clickhouse: ClickHouseClient;
  readonly history: OpsHistory;
}

const WORST = ['open', 'isolated', 'half-open', 'closed'];

function worstCircuit(workers: readonly WorkerInfo[]): string {
  const states = workers.map((w) => w.circuit).filter((c) => c !== 'n/a');
  return WORST.find((s) => states.includes(s)) ?? (states.length === 0 ? 'no sink running' : 'closed');
}

function servesQueue(w: WorkerInfo, role: string): boolean {
  return w.role === 'all' || w.role === role;
}

/** Everything the operations page shows, in one read. */
export async function readOpsStatus(deps: OpsDeps): Promise<OpsStatus> {
  const { config, redis } = deps;
  const { prefix } = config.redis;
  const [workers, supervisors, desired, ping, tradeCounts, dlqCounts, reconcile] = await Promise.all([
    readWorkerHeartbeats(redis, prefix, config.queues.trades),
    readSupervisorStatuses(redis, prefix, config.queues.trades),
    new DesiredState(redis, prefix, config.queues.trades).get(),
    deps.clickhouse.ping().catch((err: unknown) => ({ success: false as const, error: err as Error })),
    deps.trades.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed'),
    deps.dlq.getJobCounts('waiting', 'active', 'failed', 'completed'),
    readLastReconcile(redis, lastReconcileKey(prefix, config.queues.trades)),
  ]);
  const now = Date.now();
  const generations = new Map<string, number>();
  for (const s of supervisors) for (const q of Object.values(s.queues)) for (const p of q.processes) generations.set(`${s.host}:${p.pid}`, p.generation);
  const toProcess = (w: WorkerInfo): OpsProcess => ({
    host: w.host,
    pid: w.pid,
    role: w.role,
    concurrency: w.role === 'redrive' ? 50 : w.concurrency,
    uptimeSeconds: Math.max(0, Math.round((now - Date.parse(w.startedAt)) / 1000)),
    circuit: w.circuit,
    spillBacklog: w.spillBacklog,
    generation: generations.get(`${w.host}:${w.pid}`) ?? null,
  });
  const queues: OpsQueue[] = [...queueRoles(config)].map(([name, role]) => {
    const mine = supervisors.map((s) => s.queues[name]).filter((q) => q !== undefined);
    return {
      name,
      role,
      desired: desired[name] ?? 0,
      supervisors: supervisors.length,
      processes: workers.filter((w) => servesQueue(w, role)).map(toProcess).sort((a, b) => a.host.localeCompare(b.host) || a.pid - b.pid),
      crashLoop: mine.some((q) => q.crashLoop),
      restarts: mine.reduce((n, q) => n + q.restarts, 0),
      counts: name === config.queues.trades ? tradeCounts : dlqCounts,
    };
  });
  const history = deps.history.samples();
  const last = history[history.length - 1];
  const sinks = workers.filter((w) => w.role !== 'redrive');
  return {
    at: new Date(now).toISOString(),
    health: {
      circuit: worstCircuit(sinks),
      clickhouse: ping.success ? { reachable: true, error: null } : { reachable: false, error: ('error' in ping ? String((ping.error as Error)?.message ?? ping.error) : 'unreachable').split('\n')[0] ?? 'unreachable' },
      spillBacklog: sinks.reduce((n, w) => n + w.spillBacklog, 0),
      dlqDepth: dlqCounts.failed ?? 0,
      throughput: last?.throughput ?? 0,
      lagMs: last?.lagMs ?? 0,
    },
    queues,
    supervisors: supervisors.map((s) => ({ host: s.host, pid: s.pid, generation: s.generation, rolling: s.rolling })),
    history,
    reconcile: reconcile ?? null,
  };
}
