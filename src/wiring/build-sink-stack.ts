import type { ClickHouseClient } from '@clickhouse/client';
import type { CircuitBreakerPolicy } from 'cockatiel';
import type { Config } from '../config/index.js';
import type { Logger } from '../logger.js';
import { meteredSink } from '../metrics/metered-sink.js';
import type { WorkerMetrics } from '../metrics/worker-metrics.js';
import type { ClusterTopologyResolver } from '../sinks/clickhouse/cluster-topology-resolver.js';
import { createWriterSink, type WriterSink } from './create-writer-sink.js';
import { circuitName, createInsertCircuit } from '../sinks/insert-circuit.js';
import type { InsertOptions } from '../sinks/insert-batch.js';
import { insertRetryPolicy } from '../sinks/insert-retry-policy.js';
import { DuckDbSpillFile } from '../spill/duckdb-spill-file.js';
import { SpillDirectory } from '../spill/spill-directory.js';
import { SpillCorruptError } from '../spill/spill-errors.js';

/** The ClickHouse side of a worker: failover sink, circuit, how batches are inserted, and the spill file. */
export interface SinkStack {
  readonly clients: readonly ClickHouseClient[];
  readonly sink: WriterSink;
  /** With TRADE_SYNC_CLICKHOUSE_CLUSTER: which node serves which shard (the order sink routes by it too). */
  readonly topology: ClusterTopologyResolver | undefined;
  readonly circuit: CircuitBreakerPolicy;
  /** The sink (metered), its retry policy and the circuit: what SinkPipeline inserts with. */
  readonly insert: InsertOptions;
  readonly directory: SpillDirectory | undefined;
  readonly spillFile: DuckDbSpillFile | undefined;
  /** True when any ClickHouse node answers /ping. */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}

/** Builds the sink side from config; the spill file is integrity-checked (and quarantined if corrupt). */
export async function buildSinkStack(config: Config, log: Logger, metrics?: WorkerMetrics): Promise<SinkStack> {
  const { clients, sink, topology, anyNodeAnswers } = createWriterSink(config, log);
  const circuit = createInsertCircuit(config.circuit);
  const circuitLog = log.child({ component: 'circuit' });
  circuit.onStateChange((state) => circuitLog.warn({ circuit: circuitName(state) }, `clickhouse circuit ${circuitName(state)}`));
  let directory: SpillDirectory | undefined;
  let spillFile: DuckDbSpillFile | undefined;
  if (config.spill.enabled) {
    directory = new SpillDirectory(config.spill.dir);
    spillFile = new DuckDbSpillFile(directory.ownPath(), log.child({ component: 'spill' }));
    try {
      // A file of this name is left from an earlier process with this pid: check it. Otherwise
      // the first spill creates it (and loads DuckDB); until then, only prove it could.
      if (spillFile.exists()) await spillFile.verify();
      else directory.assertWritable();
    } catch (err) {
      if (!(err instanceof SpillCorruptError)) throw err;
      const moved = directory.quarantine(spillFile.path);
      log.error({ quarantinedAs: moved, err: err.message }, 'own spill file failed its integrity check; quarantined, starting a new one');
      await spillFile.verify();
    }
  }
  const insert: InsertOptions = {
    sink: metrics === undefined ? sink : meteredSink(sink, metrics),
    retry: insertRetryPolicy({ attempts: config.worker.insertAttempts, baseDelayMs: config.worker.retryBaseMs, maxDelayMs: config.worker.retryMaxMs }),
    circuit,
    log: log.child({ component: 'batch-writer' }),
  };
  return {
    clients,
    sink,
    topology,
    circuit,
    insert,
    directory,
    spillFile,
    healthy: anyNodeAnswers,
    close: async () => {
      if (spillFile !== undefined && directory !== undefined) {
        const left = await spillFile.count().catch(() => -1);
        await spillFile.close();
        if (left === 0) directory.remove(spillFile.path); // nothing to adopt: don't leave an empty file behind
      }
      await sink.close();
    },
  };
}
