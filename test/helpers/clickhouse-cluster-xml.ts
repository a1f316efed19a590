/** One clickhouse-server of a test cluster: where it listens and which shard and replica it is. */
export interface ClusterMember {
  /** 1-based, as ClickHouse numbers shards. */
  readonly shard: number;
  /** The `replica` macro: unique within its shard only (the same names repeat across shards). */
  readonly replica: string;
  readonly httpPort: number;
  readonly tcpPort: number;
  readonly interserverPort: number;
}

/**
 * The config.xml fragment that makes `member` a replica of cluster `name`: ZooKeeper, the cluster
 * (`<remote_servers>`, every shard with internal replication: trade-sync writes the replicated
 * local tables itself), its `shard`/`replica` macros, the ON CLUSTER DDL queue, and the
 * interserver port replicas fetch parts from each other on. Valid on 18.16 and current servers.
 */
export function clusterMemberXml(name: string, member: ClusterMember, members: readonly ClusterMember[], zookeeper: { host: string; port: number }): string {
  const shards = [...new Set(members.map((m) => m.shard))].sort((a, b) => a - b);
  const shardXml = shards
    .map((shard) => {
      const replicas = members
        .filter((m) => m.shard === shard)
        .map((m) => `<replica><host>127.0.0.1</host><port>${m.tcpPort}</port></replica>`)
        .join('');
      return `<shard><internal_replication>true</internal_replication>${replicas}</shard>`;
    })
    .join('\n      ');
  // keep_alive_timeout: longer than the client's idle-socket TTL (2.5 s) even when a loaded machine
  // delays the client's timers, so a kept-alive socket is never reused just as the server closes it.
  return `  <keep_alive_timeout>30</keep_alive_timeout>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <interserver_http_port>${member.interserverPort}</interserver_http_port>
  <zookeeper>
    <node><host>${zookeeper.host}</host><port>${zookeeper.port}</port></node>
    <session_timeout_ms>6000</session_timeout_ms>
  </zookeeper>
  <remote_servers>
    <${name}>
      ${shardXml}
    </${name}>
  </remote_servers>
  <macros><shard>${member.shard}</shard><replica>${member.replica}</replica></macros>
  <distributed_ddl><path>/clickhouse/task_queue/ddl</path></distributed_ddl>
`;
}
