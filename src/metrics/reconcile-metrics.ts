import { Gauge, type Registry } from 'prom-client';
import type { LastReconcile } from '../reconcile/last-reconcile-store.js';
import { METRIC } from './metric-names.js';

/**
 * Gauges of the last scheduled reconcile (`trade-sync reconcile --every`), read from Redis at
 * scrape time, so the supervisor exports them whichever host reconciles. Absent until a first
 * run has stored its result. A failed run keeps the last comparison's counts and sets `…_last_run_ok` to 0.
 */
export function registerReconcileMetrics(registers: Registry[], read: () => Promise<LastReconcile | undefined>): void {
  let pending: Promise<LastReconcile | undefined> | undefined;
  // One Redis read per scrape, shared by the gauges below.
  const last = () => {
    pending ??= read()
      .catch(() => undefined)
      .finally(() => setImmediate(() => (pending = undefined)));
    return pending;
  };
  const gauge = (name: string, help: string, pick: (l: LastReconcile) => number) =>
    new Gauge({
      name,
      help,
      registers,
      async collect() {
        this.reset();
        const value = await last();
        if (value !== undefined) this.set(pick(value));
      },
    });
  gauge(METRIC.reconcileMissing, 'Trades of the last reconciled window in the source but not in ClickHouse', (l) => l.missing);
  gauge(METRIC.reconcileDifferent, 'Trades of the last reconciled window whose fields differ between the source and ClickHouse', (l) => l.different);
  gauge(METRIC.reconcileExtra, 'Trades of the last reconciled window in ClickHouse but not in the source', (l) => l.extra);
  gauge(METRIC.reconcileLastRun, 'When the last reconcile run finished (seconds since the epoch)', (l) => Date.parse(l.finishedAt) / 1000);
  gauge(METRIC.reconcileWindowEnd, 'End of the last reconciled window (seconds since the epoch)', (l) => l.windowEndSeconds);
  gauge(METRIC.reconcileOk, '1 when the last reconcile run completed, 0 when it failed (its counts are then the previous run\'s)', (l) => (l.ok ? 1 : 0));
}
