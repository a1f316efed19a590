import { Option, type Command } from 'commander';
import { environmentWith, loadConfig } from '../../config/index.js';
import type { WorkerRole } from '../../supervisor/worker-role.js';
import { startWorkerProcess } from '../../wiring/start-worker-process.js';
import type { CliContext } from '../cli-context.js';

export function registerWorkerCommand(program: Command, context: () => CliContext): void {
  program
    .command('worker')
    .description('run a sink worker (trades → ClickHouse, spill, replay) and the dead-letter redrive worker until SIGTERM')
    .addOption(new Option('--role <role>', 'which workers to run').choices(['all', 'sink', 'redrive']).default('all'))
    .option('--partitions <list>', 'partitions the sink takes, e.g. 0-3,6 (TRADE_SYNC_WORKER_PARTITIONS; default: every one)')
    .action(async (options: { role: WorkerRole; partitions?: string }) => {
      const { log } = context();
      const config = options.partitions === undefined ? context().config : loadConfig(environmentWith({ TRADE_SYNC_WORKER_PARTITIONS: options.partitions }));
      await startWorkerProcess(config, log, options.role);
    });
}
