import type { MetricObjectWithValues, MetricValue } from 'prom-client';

/** Metrics as prom-client's `getMetricsAsJSON()` returns them (what AggregatorRegistry.aggregate takes). */
export type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];

/** Child → supervisor: the worker is connected and taking jobs. */
export interface ReadyMessage {
  readonly type: 'trade-sync:ready';
  readonly pid: number;
}

/** Supervisor → child: send your metrics, answering with the same id. */
export interface CollectMetricsMessage {
  readonly type: 'trade-sync:collect-metrics';
  readonly id: number;
}

/** Child → supervisor: the answer to CollectMetricsMessage. */
export interface MetricsMessage {
  readonly type: 'trade-sync:metrics';
  readonly id: number;
  readonly metrics: MetricsJson;
}

function typed(message: unknown, type: string): boolean {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
}

export const isReadyMessage = (m: unknown): m is ReadyMessage => typed(m, 'trade-sync:ready');
export const isCollectMetricsMessage = (m: unknown): m is CollectMetricsMessage => typed(m, 'trade-sync:collect-metrics');
export const isMetricsMessage = (m: unknown): m is MetricsMessage => typed(m, 'trade-sync:metrics') && Array.isArray((m as MetricsMessage).metrics);
