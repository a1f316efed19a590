import type { Config } from '../config/index.js';
import { SupervisorError } from '../errors/index.js';
import { parsePartitionList } from '../partitions/partition-layout.js';
import type { WorkerRole } from './worker-role.js';

/**
 * One thing the supervisor scales: the sink processes of one partition, or the redrive
 * processes of the dead-letter queue. Desired state, supervisor status, `scale`, `status`, the
 * ops page and the supervisor's metrics all name it by `name`.
 */
export interface ScalableUnit {
  /**
   * `trades` with one partition (today's name), `trades.0` … `trades.N-1` with N partitions (the
   * BullMQ name `{trades.i}` without its hash tag), and the configured DLQ name (`trades-dlq`).
   */
  readonly name: string;
  readonly role: WorkerRole;
  /** The configured queue it belongs to (TRADE_SYNC_QUEUE or TRADE_SYNC_DLQ): the `queue` metric label. */
  readonly queue: string;
  /** The BullMQ queue its processes consume. */
  readonly bullQueue: string;
  /** The partition a sink unit takes; undefined for the DLQ. */
  readonly partition: number | undefined;
  /** What the supervisor passes after `trade-sync worker`. */
  readonly workerArgs: readonly string[];
}

/** The name of partition `p`'s sink unit: the trades queue's own name when there is one partition. */
export function partitionUnitName(config: Config, p: number): string {
  return config.queues.layout.count === 1 ? config.queues.trades : `${config.queues.trades}.${p}`;
}

/** Every unit of this layout: one sink unit per partition, then the DLQ's. */
export function scalableUnits(config: Config): ScalableUnit[] {
  const { layout, trades, dlq } = config.queues;
  const sinks = layout.tradeQueues.map((bullQueue, p): ScalableUnit => ({
    name: partitionUnitName(config, p),
    role: 'sink',
    queue: trades,
    bullQueue,
    partition: p,
    // One partition: exactly today's command line. Otherwise each process takes its own partition.
    workerArgs: layout.count === 1 ? ['--role', 'sink'] : ['--role', 'sink', '--partitions', String(p)],
  }));
  return [...sinks, { name: dlq, role: 'redrive', queue: dlq, bullQueue: layout.dlqQueue, partition: undefined, workerArgs: ['--role', 'redrive'] }];
}

/** The units by name. */
export function unitsByName(config: Config): ReadonlyMap<string, ScalableUnit> {
  return new Map(scalableUnits(config).map((u) => [u.name, u]));
}

/**
 * What `scale <queue> [--partitions list]` acts on: the trades queue means every partition (or
 * the listed ones), a unit name (`trades.3`, `trades-dlq`) itself. Anything else, or a
 * partition list on the DLQ, is QUEUE_UNKNOWN.
 */
export function resolveScaleTarget(config: Config, queue: string, partitions?: string): ScalableUnit[] {
  const units = scalableUnits(config);
  const names = [config.queues.trades, ...units.map((u) => u.name)].filter((n, i, all) => all.indexOf(n) === i);
  if (queue === config.queues.trades) {
    let chosen: number[];
    try {
      chosen = parsePartitionList(partitions, config.queues.layout.count);
    } catch (err) {
      throw new SupervisorError('QUEUE_UNKNOWN', `--partitions: ${(err as Error).message}`);
    }
    return units.filter((u) => u.partition !== undefined && chosen.includes(u.partition));
  }
  const unit = units.find((u) => u.name === queue);
  if (unit === undefined) throw new SupervisorError('QUEUE_UNKNOWN', `no worker serves queue "${queue}"; scale one of: ${names.join(', ')}`);
  if (partitions !== undefined) throw new SupervisorError('QUEUE_UNKNOWN', `--partitions applies to ${config.queues.trades} only, not to ${queue}`);
  return [unit];
}

/**
 * The desired numbers a supervisor seeds where none is stored, from TRADE_SYNC_SUPERVISOR_PROCESSES
 * (`trades:2` = 2 per partition; `trades.3:4` for one partition). A new partition unit of a
 * running setup starts from the number stored for the trades queue as a whole (a layout of one
 * partition stored it under that name), so repartitioning keeps the per-partition count.
 */
export function seedProcesses(config: Config, stored: Readonly<Record<string, number>>): Record<string, number> {
  const configured = config.supervisor.processes;
  const seed: Record<string, number> = {};
  for (const unit of scalableUnits(config)) {
    seed[unit.name] = configured[unit.name] ?? stored[unit.queue] ?? configured[unit.queue] ?? 1;
  }
  return seed;
}
