import { Option, type Command } from 'commander';
import { assertRedisReachable } from '../../../queues/index.js';
import { runWorker, type WorkerRole } from '../../app/run-worker.js';
import { onShutdownSignal } from '../../lifecycle/on-shutdown-signal.js';
import type { CliContext } from '../cli-context.js';

export function registerWorkerCommand(program: Command, context: () => CliContext): void {
  program
    .command('worker')
    .description('run a sink worker (trades → ClickHouse) and the dead-letter redrive worker until SIGTERM')
    .addOption(new Option('--role <role>', 'which workers to run').choices(['all', 'sink', 'redrive']).default('all'))
    .action(async (options: { role: WorkerRole }) => {
      const { config, log } = context();
      await assertRedisReachable(config.redis.url);
      const worker = await runWorker(config, log, options.role);
      onShutdownSignal(log, () => worker.stop());
    });
}
