import type { Queue } from 'bullmq';
import { AggregatorRegistry, Counter, Gauge, Registry, type PrometheusContentType } from 'prom-client';
import type { Supervisor } from '../supervisor/supervisor.js';
import type { ScalableUnit } from '../supervisor/scalable-units.js';
import type { MetricsJson } from '../supervisor/ipc-messages.js';
import type { LastReconcile } from '../reconcile/last-reconcile-store.js';
import { METRIC } from './metric-names.js';
import { registerReconcileMetrics } from './reconcile-metrics.js';

export interface SupervisorMetricsDeps {
  readonly supervisor: Supervisor;
  /** Every partition's trades queue, index = partition number. */
  readonly trades: readonly Queue[];
  readonly dlq: Queue;
  /** The scalable units by name (src/supervisor/scalable-units.ts): their queue and partition labels. */
  readonly units: ReadonlyMap<string, ScalableUnit>;
  /** How long one worker process may take to answer. @defaultValue 2000 */
  readonly collectTimeoutMs?: number;
  /** The last scheduled reconcile (from Redis); its gauges are exported when given. */
  readonly lastReconcile?: () => Promise<LastReconcile | undefined>;
}

/** Sum of a counter's samples in aggregated prom-client JSON, optionally of one label value. */
function counterSum(metrics: MetricsJson, name: string, label?: [string, string]): number {
  const metric = metrics.find((m) => m.name === name);
  return (metric?.values ?? [])
    .filter((v) => label === undefined || (v.labels as Record<string, unknown>)[label[0]] === label[1])
    .reduce((sum, v) => sum + v.value, 0);
}

/**
 * The `queue` and `partition` labels of a unit: `trades`/`0` … for the sinks of each partition,
 * `trades-dlq` with no partition label for the DLQ.
 */
function unitLabels(units: ReadonlyMap<string, ScalableUnit>, unit: string): { queue: string; partition?: string } {
  const u = units.get(unit);
  return u?.partition === undefined ? { queue: u?.queue ?? unit } : { queue: u.queue, partition: String(u.partition) };
}

/**
 * The supervisor's `/metrics`: every worker process's registry, collected over IPC and
 * aggregated (sums; the circuit state and last lag as maxima), plus what only the supervisor
 * knows: queue depths per partition, processes desired and running per queue and partition, restarts, crash loops, and the
 * sync success ratio of the trades its processes finished.
 */
export class SupervisorMetrics {
  readonly #deps: SupervisorMetricsDeps;
  readonly #own = new Registry();
  readonly #successRatio: Gauge;
  readonly #restarts: Counter<'queue'>;
  readonly #restartsSeen = new Map<string, number>();

  constructor(deps: SupervisorMetricsDeps) {
    this.#deps = deps;
    const registers = [this.#own];
    const { supervisor, trades, dlq } = deps;
    new Gauge({
      name: METRIC.dlqDepth,
      help: 'Dead letters parked in the dead-letter queue',
      registers,
      async collect() {
        this.set(await dlq.getFailedCount());
      },
    });
    new Gauge({
      name: METRIC.queueWaiting,
      help: 'Jobs waiting in each partition\'s trades queue',
      labelNames: ['partition'] as const,
      registers,
      async collect() {
        const counts = await Promise.all(trades.map((q) => q.getWaitingCount()));
        counts.forEach((n, p) => this.set({ partition: String(p) }, n));
      },
    });
    const labels = (unit: string) => unitLabels(deps.units, unit);
    const perQueue = (name: string, help: string, pick: (q: ReturnType<Supervisor['status']>['queues'][string]) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['queue', 'partition'] as const,
        registers,
        collect() {
          this.reset();
          for (const [unit, q] of Object.entries(supervisor.status().queues)) this.set(labels(unit), pick(q));
        },
      });
    perQueue(METRIC.processesDesired, 'Worker processes this supervisor should run per queue and partition', (q) => q.desired);
    perQueue(METRIC.processesRunning, 'Worker processes running and ready per queue and partition', (q) => q.running);
    perQueue(METRIC.crashLoop, '1 while the processes of a queue (partition) are in a crash loop', (q) => (q.crashLoop ? 1 : 0));
    this.#restarts = new Counter({ name: METRIC.processRestarts, help: 'Crashed worker processes restarted by the supervisor', labelNames: ['queue', 'partition'] as const, registers });
    this.#successRatio = new Gauge({
      name: METRIC.syncSuccessRatio,
      help: 'Share of finished trades that became durable (inserted, spilled or duplicate) rather than dead-lettered, since the processes started; alerts use the rate of trade_sync_trades_out_total',
      registers,
    });
    if (deps.lastReconcile !== undefined) registerReconcileMetrics(registers, deps.lastReconcile);
  }

  #updateRestarts(): void {
    for (const [unit, q] of Object.entries(this.#deps.supervisor.status().queues)) {
      const seen = this.#restartsSeen.get(unit) ?? 0;
      this.#restarts.inc(unitLabels(this.#deps.units, unit), Math.max(0, q.restarts - seen));
      this.#restartsSeen.set(unit, Math.max(seen, q.restarts));
    }
  }

  /** The whole exposition text, and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    const { supervisor, collectTimeoutMs = 2_000 } = this.#deps;
    const children = (await Promise.all(supervisor.processes().map((p) => p.collectMetrics(collectTimeoutMs)))).filter((m): m is MetricsJson => m !== undefined);
    const aggregated = AggregatorRegistry.aggregate<PrometheusContentType>(children);
    const json = (await aggregated.getMetricsAsJSON()) as MetricsJson;
    const out = counterSum(json, METRIC.tradesOut);
    const dead = counterSum(json, METRIC.tradesOut, ['outcome', 'dead_lettered']);
    this.#successRatio.set(out === 0 ? 1 : (out - dead) / out);
    this.#updateRestarts();
    const merged = Registry.merge([aggregated, this.#own]);
    return { contentType: merged.contentType, body: await merged.metrics() };
  }
}
