import type { WorkerRole } from './worker-role.js';
import type { Config } from '../config/index.js';

/** Which worker role serves each queue the supervisor can scale: sink workers for trades, redrive for the DLQ. */
export function queueRoles(config: Config): ReadonlyMap<string, WorkerRole> {
  return new Map<string, WorkerRole>([
    [config.queues.trades, 'sink'],
    [config.queues.dlq, 'redrive'],
  ]);
}
