import { execFileSync } from 'node:child_process';
import { procCpuSeconds } from './proc-status.js';

/** The pid of the process listening on a local TCP port (`ss -ltnp`), e.g. the Redis or ClickHouse server the bench uses. */
export function listeningPid(url: string): number | undefined {
  try {
    const { port, protocol } = new URL(url);
    const p = port || (protocol === 'https:' ? '443' : protocol.startsWith('redis') ? '6379' : '80');
    const out = execFileSync('ss', ['-Hltnp', `sport = :${p}`], { encoding: 'utf8' });
    const match = /pid=(\d+)/.exec(out);
    return match?.[1] === undefined ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

/**
 * CPU per item of the pipeline's own processes over a phase: the given pids (ingest, worker,
 * Redis, ClickHouse) plus this bench process (the clients). Other processes on the machine do
 * not count, so a busy neighbour changes wall-clock rates but not this figure.
 */
export function startPipelineCpu(pids: readonly (number | undefined)[]): (items: number) => number | undefined {
  const known = pids.filter((p): p is number => p !== undefined);
  const total = (): number | undefined => {
    const each = known.map(procCpuSeconds);
    if (each.some((s) => s === undefined)) return undefined;
    const self = process.cpuUsage();
    return each.reduce<number>((a, s) => a + (s as number), 0) + (self.user + self.system) / 1e6;
  };
  const before = total();
  return (items) => {
    const after = total();
    return before === undefined || after === undefined || items <= 0 ? undefined : ((after - before) * 1e6) / items;
  };
}
