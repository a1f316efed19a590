import type { Queue } from 'bullmq';
import { AggregatorRegistry, Counter, Gauge, Registry, type PrometheusContentType } from 'prom-client';
import type { Supervisor } from '../supervisor/supervisor.js';
import type { MetricsJson } from '../supervisor/ipc-messages.js';
import type { LastReconcile } from '../reconcile/last-reconcile-store.js';
import { METRIC } from './metric-names.js';
import { registerReconcileMetrics } from './reconcile-metrics.js';

export interface SupervisorMetricsDeps {
  readonly supervisor: Supervisor;
  readonly trades: Queue;
  readonly dlq: Queue;
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
 * The supervisor's `/metrics`: every worker process's registry, collected over IPC and
 * aggregated (sums; the circuit state and last lag as maxima), plus what only the supervisor
 * knows: queue depths, processes desired and running per queue, restarts, crash loops, and the
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
      help: 'Jobs waiting in the trades queue',
      registers,
      async collect() {
        this.set(await trades.getWaitingCount());
      },
    });
    const perQueue = (name: string, help: string, pick: (q: ReturnType<Supervisor['status']>['queues'][string]) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['queue'] as const,
        registers,
        collect() {
          this.reset();
          for (const [queue, q] of Object.entries(supervisor.status().queues)) this.set({ queue }, pick(q));
        },
      });
    perQueue(METRIC.processesDesired, 'Worker processes this supervisor should run per queue', (q) => q.desired);
    perQueue(METRIC.processesRunning, 'Worker processes running and ready per queue', (q) => q.running);
    perQueue(METRIC.crashLoop, '1 while a queue\'s processes are in a crash loop', (q) => (q.crashLoop ? 1 : 0));
    this.#restarts = new Counter({ name: METRIC.processRestarts, help: 'Crashed worker processes restarted by the supervisor', labelNames: ['queue'] as const, registers });
    this.#successRatio = new Gauge({
      name: METRIC.syncSuccessRatio,
      help: 'Share of finished trades that became durable (inserted, spilled or duplicate) rather than dead-lettered, since the processes started; alerts use the rate of trade_sync_trades_out_total',
      registers,
    });
    if (deps.lastReconcile !== undefined) registerReconcileMetrics(registers, deps.lastReconcile);
  }

  #updateRestarts(): void {
    for (const [queue, q] of Object.entries(this.#deps.supervisor.status().queues)) {
      const seen = this.#restartsSeen.get(queue) ?? 0;
      if (q.restarts > seen) this.#restarts.inc({ queue }, q.restarts - seen);
      else this.#restarts.inc({ queue }, 0);
      this.#restartsSeen.set(queue, Math.max(seen, q.restarts));
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
