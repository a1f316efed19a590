import type { Command } from 'commander';
import { assertRedisReachable, createRedisConnection } from '../../../queues/index.js';
import { AuditLog } from '../../audit/audit-log.js';
import { cliUser } from '../../audit/cli-user.js';
import { ConfigError, SupervisorError } from '../../errors/index.js';
import { DesiredState } from '../../supervisor/desired-state.js';
import { readSupervisorStatuses, type SupervisorStatus } from '../../supervisor/supervisor-status.js';
import type { CliContext } from '../cli-context.js';
import { parseIntOption } from '../parse-int-option.js';

function done(status: SupervisorStatus, generation: number): boolean {
  return status.generation >= generation && !status.rolling.inProgress && Object.values(status.queues).every((q) => q.processes.every((p) => p.generation >= generation));
}

export function registerRestartCommand(program: Command, context: () => CliContext): void {
  program
    .command('restart')
    .description('replace every supervised worker process, one at a time (start new, wait until ready, stop old gracefully), on every host')
    .requiredOption('--rolling', 'one process at a time, so no job is lost or stuck (the only mode)')
    .option('--timeout <s>', 'give up waiting after this many seconds', parseIntOption, 600)
    .action(async (options: { rolling?: boolean; timeout: number }) => {
      if (!options.rolling) throw new ConfigError('only --rolling restarts are supported');
      const { config, print } = context();
      await assertRedisReachable(config.redis);
      const redis = createRedisConnection(config, 'producer');
      try {
        const { prefix } = config.redis;
        const supervisors = await readSupervisorStatuses(redis, prefix, config.queues.layout.stateName);
        if (supervisors.length === 0) throw new SupervisorError('ROLLING_RESTART_FAILED', 'no supervisor is running (start one with `trade-sync start`)');
        const generation = await new DesiredState(redis, prefix, config.queues.layout.stateName).requestRollingRestart();
        await new AuditLog(redis, prefix, config.queues.layout.stateName).record({ user: cliUser(), role: 'cli', action: 'rolling restart', target: config.queues.trades, detail: `generation ${generation} on ${supervisors.length} supervisor(s)`, via: 'cli' });
        print(`rolling restart to generation ${generation} on ${supervisors.length} supervisor(s)`);
        const deadline = Date.now() + options.timeout * 1000;
        let reported = '';
        for (;;) {
          const statuses = await readSupervisorStatuses(redis, prefix, config.queues.layout.stateName);
          const failed = statuses.find((s) => s.rolling.lastError !== null && !s.rolling.inProgress && s.generation < generation);
          if (failed) throw new SupervisorError('ROLLING_RESTART_FAILED', `${failed.host}:${failed.pid}: ${failed.rolling.lastError}`);
          const finished = statuses.filter((s) => done(s, generation)).length;
          const line = `${finished}/${statuses.length} supervisor(s) done`;
          if (line !== reported) print((reported = line));
          if (statuses.length > 0 && finished === statuses.length) break;
          if (Date.now() > deadline) throw new SupervisorError('ROLLING_RESTART_FAILED', `not finished after ${options.timeout} s (${line})`);
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
        print(`rolling restart done: every process runs generation ${generation}`);
      } finally {
        await redis.quit();
      }
    });
}
