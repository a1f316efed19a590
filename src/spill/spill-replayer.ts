import type { Logger } from '../logger.js';
import { DuckDbSpillFile, type ReplayTarget } from './duckdb-spill-file.js';
import type { SpillDirectory } from './spill-directory.js';
import { SpillCorruptError, SpillSchemaError } from './spill-errors.js';

export interface SpillReplayerOptions {
  readonly directory: SpillDirectory;
  /** This process's own spill file (none for `trade-sync drain`). */
  readonly own: DuckDbSpillFile | undefined;
  /** Inserts replayed batches into ClickHouse; resolves only when they are durable there (or dead-lettered). */
  readonly insert: ReplayTarget;
  /** Whether ClickHouse answers now. */
  readonly healthy: () => Promise<boolean>;
  readonly batchRows: number;
  readonly intervalMs: number;
  readonly log: Logger;
}

/**
 * Drains spill files into ClickHouse once it answers: this process's own file, then files of
 * dead processes and restored backups (adopted; deleted when empty). Rows go in (symbol, ts_ns)
 * order, in large batches, and leave the spill only after ClickHouse took them.
 */
export class SpillReplayer {
  readonly #options: SpillReplayerOptions;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #backlog = 0;
  /** Rows left in the dead process's file being drained now (0 when none is). */
  #adopted = 0;

  constructor(options: SpillReplayerOptions) {
    this.#options = options;
    this.#log = options.log.child({ component: 'spill-replayer' });
  }

  /**
   * Rows this process still has to replay: its own file, and the file of a dead process it is
   * draining now; counted down batch by batch during a pass (the heartbeat shows it).
   */
  get backlog(): number {
    return this.#backlog + this.#adopted;
  }

  start(): void {
    const tick = () => {
      void this.#tick().finally(() => {
        if (this.#timer !== undefined) this.#timer = setTimeout(tick, this.#options.intervalMs);
      });
    };
    this.#timer = setTimeout(tick, this.#options.intervalMs);
  }

  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }

  async #tick(): Promise<void> {
    try {
      this.#backlog = (await this.#options.own?.count()) ?? 0;
      if (this.#backlog === 0 && this.#options.directory.orphans().length === 0) return;
      if (!(await this.#options.healthy())) return;
      await this.replayNow();
    } catch (err) {
      this.#log.warn({ err: (err as Error).message }, 'replay paused; will try again');
    }
  }

  /** Replays every reachable spill file to empty; resolves with the rows replayed. */
  replayNow(onProgress: (rows: number) => void = () => {}): Promise<number> {
    this.#running ??= this.#replayAll(onProgress).finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #replayAll(onProgress: (rows: number) => void): Promise<number> {
    let replayed = 0;
    const progress = (n: number) => onProgress((replayed += n));
    // Never written: nothing to drain (and no need to create it).
    if (this.#options.own?.exists()) await this.#drain(this.#options.own, progress, (n) => (this.#backlog = Math.max(0, this.#backlog - n)));
    for (const orphan of this.#options.directory.orphans()) {
      const file = new DuckDbSpillFile(orphan.path, this.#log, { lockWaitMs: 0 });
      try {
        await file.verify();
      } catch (err) {
        await file.close().catch(() => undefined);
        if (err instanceof SpillCorruptError) {
          const moved = this.#options.directory.quarantine(orphan.path);
          this.#log.error({ file: orphan.name, quarantinedAs: moved, err: err.message }, 'spill file failed its integrity check; quarantined, not replayed');
        } else if (err instanceof SpillSchemaError) {
          this.#log.error({ file: orphan.name, err: err.message }, 'spill file is from a newer release; left for an upgraded worker');
        }
        continue; // otherwise locked: a live process holds it and drains it itself
      }
      const before = replayed;
      this.#adopted = await file.count();
      try {
        await this.#drain(file, progress, (n) => (this.#adopted = Math.max(0, this.#adopted - n)));
      } finally {
        this.#adopted = 0;
      }
      await file.close();
      this.#options.directory.remove(orphan.path);
      this.#log.info({ file: orphan.name, rows: replayed - before }, 'adopted spill file drained and removed');
    }
    this.#backlog = (await this.#options.own?.count()) ?? 0;
    return replayed;
  }

  async #drain(file: DuckDbSpillFile, progress: (rows: number) => void, replayedFrom: (rows: number) => void): Promise<void> {
    for (;;) {
      const n = await file.replayBatch(this.#options.batchRows, this.#options.insert);
      if (n === 0) return;
      replayedFrom(n);
      progress(n);
      this.#log.info({ file: file.path, rows: n }, 'spilled rows replayed');
    }
  }
}
