import type { ClickHouseClient } from '@clickhouse/client';
import { Reconciler, type ReconcileOptions } from './reconciler.js';
import type { BucketResult, ReconcileProgress, ReconcileResult } from './reconcile-result.js';
import { formatNs } from './reconcile-window.js';
import { repairMissing, type RepairResult, type TradePublisher } from './repair-missing.js';

/** What one run reports (the CLI's JSON summary, the stored last result, the ops page). */
export interface ReconcileSummary {
  readonly window: { readonly from: string; readonly to: string; readonly fromNs: string; readonly toNs: string };
  readonly bucketSeconds: number;
  readonly source: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly result: ReconcileResult;
  /** Present when --repair was asked for. */
  readonly repair?: RepairResult;
}

export interface RunReconcileOptions extends ReconcileOptions {
  /** Re-publish the missing trades (`dryRun`: only say which). */
  readonly repair?: { readonly dryRun: boolean; readonly packSize: number };
  readonly onBucket?: (row: BucketResult) => void;
  readonly onProgress?: ReconcileProgress;
  readonly onRepairProgress?: (republished: number, missing: number) => void;
  /** Opens the producer for a repair that publishes (not called for a dry run or when nothing is missing). */
  readonly openPublisher?: () => TradePublisher & { close(): Promise<void> };
}

/** Reconciles the source against ClickHouse over the window, then repairs when asked. */
export async function runReconcile(client: ClickHouseClient, options: RunReconcileOptions): Promise<ReconcileSummary> {
  const started = Date.now();
  const reconciler = await Reconciler.open(client, options);
  try {
    const result = await reconciler.run(options.onBucket ?? (() => {}), options.onProgress);
    let repair: RepairResult | undefined;
    if (options.repair !== undefined) {
      const publish = !options.repair.dryRun && result.missing > 0 && reconciler.kind === 'trades';
      const publisher = publish ? options.openPublisher?.() : undefined;
      try {
        repair = await repairMissing(reconciler.missingTrades(1_000), publisher, {
          dryRun: options.repair.dryRun,
          packSize: options.repair.packSize,
          maxIds: options.maxIds,
          onProgress: (n) => options.onRepairProgress?.(n, result.missing),
        });
      } finally {
        await publisher?.close();
      }
    }
    const { window } = options;
    return {
      window: { from: formatNs(window.fromNs), to: formatNs(window.toNs), fromNs: window.fromNs.toString(), toNs: window.toNs.toString() },
      bucketSeconds: Number(options.bucketNs / 1_000_000_000n),
      source: `${options.source.format}:${options.source.paths.join(',')}`,
      startedAt: new Date(started).toISOString(),
      finishedAt: new Date().toISOString(),
      durationMs: Date.now() - started,
      result,
      ...(repair === undefined ? {} : { repair }),
    };
  } finally {
    reconciler.close();
  }
}
