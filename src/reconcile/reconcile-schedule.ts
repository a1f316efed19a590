import type { Logger } from '../logger.js';
import type { LastReconcile } from './last-reconcile-store.js';
import { lastClosedWindow, formatNs, type ReconcileWindow } from './reconcile-window.js';
import { firstLine } from '../errors/first-line.js';

export interface ReconcileScheduleOptions {
  /** Window length and period. */
  readonly everyMs: number;
  /** How long after a window closes before it is reconciled (trades still in flight). */
  readonly delayMs: number;
  /** Reconciles one window; the stored form of its result. */
  readonly run: (window: ReconcileWindow) => Promise<LastReconcile>;
  /** Keeps the last result (Redis, for /metrics and the ops page). */
  readonly save: (last: LastReconcile) => Promise<void>;
  readonly log: Logger;
  /** Stops the loop (after the run in progress). */
  readonly signal: AbortSignal;
  readonly nowMs?: () => number;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });

/**
 * `reconcile --every`: reconciles the last closed window once it is `delayMs` old, then waits for
 * the next one. A failed run (ClickHouse down, source unreadable) is logged and stored with its
 * error; the next window is tried as usual. Resolves once `signal` aborts.
 */
export async function runReconcileSchedule(options: ReconcileScheduleOptions): Promise<void> {
  const { everyMs, delayMs, log, signal } = options;
  const now = options.nowMs ?? Date.now;
  const everyNs = BigInt(everyMs) * 1_000_000n;
  let lastTo: bigint | undefined;
  let previous: LastReconcile | undefined;
  while (!signal.aborted) {
    const window = lastClosedWindow(BigInt(now()) * 1_000_000n, everyNs, BigInt(delayMs) * 1_000_000n);
    if (window.toNs !== lastTo) {
      lastTo = window.toNs;
      let last: LastReconcile;
      try {
        last = await options.run(window);
        log.info({ window: { from: last.windowFrom, to: last.windowTo }, missing: last.missing, extra: last.extra, different: last.different, republished: last.republished }, last.match ? 'reconcile: match' : 'reconcile: MISMATCH');
      } catch (err) {
        const error = firstLine(err);
        log.error({ err: error, window: { from: formatNs(window.fromNs), to: formatNs(window.toNs) } }, 'reconcile run failed');
        last = failedRun(window, error, previous);
      }
      previous = last;
      await options.save(last).catch((err: unknown) => log.warn({ err: (err as Error).message }, 'cannot store the reconcile result'));
    }
    const nextMs = Number((window.toNs + everyNs) / 1_000_000n) + delayMs;
    await sleep(Math.max(50, nextMs - now()), signal);
  }
}

/** A failed run keeps the counts of the last comparison (so an alert on them does not clear), with its error. */
function failedRun(window: ReconcileWindow, error: string, previous: LastReconcile | undefined): LastReconcile {
  if (previous !== undefined) return { ...previous, ok: false, error, finishedAt: new Date().toISOString() };
  return {
    windowFrom: formatNs(window.fromNs),
    windowTo: formatNs(window.toNs),
    windowEndSeconds: Number(window.toNs / 1_000_000_000n),
    source: '',
    finishedAt: new Date().toISOString(),
    durationMs: 0,
    ok: false,
    match: false,
    buckets: 0,
    mismatchedBuckets: 0,
    sourceRows: 0,
    clickhouseRows: 0,
    missing: 0,
    extra: 0,
    different: 0,
    republished: 0,
    error,
  };
}
