import type { LocalRedisCluster, RedisClusterNode } from './redis-cluster.js';
import { withNode } from './redis-cluster.js';

/** The master that serves `key`'s slot, as the cluster itself says (CLUSTER KEYSLOT + CLUSTER SLOTS). */
export async function nodeOfKey(cluster: LocalRedisCluster, key: string): Promise<RedisClusterNode> {
  const first = cluster.nodes[0];
  if (first === undefined) throw new Error('the cluster has no nodes');
  const [slot, ranges] = await withNode(first.port, async (r) => [Number(await r.cluster('KEYSLOT', key)), await r.cluster('SLOTS')] as const);
  const range = ranges.find(([from, to]) => slot >= from && slot <= to);
  const node = range && cluster.nodes.find((n) => n.port === Number(range[2]?.[1]));
  if (node === undefined) throw new Error(`no node serves slot ${slot} of ${key}`);
  return node;
}

/** How many keys matching `pattern` each node holds (SCAN on each master), by port; nodes without any are left out. */
export async function keysPerNode(cluster: LocalRedisCluster, pattern: string): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  for (const node of cluster.nodes) {
    let found = 0;
    await withNode(node.port, async (r) => {
      let cursor = '0';
      do {
        const [next, keys] = await r.scan(cursor, 'MATCH', pattern, 'COUNT', 1_000);
        cursor = next;
        found += keys.length;
      } while (cursor !== '0');
    });
    if (found > 0) counts.set(node.port, found);
  }
  return counts;
}
