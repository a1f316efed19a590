/** Where a private clickhouse-server listens and whom it lets in. */
export interface ServerNetwork {
  /** Addresses it listens on besides 127.0.0.1 (e.g. a bridge address that network namespaces reach). @defaultValue [] */
  readonly listenHosts?: readonly string[];
  /** Client addresses or networks (`10.1.2.0/24`) the default user may connect from, besides the loopback. @defaultValue [] */
  readonly clientNetworks?: readonly string[];
}

/**
 * Minimal config.xml + users.xml for a private clickhouse-server (18.16 through current).
 * `extra` is XML inserted at the end of config.xml (e.g. a cluster's `<zookeeper>`, `<macros>`).
 */
export function clickhouseServerConfig(dir: string, httpPort: number, tcpPort: number, network: ServerNetwork = {}, extra = ''): { config: string; users: string } {
  const listen = ['127.0.0.1', ...(network.listenHosts ?? [])].map((host) => `<listen_host>${host}</listen_host>`).join('');
  const clients = ['127.0.0.1', '::1', ...(network.clientNetworks ?? [])].map((ip) => `<ip>${ip}</ip>`).join('');
  const config = `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/log/server.log</log><errorlog>${dir}/log/error.log</errorlog><size>10M</size><count>2</count></logger>
  ${listen}
  <http_port>${httpPort}</http_port>
  <tcp_port>${tcpPort}</tcp_port>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
${extra}</yandex>
`;
  const users = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
  <users>
    <default>
      <password></password>
      <networks>${clients}</networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;
  return { config, users };
}
