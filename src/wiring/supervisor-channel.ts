import type { Logger } from '../logger.js';
import { isCollectMetricsMessage, type MetricsMessage, type ReadyMessage } from '../supervisor/ipc-messages.js';
import type { RunningWorker } from './run-worker.js';

/**
 * When this worker process was started by `trade-sync start` (an IPC channel exists): reports
 * readiness, answers metric collections, and stops gracefully if the supervisor goes away.
 * Does nothing in a process started any other way.
 */
export function attachSupervisorChannel(worker: RunningWorker, log: Logger, stop: () => void): void {
  if (typeof process.send !== 'function') return;
  const send = (message: ReadyMessage | MetricsMessage) => {
    if (process.connected) process.send?.(message);
  };
  process.on('message', (message: unknown) => {
    if (!isCollectMetricsMessage(message)) return;
    worker.collectMetrics().then(
      (metrics) => send({ type: 'trade-sync:metrics', id: message.id, metrics }),
      (err: unknown) => log.warn({ err: (err as Error).message }, 'cannot collect metrics'),
    );
  });
  process.once('disconnect', () => {
    log.warn({ component: 'worker' }, 'supervisor is gone; stopping gracefully');
    stop();
  });
  send({ type: 'trade-sync:ready', pid: process.pid });
}
