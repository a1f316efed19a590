import { createRedisConnection } from '../../queues/index.js';
import type { Config } from '../../src/config/index.js';
import { freePort } from '../../src/local/free-port.js';
import { readSupervisorStatuses, type SupervisorStatus } from '../../src/supervisor/supervisor-status.js';
import { spawnCli, type CliProcess } from './spawn-cli.js';
import { waitFor } from './wait-for.js';

/** Is a process alive (signal 0)? */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * `trade-sync start` as a real process with `env` (plus a free metrics port and fast restarts),
 * and helpers to read what it reports in Redis. `stop()` sends SIGTERM and checks every worker
 * process it started has exited.
 */
export async function startSupervisorCli(config: Config, env: Record<string, string>) {
  const metricsPort = await freePort();
  const proc: CliProcess = spawnCli(['start'], {
    TRADE_SYNC_METRICS_PORT: String(metricsPort),
    TRADE_SYNC_SUPERVISOR_RESTART_BASE_MS: '200',
    TRADE_SYNC_SUPERVISOR_RESTART_MAX_MS: '2000',
    ...env,
  });
  const redis = createRedisConnection(config, 'producer');
  const status = async (): Promise<SupervisorStatus | undefined> =>
    (await readSupervisorStatuses(redis, config.redis.prefix, config.queues.layout.stateName)).find((s) => s.pid === proc.pid);
  const readyPids = async (queue: string): Promise<number[]> =>
    ((await status())?.queues[queue]?.processes ?? []).filter((p) => p.ready).map((p) => p.pid).sort();
  const seen = new Set<number>();
  return {
    proc,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    status,
    readyPids,
    /** Waits until `queue` has exactly `n` ready processes; returns their pids. */
    async waitForReady(queue: string, n: number, timeoutMs = 60_000): Promise<number[]> {
      const pids = await waitFor(() => readyPids(queue), (p) => p.length === n, timeoutMs, `${n} ready ${queue} processes (supervisor output: ${proc.output().slice(-2000)})`);
      pids.forEach((p) => seen.add(p));
      return pids;
    },
    async stop(): Promise<number | string> {
      const st = await status().catch(() => undefined);
      for (const q of Object.values(st?.queues ?? {})) q.processes.forEach((p) => seen.add(p.pid));
      const code = await proc.kill('SIGTERM');
      await redis.quit();
      const left = [...seen].filter(alive);
      for (const pid of left) process.kill(pid, 'SIGKILL');
      if (left.length > 0) throw new Error(`worker processes outlived the supervisor: ${left.join(', ')}`);
      return code;
    },
  };
}
