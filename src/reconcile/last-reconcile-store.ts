import type { RedisClient } from '../../queues/redis-connection.js';
import { z } from 'zod';
import type { ReconcileSummary } from './run-reconcile.js';

/** The last scheduled reconcile, as kept in Redis for `/metrics` and the ops page (one JSON value). */
export const lastReconcileSchema = z.object({
  windowFrom: z.string(),
  windowTo: z.string(),
  /** Window end in seconds since the epoch (the alert compares it with time()). */
  windowEndSeconds: z.number(),
  source: z.string(),
  finishedAt: z.string(),
  durationMs: z.number(),
  ok: z.boolean(),
  match: z.boolean(),
  buckets: z.number(),
  mismatchedBuckets: z.number(),
  sourceRows: z.number(),
  clickhouseRows: z.number(),
  missing: z.number(),
  extra: z.number(),
  different: z.number(),
  republished: z.number(),
  /** The run failed (ClickHouse down, source unreadable): counts are those of no comparison. */
  error: z.string().optional(),
});
export type LastReconcile = z.infer<typeof lastReconcileSchema>;

/** Redis key of the last result, beside the supervisor's keys of the same trades queue. */
export function lastReconcileKey(prefix: string, tradesQueue: string): string {
  return `${prefix}:${tradesQueue}:reconcile:last`;
}

/** The stored form of a finished run. */
export function lastReconcileOf(summary: ReconcileSummary): LastReconcile {
  const r = summary.result;
  return {
    windowFrom: summary.window.from,
    windowTo: summary.window.to,
    windowEndSeconds: Number(BigInt(summary.window.toNs) / 1_000_000_000n),
    source: summary.source,
    finishedAt: summary.finishedAt,
    durationMs: summary.durationMs,
    ok: true,
    match: r.match,
    buckets: r.buckets,
    mismatchedBuckets: r.mismatchedBuckets,
    sourceRows: r.source,
    clickhouseRows: r.clickhouse,
    missing: r.missing,
    extra: r.extra,
    different: r.different,
    republished: summary.repair?.dryRun === false ? summary.repair.republished : 0,
  };
}

export async function saveLastReconcile(redis: RedisClient, key: string, last: LastReconcile): Promise<void> {
  await redis.set(key, JSON.stringify(last));
}

/** The last result, or undefined when none is stored (or it is unreadable). */
export async function readLastReconcile(redis: RedisClient, key: string): Promise<LastReconcile | undefined> {
  const text = await redis.get(key);
  if (text === null) return undefined;
  try {
    const parsed = lastReconcileSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
