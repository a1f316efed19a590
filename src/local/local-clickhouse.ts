import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clickhouseServerConfig, type ServerNetwork } from './clickhouse-server-config.js';

/** A clickhouse-server this process started (for `trade-sync up` and for tests that stop it). */
export interface LocalClickHouse {
  readonly url: string;
  readonly pid: number;
  readonly dir: string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL now. */
  kill(): Promise<void>;
}

async function waitForPing(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`clickhouse-server exited with code ${child.exitCode} (see its log dir)`);
    try {
      const res = await fetch(`${url}/ping`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`clickhouse-server did not answer on ${url} within ${timeoutMs} ms`);
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts clickhouse-server with its data in `dir` on the given ports and waits until it answers
 * (on 127.0.0.1, which it always listens on; `network` may add addresses and client networks).
 * `extraConfig` is XML appended to its config.xml (a cluster member's ZooKeeper, macros, cluster).
 */
export async function startLocalClickHouse(options: { dir: string; httpPort: number; tcpPort: number; timeoutMs?: number; bin?: string; network?: ServerNetwork; extraConfig?: string }): Promise<LocalClickHouse> {
  const { dir, httpPort, tcpPort } = options;
  for (const sub of ['data', 'tmp', 'log', 'user_files', 'format_schemas']) mkdirSync(join(dir, sub), { recursive: true });
  const { config, users } = clickhouseServerConfig(dir, httpPort, tcpPort, options.network, options.extraConfig);
  writeFileSync(join(dir, 'config.xml'), config);
  writeFileSync(join(dir, 'users.xml'), users);
  const child = spawn(options.bin ?? 'clickhouse-server', [`--config-file=${join(dir, 'config.xml')}`], { cwd: dir, stdio: 'ignore', detached: false });
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  const url = `http://127.0.0.1:${httpPort}`;
  await Promise.race([waitForPing(url, child, options.timeoutMs ?? 30_000), spawnError]);
  const pid = child.pid ?? -1;
  return {
    url,
    pid,
    dir,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited(child);
      clearTimeout(timer);
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited(child);
    },
  };
}
