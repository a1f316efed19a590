import type { Command } from 'commander';
import { assertRedisReachable, createRedisConnection } from '../../../queues/index.js';
import { AuditLog } from '../../audit/audit-log.js';
import { cliUser } from '../../audit/cli-user.js';
import { ConfigError, SupervisorError } from '../../errors/index.js';
import { DesiredState } from '../../supervisor/desired-state.js';
import { queueRoles } from '../../supervisor/queue-roles.js';
import type { CliContext } from '../cli-context.js';
import { parseIntOption } from '../parse-int-option.js';

export function registerScaleCommand(program: Command, context: () => CliContext): void {
  program
    .command('scale')
    .description('set how many worker processes each supervisor runs for a queue (shared in Redis; supervisors follow within a second)')
    .argument('<queue>', 'the trades queue (sink workers) or the dead-letter queue (redrive workers)')
    .argument('<n>', 'processes per supervisor host', parseIntOption)
    .action(async (queue: string, n: number) => {
      const { config, print } = context();
      const roles = queueRoles(config);
      if (!roles.has(queue)) throw new SupervisorError('QUEUE_UNKNOWN', `no worker serves queue "${queue}"; scale one of: ${[...roles.keys()].join(', ')}`);
      if (n > 999) throw new ConfigError('at most 999 processes per queue and host');
      await assertRedisReachable(config.redis);
      const redis = createRedisConnection(config, 'producer');
      try {
        await new DesiredState(redis, config.redis.prefix, config.queues.layout.stateName).set(queue, n);
        await new AuditLog(redis, config.redis.prefix, config.queues.layout.stateName).record({ user: cliUser(), role: 'cli', action: 'scale', target: queue, detail: `${n} process(es) per supervisor host`, via: 'cli' });
        print(`${queue}: ${n} ${roles.get(queue)} process${n === 1 ? '' : 'es'} per supervisor host`);
      } finally {
        await redis.quit();
      }
    });
}
