import type { RedisClusterNode } from './redis-cluster.js';
import { withNode } from './redis-cluster.js';

/** used_cpu_sys + used_cpu_user of one server, in seconds, from its `INFO cpu`. */
export function cpuSecondsOf(info: string): number {
  let total = 0;
  let seen = 0;
  for (const line of info.split(/\r?\n/)) {
    const match = /^used_cpu_(sys|user):([0-9.]+)$/.exec(line);
    if (match?.[2] !== undefined) {
      total += Number(match[2]);
      seen += 1;
    }
  }
  if (seen !== 2) throw new Error('INFO cpu has no used_cpu_sys and used_cpu_user');
  return total;
}

/** CPU seconds (user + sys) each node has used since it started, by port: read before and after a phase, and subtract. */
export async function redisCpuPerNode(nodes: readonly Pick<RedisClusterNode, 'host' | 'port'>[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const node of nodes) out.set(node.port, cpuSecondsOf(await withNode(node.port, (r) => r.info('cpu'), node.host)));
  return out;
}
