import { TradeSyncError } from './trade-sync-error.js';

/** This process's TRADE_SYNC_PARTITIONS differs from the partition count recorded in Redis. */
export class PartitionsMismatchError extends TradeSyncError {
  constructor(configured: number, recorded: number) {
    super(
      'PARTITIONS_MISMATCH',
      `TRADE_SYNC_PARTITIONS=${configured} but Redis records ${recorded} partition(s): set TRADE_SYNC_PARTITIONS=${recorded}, or change it for every process with \`trade-sync repartition --to ${configured}\``,
    );
  }
}
