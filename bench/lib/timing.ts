export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` every `intervalMs` until it returns true; resolves with performance.now() of the
 * poll that first saw it true (so the result is late by at most one interval plus the check),
 * or with undefined once `timeoutMs` has passed.
 */
export async function pollUntil(check: () => Promise<boolean>, options: { intervalMs: number; timeoutMs: number }): Promise<number | undefined> {
  const deadline = performance.now() + options.timeoutMs;
  for (;;) {
    const at = performance.now();
    if (await check()) return at;
    if (performance.now() > deadline) return undefined;
    const wait = options.intervalMs - (performance.now() - at);
    if (wait > 0) await sleep(wait);
  }
}

/** Nearest-rank percentile of an ascending-sorted array (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function perSecond(count: number, ms: number): number {
  return ms > 0 ? (count * 1000) / ms : Number.NaN;
}
