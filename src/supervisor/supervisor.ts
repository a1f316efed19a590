import { hostname } from 'node:os';
import type { RedisClient } from '../../queues/redis-connection.js';
import type { Config } from '../config/index.js';
import type { Logger } from '../logger.js';
import { CrashTracker } from './crash-tracker.js';
import { DesiredState } from './desired-state.js';
import { ManagedProcess, type ProcessExit } from './managed-process.js';
import { seedProcesses, unitsByName, type ScalableUnit } from './scalable-units.js';
import { deleteSupervisorStatus, writeSupervisorStatus, type QueueProcesses, type SupervisorStatus } from './supervisor-status.js';

export interface SupervisorOptions {
  readonly config: Config;
  readonly redis: RedisClient;
  readonly log: Logger;
  /** Environment of the worker processes. @defaultValue process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** How often desired state and the rolling-restart generation are read. @defaultValue 500 */
  readonly tickMs?: number;
  /** How long a new process may take to report ready during a rolling restart. @defaultValue 60000 */
  readonly readyTimeoutMs?: number;
}

/**
 * `trade-sync start`: keeps the desired number of worker processes per queue running on this
 * host (desired state in Redis, shared by every supervisor, the ops page and `trade-sync scale`),
 * restarts crashed ones with exponential backoff (reporting a crash loop), replaces them one at
 * a time on `restart --rolling`, and stops them gracefully on `stop()`.
 */
export class Supervisor {
  readonly host = hostname();
  readonly startedAt = new Date().toISOString();
  readonly #config: Config;
  readonly #redis: RedisClient;
  readonly #log: Logger;
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #desired: DesiredState;
  readonly #units: ReadonlyMap<string, ScalableUnit>;
  readonly #tickMs: number;
  readonly #readyTimeoutMs: number;
  readonly #processes = new Map<string, ManagedProcess[]>();
  readonly #crashes = new Map<string, CrashTracker>();
  readonly #lastExit = new Map<string, ProcessExit & { pid: number }>();
  readonly #unknownReported = new Set<string>();
  #desiredNow: Record<string, number> = {};
  #generation = 0;
  #rolling: Promise<void> | undefined;
  #rollingError: string | null = null;
  #timer: NodeJS.Timeout | undefined;
  #ticking = false;
  #stopping: Promise<void> | undefined;

  constructor(options: SupervisorOptions) {
    this.#config = options.config;
    this.#redis = options.redis;
    this.#log = options.log.child({ component: 'supervisor' });
    this.#env = options.env ?? process.env;
    this.#desired = new DesiredState(options.redis, options.config.redis.prefix, options.config.queues.layout.stateName);
    this.#units = unitsByName(options.config);
    this.#tickMs = options.tickMs ?? 500;
    this.#readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  }

  /** Seeds the desired state (where none is stored), adopts the current generation and starts reconciling. */
  async start(): Promise<void> {
    await this.#desired.seed(seedProcesses(this.#config, await this.#desired.get()));
    this.#generation = await this.#desired.generation();
    await this.#tick();
    this.#timer = setInterval(() => void this.#tick(), this.#tickMs);
    this.#log.info({ host: this.host, desired: this.#desiredNow, generation: this.#generation }, 'supervisor running');
  }

  /** Live processes (not yet exited) of every queue. */
  processes(): ManagedProcess[] {
    return [...this.#processes.values()].flat();
  }

  status(): SupervisorStatus {
    const now = Date.now();
    const queues: Record<string, QueueProcesses> = {};
    for (const queue of new Set([...Object.keys(this.#desiredNow), ...this.#processes.keys()])) {
      const procs = this.#processes.get(queue) ?? [];
      const crashes = this.#crashes.get(queue);
      queues[queue] = {
        role: this.#units.get(queue)?.role ?? 'unknown',
        partition: this.#units.get(queue)?.partition ?? null,
        desired: this.#desiredNow[queue] ?? 0,
        running: procs.filter((p) => p.isReady).length,
        processes: procs.map((p) => p.info()),
        restarts: crashes?.total ?? 0,
        crashLoop: crashes?.inCrashLoop(now) ?? false,
        lastExit: this.#lastExit.get(queue) ?? null,
        nextRestartAt: crashes !== undefined && !crashes.mayRestart(now) ? new Date(crashes.nextRestartAt).toISOString() : null,
      };
    }
    return {
      host: this.host,
      pid: process.pid,
      startedAt: this.startedAt,
      generation: this.#generation,
      rolling: { inProgress: this.#rolling !== undefined, lastError: this.#rollingError },
      queues,
    };
  }

  async #tick(): Promise<void> {
    if (this.#ticking || this.#stopping !== undefined) return;
    this.#ticking = true;
    try {
      this.#desiredNow = await this.#desired.get();
      const generation = await this.#desired.generation();
      if (generation > this.#generation && this.#rolling === undefined) {
        this.#rolling = this.#rollingRestart(generation).finally(() => (this.#rolling = undefined));
      }
      this.#reconcile();
      await writeSupervisorStatus(this.#redis, this.#config.redis.prefix, this.#config.queues.layout.stateName, this.status());
    } catch (err) {
      this.#log.warn({ err: (err as Error).message }, 'supervisor tick failed (Redis?); processes keep running');
    } finally {
      this.#ticking = false;
    }
  }

  #tracker(queue: string): CrashTracker {
    let tracker = this.#crashes.get(queue);
    if (tracker === undefined) {
      const s = this.#config.supervisor;
      tracker = new CrashTracker({ baseMs: s.restartBaseMs, maxMs: s.restartMaxMs, loopRestarts: s.crashLoopRestarts, windowMs: s.crashLoopWindowMs });
      this.#crashes.set(queue, tracker);
    }
    return tracker;
  }

  /** Starts or stops processes until each queue has its desired number (retiring ones not counted). */
  #reconcile(): void {
    const now = Date.now();
    for (const [queue, desired] of Object.entries(this.#desiredNow)) {
      const unit = this.#units.get(queue);
      if (unit === undefined) {
        if (!this.#unknownReported.has(queue)) this.#reportUnknown(queue, desired);
        this.#unknownReported.add(queue);
        continue;
      }
      const counted = (this.#processes.get(queue) ?? []).filter((p) => !p.stopping && !p.retiring);
      if (counted.length < desired && this.#tracker(queue).mayRestart(now)) {
        for (let i = counted.length; i < desired; i++) this.#spawn(unit, this.#generation);
      } else if (counted.length > desired) {
        const extra = counted.slice(desired).reverse();
        this.#log.info({ queue, stopping: extra.map((p) => p.pid), desired }, 'scaling down');
        for (const p of extra) void p.stop(this.#config.worker.shutdownTimeoutMs + 5_000);
      }
    }
    for (const [queue, procs] of this.#processes) {
      if (!(queue in this.#desiredNow)) for (const p of procs.filter((x) => !x.stopping)) void p.stop(this.#config.worker.shutdownTimeoutMs + 5_000);
    }
  }

  /** A stored number for a unit this layout does not have: the trades queue as a whole (a one-partition layout's unit) is superseded by its partitions. */
  #reportUnknown(queue: string, desired: number): void {
    if (queue === this.#config.queues.trades) {
      this.#log.info({ queue, desired, partitions: this.#config.queues.layout.count }, 'desired processes stored for the whole trades queue are superseded by the per-partition units; ignored');
    } else {
      this.#log.error({ queue, desired }, 'desired processes for a queue this supervisor has no worker for; ignored');
    }
  }

  #spawn(unit: ScalableUnit, generation: number): ManagedProcess {
    const { name: queue, role } = unit;
    const proc = new ManagedProcess({ queue, role, generation, env: this.#env, workerArgs: unit.workerArgs });
    const list = this.#processes.get(queue) ?? [];
    list.push(proc);
    this.#processes.set(queue, list);
    this.#log.info({ queue, role, workerPid: proc.pid, generation }, 'worker process started');
    void proc.exited.then((exit) => this.#exited(proc, exit));
    return proc;
  }

  #exited(proc: ManagedProcess, exit: ProcessExit): void {
    const list = (this.#processes.get(proc.queue) ?? []).filter((p) => p !== proc);
    this.#processes.set(proc.queue, list);
    this.#lastExit.set(proc.queue, { ...exit, pid: proc.pid });
    if (proc.stopping || this.#stopping !== undefined) {
      this.#log.info({ queue: proc.queue, workerPid: proc.pid, code: exit.code, signal: exit.signal }, 'worker process stopped');
      return;
    }
    const now = Date.now();
    const tracker = this.#tracker(proc.queue);
    const delay = tracker.crashed(now, now - proc.startedAt.getTime());
    const loop = tracker.inCrashLoop(now);
    this.#log[loop ? 'error' : 'warn'](
      { queue: proc.queue, workerPid: proc.pid, code: exit.code, signal: exit.signal, restartInMs: delay, restarts: tracker.total, crashLoop: loop },
      loop ? 'worker process crash loop: it keeps dying; restarting with backoff — see its log lines above' : 'worker process died; restarting after backoff',
    );
    setTimeout(() => void this.#tick(), delay + 10).unref();
  }

  /** Replaces every process of an older generation, one at a time: start new, wait ready, stop old. */
  async #rollingRestart(target: number): Promise<void> {
    this.#log.info({ generation: target }, 'rolling restart');
    this.#rollingError = null;
    for (const [queue, procs] of [...this.#processes]) {
      const unit = this.#units.get(queue);
      if (unit === undefined) continue;
      for (const old of procs.filter((p) => p.generation < target && !p.stopping)) {
        if (this.#stopping !== undefined) return;
        old.retiring = true;
        const fresh = this.#spawn(unit, target);
        const ready = await Promise.race([fresh.ready, new Promise<false>((r) => setTimeout(() => r(false), this.#readyTimeoutMs).unref())]);
        if (!ready) {
          old.retiring = false;
          this.#rollingError = `new ${queue} process ${fresh.pid} did not become ready within ${this.#readyTimeoutMs} ms; rolling restart stopped`;
          this.#log.error({ queue, workerPid: fresh.pid }, this.#rollingError);
          void fresh.stop(5_000);
          return;
        }
        await old.stop(this.#config.worker.shutdownTimeoutMs + 5_000);
        this.#log.info({ queue, replaced: old.pid, by: fresh.pid }, 'process replaced');
      }
    }
    this.#generation = target;
    this.#log.info({ generation: target }, 'rolling restart done');
  }

  /** Stops reconciling and every worker process gracefully (each drains within its deadline); idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      clearInterval(this.#timer);
      const procs = this.processes();
      this.#log.info({ processes: procs.length }, 'stopping worker processes');
      await Promise.all(procs.map((p) => p.stop(this.#config.worker.shutdownTimeoutMs + 5_000)));
      await this.#rolling?.catch(() => undefined);
      await deleteSupervisorStatus(this.#redis, this.#config.redis.prefix, this.#config.queues.layout.stateName, this.host, process.pid).catch(() => undefined);
    })();
    return this.#stopping;
  }
}
