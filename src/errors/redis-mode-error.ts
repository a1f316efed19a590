import { TradeSyncError } from './trade-sync-error.js';

/** The Redis at the configured URL is a cluster node and TRADE_SYNC_REDIS_CLUSTER is off, or the reverse. */
export class RedisModeError extends TradeSyncError {
  constructor(url: string, clusterNode: boolean) {
    super(
      'REDIS_CLUSTER_MISMATCH',
      clusterNode
        ? `${url} is a Redis Cluster node: set TRADE_SYNC_REDIS_CLUSTER=true (and list the seed nodes in TRADE_SYNC_REDIS_URL)`
        : `${url} is not a Redis Cluster node (cluster_enabled:0): unset TRADE_SYNC_REDIS_CLUSTER, or point TRADE_SYNC_REDIS_URL at the cluster's nodes`,
    );
  }
}
