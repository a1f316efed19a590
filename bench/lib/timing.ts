export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` every `intervalMs` until it returns true; resolves with performance.now() of the
 * poll that first saw it true (so the result is late by at most one interval plus the check).
 * Throws after `timeoutMs`, naming `what` and the last progress text.
 */
export async function pollUntil(
  check: () => Promise<boolean>,
  options: { intervalMs: number; timeoutMs: number; what: string; progress?: () => string; onTick?: () => void },
): Promise<number> {
  const deadline = performance.now() + options.timeoutMs;
  for (;;) {
    const at = performance.now();
    if (await check()) return at;
    options.onTick?.();
    if (performance.now() > deadline) {
      throw new Error(`timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for ${options.what}${options.progress ? ` (${options.progress()})` : ''}`);
    }
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
