import type { ClickHouseClient } from '@clickhouse/client';
import { ClickHouseError } from '../../errors/index.js';
import type { Logger } from '../../logger.js';
import { serverCodeOf } from './classify-insert-error.js';
import { buildTopology, type ClusterTopology } from './cluster-topology.js';
import { probeClusterNode, type ClusterNodeProbe } from './probe-cluster-node.js';

export interface ClusterNodeClient {
  readonly url: string;
  readonly client: ClickHouseClient;
}

/**
 * Discovers, once, which configured node serves which shard (probeClusterNode on every node,
 * then buildTopology). Nodes that do not answer stay unresolved and are probed again at most
 * every `recheckMs` while any is left, so a replica that was down at start-up is used once it is
 * back. A configuration error (ClusterTopologyError) is thrown to the first callers (later, when
 * a late node is misconfigured, it is logged and that node stays unused); while no node answers,
 * `get()` throws CLICKHOUSE_UNAVAILABLE (transient: the batch retries, then spills).
 */
export class ClusterTopologyResolver {
  readonly cluster: string;
  readonly #nodes: readonly ClusterNodeClient[];
  readonly #log: Logger;
  readonly #recheckMs: number;
  #known: ClusterTopology | undefined;
  #probedAt = 0;
  #probing: Promise<ClusterTopology> | undefined;

  constructor(cluster: string, nodes: readonly ClusterNodeClient[], log: Logger, recheckMs = 2_000) {
    this.cluster = cluster;
    this.#nodes = nodes;
    this.#log = log.child({ component: 'cluster-topology', cluster });
    this.#recheckMs = recheckMs;
  }

  /**
   * The topology: complete once every node answered; until then the last partial one, while the
   * unresolved nodes are probed again in the background every recheckMs (an insert never waits
   * for a probe of a node that may hang until its timeout). Only the first call waits.
   */
  get(): Promise<ClusterTopology> {
    const known = this.#known;
    if (known === undefined) return this.#probeOnce();
    if (known.unresolved.length > 0 && Date.now() - this.#probedAt >= this.#recheckMs) {
      this.#probeOnce().catch((err: unknown) => this.#log.warn({ err: (err as Error).message }, 'cluster topology probe failed'));
    }
    return Promise.resolve(known);
  }

  #probeOnce(): Promise<ClusterTopology> {
    this.#probing ??= this.#probe().finally(() => (this.#probing = undefined));
    return this.#probing;
  }

  async #probe(): Promise<ClusterTopology> {
    this.#probedAt = Date.now();
    const settled = await Promise.allSettled(this.#nodes.map((n) => probeClusterNode(n.client, n.url, this.cluster)));
    const probes: ClusterNodeProbe[] = [];
    const unresolved: string[] = [];
    for (const [i, result] of settled.entries()) {
      if (result.status === 'fulfilled') probes.push(result.value);
      else if (serverCodeOf(result.reason) === undefined) unresolved.push((this.#nodes[i] as ClusterNodeClient).url);
      else throw result.reason; // the server answered with an error: not an outage
    }
    if (probes.length === 0) {
      if (this.#known !== undefined) return this.#known;
      throw new ClickHouseError('CLICKHOUSE_UNAVAILABLE', `no ClickHouse node of cluster "${this.cluster}" answers (${unresolved.join(', ')})`, { retriable: true });
    }
    const topology = buildTopology(this.cluster, probes, unresolved);
    const changed = JSON.stringify(topology.shards) !== JSON.stringify(this.#known?.shards);
    this.#known = topology;
    if (changed) this.#log.info({ shards: topology.shards, unresolved: topology.unresolved }, 'ClickHouse cluster topology');
    return topology;
  }
}
