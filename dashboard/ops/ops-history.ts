import type { WorkerInfo } from '../../src/lifecycle/worker-heartbeat.js';

/** One point of the ops page's plots. */
export interface OpsSample {
  /** Epoch milliseconds. */
  readonly t: number;
  /** Trades made durable per second (inserted + spilled) across every sink worker. */
  readonly throughput: number;
  /** Largest end-to-end lag (ms) reported by a worker that wrote in this interval; null when none wrote. */
  readonly lagMs: number | null;
}

const durable = (w: WorkerInfo) => (w.stats.inserted ?? 0) + (w.stats.spilled ?? 0);

/**
 * Throughput and lag over the last minutes, sampled from the workers' heartbeats (each carries
 * its counters since start). A worker that restarted (counter went down) counts from zero.
 */
export class OpsHistory {
  readonly #read: () => Promise<readonly WorkerInfo[]>;
  readonly #capacity: number;
  readonly #samples: OpsSample[] = [];
  #previous = new Map<string, number>();
  #previousAt: number | undefined;
  #timer: NodeJS.Timeout | undefined;

  /** @param capacity samples kept (300 at 2 s = the last 10 minutes) */
  constructor(read: () => Promise<readonly WorkerInfo[]>, capacity = 300) {
    this.#read = read;
    this.#capacity = capacity;
  }

  start(intervalMs = 2_000): void {
    void this.sample().catch(() => undefined);
    this.#timer = setInterval(() => void this.sample().catch(() => undefined), intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  async sample(now = Date.now()): Promise<OpsSample | undefined> {
    const workers = (await this.#read()).filter((w) => w.role !== 'redrive' && !(w as { gone?: boolean }).gone);
    const current = new Map(workers.map((w) => [`${w.host}:${w.pid}`, durable(w)]));
    let delta = 0;
    let lagMs: number | null = null;
    for (const w of workers) {
      const key = `${w.host}:${w.pid}`;
      const before = this.#previous.get(key);
      const total = current.get(key) ?? 0;
      const moved = before === undefined ? 0 : total >= before ? total - before : total;
      delta += moved;
      if (moved > 0) lagMs = Math.max(lagMs ?? 0, w.stats.lagMs ?? 0);
    }
    const previousAt = this.#previousAt;
    this.#previous = current;
    this.#previousAt = now;
    if (previousAt === undefined || now <= previousAt) return undefined;
    const sample = { t: now, throughput: Math.round((delta * 1000) / (now - previousAt)), lagMs };
    this.#samples.push(sample);
    if (this.#samples.length > this.#capacity) this.#samples.shift();
    return sample;
  }

  samples(): readonly OpsSample[] {
    return [...this.#samples];
  }
}
