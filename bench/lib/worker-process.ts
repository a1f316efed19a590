import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { procStatusBytes } from './proc-status.js';
import { WORKER_NODE_ARGS } from '../../src/supervisor/worker-node-args.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = fileURLToPath(new URL('../../bin/trade-sync.js', import.meta.url));

export interface WorkerProcessOptions {
  /** A label for messages and for the CPU profile's file name. */
  readonly label: string;
  readonly env: Record<string, string>;
  /** When set, the child runs with `--cpu-prof` and writes its profile here on exit. */
  readonly cpuProfDir?: string | undefined;
  /** How long to wait for the "worker running" log line. */
  readonly readyTimeoutMs?: number;
}

/** A worker in its own process: the real CLI (`trade-sync worker`) or one of bench/children. */
export interface WorkerProcess {
  readonly pid: number;
  readonly label: string;
  /** Log lines at warn level or above (pino level >= 40), for the scenario's problems. */
  readonly warnings: string[];
  /** Parsed JSON lines the child printed on stdout (bench children report counts this way). */
  readonly reports: Record<string, unknown>[];
  /** Exit code or signal once the process has exited, else undefined. */
  exitStatus(): number | string | undefined;
  /** Resident set size when the worker said it was ready (idle, before any job), in bytes. */
  readonly readyRss: number | undefined;
  /** Peak resident set size so far (VmHWM), in bytes; read it before `stop`. */
  peakRss(): number | undefined;
  /** SIGTERM (graceful drain), then SIGKILL after `timeoutMs`; resolves with the exit code or signal. */
  stop(timeoutMs?: number): Promise<number | string>;
  readonly exited: Promise<number | string>;
}

const READY_MESSAGE = 'worker running';

/** How long to wait for a graceful stop of a worker that already failed its scenario, before SIGKILL. */
export const STUCK_STOP_MS = 5_000;

/**
 * `--cpu-prof` into <dir>/<label>/. Node names each file CPU.<date>.<time>.<pid>.<thread>.<seq>:
 * the main thread's profile is the one with thread id 0 (tsx's loader runs in a second thread,
 * which writes its own profile; a fixed --cpu-prof-name would let the two overwrite each other).
 */
/** The flags the supervisor starts workers with (so every worker here, no-op peers included, runs as deployed), plus profiling. */
function nodeArgs(label: string, cpuProfDir: string | undefined): string[] {
  if (cpuProfDir === undefined) return [...WORKER_NODE_ARGS];
  return [...WORKER_NODE_ARGS, '--cpu-prof', `--cpu-prof-dir=${join(cpuProfDir, label)}`];
}

/** Starts `node [--cpu-prof…] <args>` with exactly `env` and resolves once the child logs "worker running". */
async function startNode(args: readonly string[], options: WorkerProcessOptions): Promise<WorkerProcess> {
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs(options.label, options.cpuProfDir), ...args], {
    env: options.env,
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const warnings: string[] = [];
  const reports: Record<string, unknown>[] = [];
  const tail: string[] = [];
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));

  const onLines = (stream: NodeJS.ReadableStream, handle: (line: string) => void) => {
    let buffer = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        handle(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
      }
    });
  };
  const remember = (line: string) => {
    tail.push(line);
    if (tail.length > 50) tail.shift();
  };
  onLines(child.stderr as NodeJS.ReadableStream, (line) => {
    remember(line);
    let entry: { level?: number; msg?: string } | undefined;
    try {
      entry = JSON.parse(line) as { level?: number; msg?: string };
    } catch {
      if (line.trim() !== '') warnings.push(line.slice(0, 300));
      return;
    }
    if (entry.msg === READY_MESSAGE) markReady();
    if ((entry.level ?? 0) >= 40) warnings.push(line.slice(0, 300));
  });
  onLines(child.stdout as NodeJS.ReadableStream, (line) => {
    remember(line);
    try {
      const parsed: unknown = JSON.parse(line);
      if (parsed !== null && typeof parsed === 'object') reports.push(parsed as Record<string, unknown>);
    } catch {
      // not a report line
    }
  });

  const pid = child.pid ?? -1;
  const stop = async (timeoutMs = 30_000): Promise<number | string> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    }
    return exited;
  };

  const timeoutMs = options.readyTimeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    ready.then(() => 'ready' as const),
    exited.then((code) => `exited with ${code}` as const),
    new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs))),
  ]);
  clearTimeout(timer);
  if (outcome !== 'ready') {
    await stop(5_000);
    throw new Error(`${options.label}: worker did not start (${outcome}); last output:\n${tail.slice(-10).join('\n')}`);
  }
  const exitStatus = () => child.exitCode ?? child.signalCode ?? undefined;
  const readyRss = procStatusBytes(pid, 'VmRSS');
  return { pid, label: options.label, warnings, reports, exitStatus, readyRss, peakRss: () => procStatusBytes(pid, 'VmHWM'), stop, exited };
}

/** The real thing: `node bin/trade-sync.js worker` (sink and redrive workers, as deployed). */
export function startTradeSyncWorker(options: WorkerProcessOptions): Promise<WorkerProcess> {
  return startNode([CLI, 'worker'], options);
}

/** A bench child (bench/children/<name>.ts) run through tsx, like the CLI. */
export function startBenchChild(name: 'noop-worker' | 'naive-worker', options: WorkerProcessOptions, extraArgs: readonly string[] = []): Promise<WorkerProcess> {
  const script = fileURLToPath(new URL(`../children/${name}.ts`, import.meta.url));
  return startNode(['--import', 'tsx', script, ...extraArgs], options);
}
