import type { ClickHouseClient } from '@clickhouse/client';
import { queryText } from './clickhouse-queries.js';
import { sleep } from './timing.js';

/** Wall-clock now in ms with sub-ms precision (child processes use the same clock). */
export const epochMs = (): number => performance.timeOrigin + performance.now();

/** Wall-clock now in ns since the epoch (µs precision), as a trade's ts_ns. */
export const epochNs = (): bigint => BigInt(Math.round(epochMs() * 1000)) * 1000n;

/**
 * Send → queryable latency of trades whose ts_ns is their send time (epoch ns, unique, strictly
 * increasing in the order `sent` is told about them). Polls ClickHouse every `pollMs` for rows
 * above the oldest ts_ns not yet seen; a row's visibility time is the start of the first poll
 * that returned it: an upper bound, late by at most one poll interval (`meanPollMs` says how
 * long an interval really was). inserted_at has one-second resolution, too coarse for this.
 */
export class VisibilityPoller {
  readonly #tsOf: bigint[] = [];
  readonly #indexOf = new Map<string, number>();
  #latencyOf = new Float64Array(1024).fill(Number.NaN);
  #firstUnseen = 0;
  #seen = 0;
  #polls = 0;
  #pollSpanMs = 0;
  #stop = false;
  #loop: Promise<void> | undefined;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly table: string,
    private readonly pollMs: number,
  ) {}

  /** Trades `base`, `base + 1`, … `base + count - 1` (their ts_ns) were just sent. */
  sent(base: bigint, count: number): void {
    for (let k = 0; k < count; k++) {
      const ts = base + BigInt(k);
      this.#indexOf.set(ts.toString(), this.#tsOf.length);
      this.#tsOf.push(ts);
    }
    if (this.#tsOf.length > this.#latencyOf.length) {
      const grown = new Float64Array(Math.max(this.#tsOf.length, 2 * this.#latencyOf.length)).fill(Number.NaN);
      grown.set(this.#latencyOf);
      this.#latencyOf = grown;
    }
  }

  get seen(): number {
    return this.#seen;
  }

  get sentCount(): number {
    return this.#tsOf.length;
  }

  /** Mean time between polls (the resolution of every latency). */
  get meanPollMs(): number {
    return this.#polls > 1 ? this.#pollSpanMs / (this.#polls - 1) : Number.NaN;
  }

  /** Latencies of the trades seen so far, sorted ascending, in ms. */
  latencies(): number[] {
    return Array.from(this.#latencyOf.subarray(0, this.#tsOf.length)).filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  }

  /** Starts polling; `onPoll` runs after each poll and may stop it by returning true. */
  start(onPoll: () => boolean = () => false): void {
    this.#loop ??= (async () => {
      const first = performance.now();
      while (!this.#stop) {
        const at = performance.now();
        await this.#pollOnce();
        this.#polls += 1;
        this.#pollSpanMs = at - first;
        if (onPoll()) return;
        const wait = this.pollMs - (performance.now() - at);
        if (wait > 0) await sleep(wait);
      }
    })();
    this.#loop.catch(() => undefined); // surfaced by stop()
  }

  /** Stops polling; rejects if a poll query failed. */
  async stop(): Promise<void> {
    this.#stop = true;
    await this.#loop;
  }

  /** Resolves once `count` trades were seen or `timeoutMs` passed; false on the timeout. */
  async waitForSeen(count: number, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (this.#seen < count) {
      if (performance.now() > deadline) return false;
      await sleep(this.pollMs);
    }
    return true;
  }

  async #pollOnce(): Promise<void> {
    const atEpoch = epochMs();
    const sent = this.#tsOf.length;
    if (sent === 0) return;
    const watermark = this.#firstUnseen < sent ? (this.#tsOf[this.#firstUnseen] as bigint) - 1n : (this.#tsOf[sent - 1] as bigint);
    const rows = await queryText(this.client, `SELECT ts_ns FROM ${this.table} WHERE ts_ns > ${watermark}`);
    for (const [ts] of rows) {
      const i = ts === undefined ? undefined : this.#indexOf.get(ts);
      if (i !== undefined && Number.isNaN(this.#latencyOf[i])) {
        this.#latencyOf[i] = atEpoch - Number((this.#tsOf[i] as bigint) / 1000n) / 1000;
        this.#seen += 1;
      }
    }
    while (this.#firstUnseen < this.#tsOf.length && !Number.isNaN(this.#latencyOf[this.#firstUnseen])) this.#firstUnseen += 1;
  }
}
