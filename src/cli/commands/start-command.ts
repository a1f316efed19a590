import type { Command } from 'commander';
import { startSupervisorProcess } from '../../wiring/start-supervisor-process.js';
import type { CliContext } from '../cli-context.js';

export function registerStartCommand(program: Command, context: () => CliContext): void {
  program
    .command('start')
    .description('supervise worker processes per queue (desired numbers in Redis; see `scale`), restart crashed ones, serve /metrics; SIGTERM stops gracefully')
    .action(async () => {
      const { config, log, print } = context();
      const running = await startSupervisorProcess(config, log);
      const desired = Object.entries(running.supervisor.status().queues).map(([q, s]) => `${q}=${s.desired}`).join(' ');
      print(`supervisor running on ${running.supervisor.host} (pid ${process.pid}): ${desired}${running.metricsUrl ? `; metrics at ${running.metricsUrl}` : ''}`);
    });
}
