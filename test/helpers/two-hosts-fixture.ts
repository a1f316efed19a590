import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { TestContext } from 'node:test';
import type { ClickHouseClient } from '@clickhouse/client';
import { createRedisConnection, type RedisClient } from '../../queues/index.js';
import type { Config } from '../../src/config/index.js';
import { createClickHouseClient } from '../../src/sinks/clickhouse/create-clickhouse-client.js';
import { scalableUnits } from '../../src/supervisor/scalable-units.js';
import { readSupervisorStatuses } from '../../src/supervisor/supervisor-status.js';
import { netnsHostsFor, type NetnsHosts } from './netns-hosts.js';
import { onCleanup } from './on-cleanup.js';
import { privateClickHouse } from './private-clickhouse.js';
import { redisClusterFor, type LocalRedisCluster } from './redis-cluster.js';
import { capturedProcess, CLI, runCli, type CliProcess } from './spawn-cli.js';
import { testConfig, testEnv } from './test-env.js';
import { waitFor } from './wait-for.js';

/** A supervisor (`trade-sync start`) running inside one host's namespace. */
export interface HostSupervisor {
  readonly host: string;
  readonly proc: CliProcess;
  /** This host's environment (its own spill dir; everything else shared). */
  readonly env: Record<string, string>;
  /** Waits until it runs one ready sink process per partition; returns their pids. */
  waitForSinkWorkers(timeoutMs?: number): Promise<number[]>;
}

export interface TwoHosts {
  readonly hosts: NetnsHosts;
  readonly cluster: LocalRedisCluster;
  /** The shared settings, as the root namespace (producer, assertions) uses them. */
  readonly env: Record<string, string>;
  readonly config: Config;
  /** Admin client of the private ClickHouse, database migrated by `trade-sync migrate`. */
  readonly clickhouse: ClickHouseClient;
  readonly redis: RedisClient;
  /** Starts `trade-sync start` in the host's namespace. */
  startSupervisor(host: string): HostSupervisor;
}

/**
 * Hosts `names` as network namespaces on a bridge, a 3-master Redis Cluster and a private
 * ClickHouse both reachable on the bridge address, the test's settings (`overrides` on top of
 * testEnv, cluster mode) and a database migrated with `trade-sync migrate`. Everything is
 * stopped in the test's cleanup: the hosts' processes first.
 */
export async function twoHosts(t: TestContext, overrides: Record<string, string>, names: readonly string[] = ['a', 'b']): Promise<TwoHosts> {
  const hosts = await netnsHostsFor(t, names);
  const cluster = await redisClusterFor(t, { announceHost: hosts.bridgeIp });
  const ch = await privateClickHouse(t, { listenHosts: [hosts.bridgeIp], clientNetworks: [hosts.subnet] });
  const chUrl = new URL(ch.url);
  chUrl.hostname = hosts.bridgeIp;
  const env = testEnv({
    TRADE_SYNC_REDIS_CLUSTER: 'true',
    TRADE_SYNC_REDIS_URL: cluster.urls.join(','),
    TRADE_SYNC_CLICKHOUSE_URL: chUrl.origin,
    ...overrides,
  });
  const config = testConfig(env);
  const migrated = await runCli(['migrate'], env);
  assert.equal(migrated.code, 0, `trade-sync migrate: ${migrated.output}`);
  const clickhouse = createClickHouseClient(config, 'admin');
  const redis = createRedisConnection(config, 'producer');
  onCleanup(t, () => clickhouse.close());
  // quit() waits for a reachable cluster; disconnect() after a moment, whatever state it is in.
  onCleanup(t, () => Promise.race([redis.quit(), new Promise((resolve) => setTimeout(resolve, 2_000))]).finally(() => redis.disconnect()));
  // Runs first (cleanups run last-registered first): no process of a host outlives the services.
  // The bridge itself goes last (netnsHostsFor's cleanup): the cluster's nodes talk over its address.
  onCleanup(t, () => Promise.all(names.map((name) => hosts.killAll(name))));
  return {
    hosts,
    cluster,
    env,
    config,
    clickhouse,
    redis,
    startSupervisor(host) {
      const hostEnv = { ...env, TRADE_SYNC_SPILL_DIR: `${env.TRADE_SYNC_SPILL_DIR}-${host}`, TRADE_SYNC_SUPERVISOR_RESTART_BASE_MS: '200' };
      onCleanup(t, () => rmSync(hostEnv.TRADE_SYNC_SPILL_DIR, { recursive: true, force: true }));
      const proc = capturedProcess(hosts.run(host, process.execPath, [CLI, 'start'], hostEnv));
      const sinkUnits = scalableUnits(config).filter((u) => u.role === 'sink');
      const readySinks = async () => {
        const statuses = await readSupervisorStatuses(redis, config.redis.prefix, config.queues.layout.stateName);
        const queues = statuses.find((s) => s.pid === proc.pid)?.queues ?? {};
        return sinkUnits.flatMap((u) => (queues[u.name]?.processes ?? []).filter((p) => p.ready).map((p) => p.pid));
      };
      return {
        host,
        proc,
        env: hostEnv,
        waitForSinkWorkers: (timeoutMs = 60_000) =>
          waitFor(readySinks, (p) => p.length === sinkUnits.length, timeoutMs, `host ${host}'s ${sinkUnits.length} sink processes ready (supervisor output: ${proc.output().slice(-2_000)})`),
      };
    },
  };
}
