import { assertRedisReachable } from '../../queues/index.js';
import type { Config } from '../config/index.js';
import { onShutdownSignal } from '../lifecycle/on-shutdown-signal.js';
import type { Logger } from '../logger.js';
import { runWorker, type RunningWorker, type WorkerRole } from './run-worker.js';
import { attachSupervisorChannel } from './supervisor-channel.js';

/**
 * A worker process: checks Redis, runs the workers, and stops gracefully on SIGTERM/SIGINT
 * (or when the supervisor that started it goes away).
 */
export async function startWorkerProcess(config: Config, log: Logger, role: WorkerRole): Promise<RunningWorker> {
  await assertRedisReachable(config.redis);
  const worker = await runWorker(config, log, role);
  onShutdownSignal(log, () => worker.stop());
  attachSupervisorChannel(worker, log, () => process.kill(process.pid, 'SIGTERM'));
  return worker;
}
