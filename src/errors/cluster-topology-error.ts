import { TradeSyncError } from './trade-sync-error.js';

export type ClusterTopologyErrorCode =
  | 'CLICKHOUSE_CLUSTER_UNKNOWN'
  | 'CLICKHOUSE_NODE_NOT_IN_CLUSTER'
  | 'CLICKHOUSE_SHARD_MACRO_MISSING'
  | 'CLICKHOUSE_CLUSTER_INCONSISTENT'
  | 'CLICKHOUSE_SHARD_UNCOVERED'
  | 'CLICKHOUSE_CLUSTER_NOT_SET';

/**
 * TRADE_SYNC_CLICKHOUSE_CLUSTER and the servers' cluster configuration do not fit together: an
 * operator must fix the configuration (retrying does not help). The message is one line naming
 * the node URL(s) and what to change.
 */
export class ClusterTopologyError extends TradeSyncError {
  constructor(code: ClusterTopologyErrorCode, message: string) {
    super(code, message, { retriable: false });
  }
}
