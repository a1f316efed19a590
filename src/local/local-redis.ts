import { spawn, type ChildProcess } from 'node:child_process';
import { assertRedisReachable } from '../../queues/index.js';

/** A redis-server this process started, without persistence. */
export interface LocalRedis {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts `redis-server` on 127.0.0.1:`port` (extra args appended) and waits until it answers PING. */
export async function startLocalRedis(port: number, extraArgs: readonly string[] = [], bin = 'redis-server'): Promise<LocalRedis> {
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    try {
      await assertRedisReachable(url, 500);
      break;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(sig);
      await exited(child);
    }
  };
  return { url, pid: child.pid ?? -1, stop: () => signal('SIGTERM'), kill: () => signal('SIGKILL') };
}
