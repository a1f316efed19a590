import { Option, type Command } from 'commander';
import type { WorkerRole } from '../../supervisor/worker-role.js';
import { startWorkerProcess } from '../../wiring/start-worker-process.js';
import type { CliContext } from '../cli-context.js';

export function registerWorkerCommand(program: Command, context: () => CliContext): void {
  program
    .command('worker')
    .description('run a sink worker (trades → ClickHouse, spill, replay) and the dead-letter redrive worker until SIGTERM')
    .addOption(new Option('--role <role>', 'which workers to run').choices(['all', 'sink', 'redrive']).default('all'))
    .action(async (options: { role: WorkerRole }) => {
      const { config, log } = context();
      await startWorkerProcess(config, log, options.role);
    });
}
