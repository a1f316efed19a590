import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WorkerRole } from './worker-role.js';
import { isMetricsMessage, isReadyMessage, type CollectMetricsMessage, type MetricsJson } from './ipc-messages.js';
import { WORKER_NODE_ARGS } from './worker-node-args.js';

/**
 * The CLI every worker process runs: `node bin/trade-sync.js worker --role …`. This module is
 * src/supervisor/ in the source tree and dist/src/supervisor/ in the build: one level deeper.
 */
export const CLI_PATH = ['../../bin/trade-sync.js', '../../../bin/trade-sync.js']
  .map((relative) => fileURLToPath(new URL(relative, import.meta.url)))
  .find((path) => existsSync(path)) as string;

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly at: string;
}

/** What the ops page and `status` show of one worker process. */
export interface ProcessInfo {
  readonly pid: number;
  readonly role: WorkerRole;
  /** What follows `trade-sync worker`. */
  readonly args: readonly string[];
  readonly generation: number;
  readonly startedAt: string;
  readonly ready: boolean;
}

export interface ManagedProcessOptions {
  readonly queue: string;
  readonly role: WorkerRole;
  readonly generation: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** What follows `trade-sync worker` (`--role sink --partitions 3`). @defaultValue `--role <role>` */
  readonly workerArgs?: readonly string[];
}

let collectId = 0;

/**
 * One worker process started by the supervisor, with an IPC channel: it reports readiness and
 * answers metric collections. `stop` sends SIGTERM (the worker drains: flushes its batch and
 * finishes or hands back in-flight jobs) and SIGKILLs only past the deadline.
 */
export class ManagedProcess {
  readonly queue: string;
  readonly role: WorkerRole;
  readonly generation: number;
  readonly args: readonly string[];
  readonly startedAt = new Date();
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves true once the worker reports ready, false if it exits first. */
  readonly ready: Promise<boolean>;
  readonly exited: Promise<ProcessExit>;
  isReady = false;
  /** Set when the supervisor itself stops the process (its exit is no crash). */
  stopping = false;
  /** Being replaced by a rolling restart: not counted towards the desired number. */
  retiring = false;

  constructor(options: ManagedProcessOptions) {
    this.queue = options.queue;
    this.role = options.role;
    this.generation = options.generation;
    this.args = options.workerArgs ?? ['--role', options.role];
    this.child = spawn(process.execPath, [...WORKER_NODE_ARGS, CLI_PATH, 'worker', ...this.args], {
      env: { ...options.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.pid = this.child.pid ?? -1;
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => resolve({ code, signal, at: new Date().toISOString() }));
      this.child.once('error', () => resolve({ code: -1, signal: null, at: new Date().toISOString() }));
    });
    this.ready = new Promise((resolve) => {
      const onMessage = (message: unknown) => {
        if (!isReadyMessage(message)) return;
        this.isReady = true;
        this.child.off('message', onMessage);
        resolve(true);
      };
      this.child.on('message', onMessage);
      void this.exited.then(() => resolve(this.isReady));
    });
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  info(): ProcessInfo {
    return { pid: this.pid, role: this.role, args: this.args, generation: this.generation, startedAt: this.startedAt.toISOString(), ready: this.isReady };
  }

  /** SIGTERM, then SIGKILL after `deadlineMs`; resolves once the process has exited. */
  async stop(deadlineMs: number): Promise<ProcessExit> {
    this.stopping = true;
    if (this.alive) this.child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (this.alive) this.child.kill('SIGKILL');
    }, deadlineMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The process's metrics, or undefined when it does not answer within `timeoutMs`. */
  collectMetrics(timeoutMs = 2_000): Promise<MetricsJson | undefined> {
    if (!this.alive || !this.child.connected || !this.isReady) return Promise.resolve(undefined);
    const id = ++collectId;
    return new Promise((resolve) => {
      const done = (value: MetricsJson | undefined) => {
        clearTimeout(timer);
        this.child.off('message', onMessage);
        resolve(value);
      };
      const onMessage = (message: unknown) => {
        if (isMetricsMessage(message) && message.id === id) done(message.metrics);
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      this.child.on('message', onMessage);
      const request: CollectMetricsMessage = { type: 'trade-sync:collect-metrics', id };
      try {
        this.child.send(request, (err) => {
          if (err) done(undefined);
        });
      } catch {
        done(undefined);
      }
    });
  }
}
