/** Limits that close a batch; whichever is reached first flushes it. */
export interface BatchLimits {
  /** Rows per insert. @defaultValue 10_000 (TRADE_SYNC_BATCH_MAX_ROWS) */
  readonly maxRows: number;
  /** Encoded bytes per insert. @defaultValue 64 MiB */
  readonly maxBytes: number;
  /** Oldest entry's age before the batch flushes anyway. @defaultValue 100 ms (TRADE_SYNC_BATCH_MAX_AGE_MS) */
  readonly maxAgeMs: number;
  /**
   * Entries (jobs) per batch. A batch can never hold more jobs than the worker has in flight,
   * so waiting for more only stalls until maxAgeMs: set it to at most the worker's concurrency.
   */
  readonly maxEntries: number;
}

interface Pending<T> {
  readonly item: T;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Collects items (one per job) and hands them to `flush` in batches. `add` resolves only when
 * the batch holding the item has been flushed successfully, and rejects if that flush threw.
 */
export class Batcher<T> {
  #limits: BatchLimits;
  readonly #flush: (items: T[]) => Promise<void>;
  readonly #sizeOf: (item: T) => { rows: number; bytes: number };
  #pending: Pending<T>[] = [];
  #rows = 0;
  #bytes = 0;
  #timer: NodeJS.Timeout | undefined;
  #closing = false;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(limits: BatchLimits, sizeOf: (item: T) => { rows: number; bytes: number }, flush: (items: T[]) => Promise<void>) {
    this.#limits = limits;
    this.#sizeOf = sizeOf;
    this.#flush = flush;
  }

  /** Changes the entry limit (when the worker's effective concurrency changes). */
  setMaxEntries(maxEntries: number): void {
    this.#limits = { ...this.#limits, maxEntries: Math.max(1, maxEntries) };
  }

  /** Entries waiting in the open batch. */
  get size(): number {
    return this.#pending.length;
  }

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const { rows, bytes } = this.#sizeOf(item);
      this.#pending.push({ item, resolve, reject });
      this.#rows += rows;
      this.#bytes += bytes;
      const full =
        this.#closing ||
        this.#rows >= this.#limits.maxRows ||
        this.#bytes >= this.#limits.maxBytes ||
        this.#pending.length >= this.#limits.maxEntries;
      if (full) this.flushNow();
      else this.#timer ??= setTimeout(() => this.flushNow(), this.#limits.maxAgeMs);
    });
  }

  /** Flushes the open batch now (no-op when empty). */
  flushNow(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#rows = 0;
    this.#bytes = 0;
    const run = this.#flush(batch.map((p) => p.item)).then(
      () => batch.forEach((p) => p.resolve()),
      (err: unknown) => batch.forEach((p) => p.reject(err)),
    );
    this.#inFlight.add(run);
    void run.finally(() => this.#inFlight.delete(run));
  }

  /** Stops batching: flushes what is open, flushes every later add at once, waits for in-flight flushes. */
  async drain(): Promise<void> {
    this.#closing = true;
    this.flushNow();
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }
}
