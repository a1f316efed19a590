import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { freePort } from '../../src/local/free-port.js';
import { startLocalClickHouse, type LocalClickHouse } from '../../src/local/local-clickhouse.js';
import { clusterMemberXml, type ClusterMember } from './clickhouse-cluster-xml.js';
import { onCleanup } from './on-cleanup.js';
import { privateZooKeeper, type PrivateZooKeeper } from './private-zookeeper.js';

/** One replica of the test cluster. */
export interface ClusterReplica extends ClusterMember {
  readonly url: string;
  /** The server's pid, or undefined while it is stopped. */
  readonly pid: number | undefined;
  /** SIGKILL to this replica's pid; resolves once it has exited. */
  kill(): Promise<void>;
  /** Starts it again on the same data dir and ports; resolves once it answers /ping. */
  start(): Promise<void>;
}

export interface PrivateClickHouseCluster {
  /** The cluster's name in every member's `<remote_servers>`. */
  readonly name: string;
  readonly zookeeper: PrivateZooKeeper;
  /** Shard 1's replicas first, in replica order. */
  readonly replicas: readonly ClusterReplica[];
  /** Every replica's HTTP URL, comma-separated (TRADE_SYNC_CLICKHOUSE_URL). */
  readonly urls: string;
}

/**
 * A private ZooKeeper and `shards × replicasPerShard` clickhouse-servers (each in its own temp
 * dir on free ports) forming cluster `name`, with `shard`/`replica` macros (replica names r1, r2…
 * repeat across shards). The test's cleanup kills every process by pid and removes the dirs.
 */
export async function privateClickHouseCluster(
  t: TestContext,
  options: { shards: number; replicasPerShard: number; name?: string },
): Promise<PrivateClickHouseCluster> {
  const name = options.name ?? 'trade_sync_test';
  const zookeeper = await privateZooKeeper(t);
  const members: ClusterMember[] = [];
  for (let shard = 1; shard <= options.shards; shard++) {
    for (let r = 1; r <= options.replicasPerShard; r++) {
      members.push({ shard, replica: `r${r}`, httpPort: await freePort(), tcpPort: await freePort(), interserverPort: await freePort() });
    }
  }
  const replicas = await Promise.all(members.map((member) => startReplica(t, name, member, members, zookeeper)));
  return { name, zookeeper, replicas, urls: replicas.map((r) => r.url).join(',') };
}

async function startReplica(t: TestContext, name: string, member: ClusterMember, members: readonly ClusterMember[], zookeeper: PrivateZooKeeper): Promise<ClusterReplica> {
  const dir = mkdtempSync(join(tmpdir(), `trade-sync-ch-s${member.shard}${member.replica}-`));
  onCleanup(t, () => rmSync(dir, { recursive: true, force: true }));
  const extraConfig = clusterMemberXml(name, member, members, zookeeper);
  const boot = () => startLocalClickHouse({ dir, httpPort: member.httpPort, tcpPort: member.tcpPort, extraConfig, timeoutMs: 60_000 });
  let server: LocalClickHouse | undefined = await boot();
  onCleanup(t, () => server?.kill());
  return {
    ...member,
    url: server.url,
    get pid() {
      return server?.pid;
    },
    async kill() {
      await server?.kill();
      server = undefined;
    },
    async start() {
      if (server === undefined) server = await boot();
    },
  };
}
