import { assertRedisReachable } from '../../queues/index.js';
import type { Config } from '../config/index.js';
import { onShutdownSignal } from '../lifecycle/on-shutdown-signal.js';
import type { Logger } from '../logger.js';
import type { WorkerRole } from '../supervisor/worker-role.js';
import { runWorker, type RunningWorker } from './run-worker.js';
import { attachSupervisorChannel } from './supervisor-channel.js';

/** Time past TRADE_SYNC_SHUTDOWN_TIMEOUT_MS for closing queues, connections and the spill before a worker process exits anyway. */
const RELEASE_MARGIN_MS = 10_000;

/**
 * A worker process: checks Redis, runs the workers, and stops gracefully on SIGTERM/SIGINT
 * (or when the supervisor that started it goes away).
 */
export async function startWorkerProcess(config: Config, log: Logger, role: WorkerRole): Promise<RunningWorker> {
  await assertRedisReachable(config.redis);
  const worker = await runWorker(config, log, role);
  // The sink worker hands unfinished jobs back at shutdownTimeoutMs; the rest of the release gets a few seconds more.
  onShutdownSignal(log, () => worker.stop(), config.worker.shutdownTimeoutMs + RELEASE_MARGIN_MS);
  attachSupervisorChannel(worker, log, () => process.kill(process.pid, 'SIGTERM'));
  return worker;
}
