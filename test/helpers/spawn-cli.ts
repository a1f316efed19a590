import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../bin/trade-sync.js', import.meta.url));

export interface CliProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** What it wrote to stdout only. */
  stdout(): string;
  /** What it wrote to stderr only. */
  stderr(): string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Starts `trade-sync ARGS` as a real process with exactly `env` (plus PATH); `cli` picks another build (old releases). */
export function spawnCli(args: readonly string[], env: Record<string, string>, cli: string = CLI): CliProcess {
  return capturedProcess(spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** Collects a spawned process's output (stdio piped) and exit, as a CliProcess. */
export function capturedProcess(child: ChildProcess): CliProcess {
  let output = '';
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    stderr += chunk.toString();
  });
  // 'close' (not 'exit'): it fires once the output pipes are drained too, so nothing written is missed.
  const exited = new Promise<number | string>((resolve) => child.once('close', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child,
    pid: child.pid ?? -1,
    output: () => output,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs `trade-sync ARGS` to completion: exit code and output (both streams, and each alone). */
export async function runCli(
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ code: number | string; output: string; stdout: string; stderr: string }> {
  const proc = spawnCli(args, env);
  const code = await proc.exited;
  return { code, output: proc.output(), stdout: proc.stdout(), stderr: proc.stderr() };
}
