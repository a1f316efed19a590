import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { Cluster } from 'ioredis';
import { keysPerNode, nodeOfKey } from '../helpers/cluster-key-owner.js';
import { startRedisCluster } from '../helpers/redis-cluster.js';
import { redisCpuPerNode } from '../helpers/redis-node-cpu.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('the local Redis Cluster: three masters serve every slot, keys of different hash tags land on different nodes, CPU is read per node, and stop kills every pid', async (t) => {
  const cluster = await startRedisCluster();
  t.after(() => cluster.stop());
  t.diagnostic(`cluster up in ${Math.round(cluster.startupMs)} ms`);
  assert.equal(cluster.nodes.length, 3);
  assert.equal(new Set(cluster.nodes.map((n) => n.port)).size, 3);
  assert.ok(cluster.nodes.every((n) => alive(n.pid)));

  const redis = new Cluster(cluster.nodes.map(({ host, port }) => ({ host, port })), { redisOptions: { maxRetriesPerRequest: null } });
  t.after(() => redis.disconnect());
  const ns = `harness-${randomUUID()}`;
  const keys = Array.from({ length: 30 }, (_, i) => `${ns}:{p${i}}:k`);
  const cpuBefore = await redisCpuPerNode(cluster.nodes);
  for (const key of keys) await redis.set(key, '1');
  for (let i = 0; i < 200; i++) await redis.get(keys[i % keys.length] as string);

  const perNode = await keysPerNode(cluster, `${ns}:*`);
  assert.equal([...perNode.values()].reduce((a, b) => a + b, 0), keys.length, 'SCAN on every master finds each key once');
  assert.ok(perNode.size > 1, `keys of 30 hash tags sit on more than one node: ${JSON.stringify([...perNode])}`);
  for (const key of keys.slice(0, 5)) {
    const owner = await nodeOfKey(cluster, key);
    const onOwner = await keysPerNode({ ...cluster, nodes: [owner] }, key);
    assert.equal(onOwner.get(owner.port), 1, `${key} is on the node nodeOfKey names`);
  }

  const cpuAfter = await redisCpuPerNode(cluster.nodes);
  for (const node of cluster.nodes) assert.ok((cpuAfter.get(node.port) ?? 0) > (cpuBefore.get(node.port) ?? Infinity) - 1e-9, `CPU of ${node.port} is read and never decreases`);
  assert.ok([...cpuAfter.values()].every((s) => s > 0));

  redis.disconnect();
  await cluster.stop();
  assert.ok(cluster.nodes.every((n) => !alive(n.pid)), 'stop killed every node');
  await cluster.stop(); // idempotent
});
