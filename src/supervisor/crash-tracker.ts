/** Options of CrashTracker; defaults live in the config (TRADE_SYNC_SUPERVISOR_*). */
export interface CrashTrackerOptions {
  readonly baseMs: number;
  readonly maxMs: number;
  /** Crashes within `windowMs` that make a crash loop. */
  readonly loopRestarts: number;
  readonly windowMs: number;
  readonly random?: () => number;
}

/**
 * Crashes of one queue's processes: exponential backoff with jitter before the next restart
 * (base · 2^(n-1), at most max, n = consecutive crashes), and crash-loop detection (≥ loopRestarts
 * crashes within windowMs). A process that ran longer than the window resets the streak. Pure.
 */
export class CrashTracker {
  readonly #options: CrashTrackerOptions;
  #crashes: number[] = [];
  #consecutive = 0;
  total = 0;
  nextRestartAt = 0;

  constructor(options: CrashTrackerOptions) {
    this.#options = options;
  }

  /** Records a crash of a process that ran `uptimeMs`; returns the delay before its replacement. */
  crashed(now: number, uptimeMs: number): number {
    const { baseMs, maxMs, windowMs } = this.#options;
    this.total += 1;
    this.#consecutive = uptimeMs > windowMs ? 1 : this.#consecutive + 1;
    this.#crashes = [...this.#crashes.filter((t) => now - t < windowMs), now];
    const exp = Math.min(maxMs, baseMs * 2 ** Math.min(30, this.#consecutive - 1));
    const delay = Math.round(exp / 2 + ((this.#options.random ?? Math.random)() * exp) / 2);
    this.nextRestartAt = now + delay;
    return delay;
  }

  /** True while the crashes within the window reach the limit. */
  inCrashLoop(now: number): boolean {
    this.#crashes = this.#crashes.filter((t) => now - t < this.#options.windowMs);
    return this.#crashes.length >= this.#options.loopRestarts;
  }

  mayRestart(now: number): boolean {
    return now >= this.nextRestartAt;
  }
}
