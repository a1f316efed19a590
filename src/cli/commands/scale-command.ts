import type { Command } from 'commander';
import { assertRedisReachable, createRedisConnection } from '../../../queues/index.js';
import { AuditLog } from '../../audit/audit-log.js';
import { LayoutRecord } from '../../partitions/layout-record.js';
import { cliUser } from '../../audit/cli-user.js';
import { ConfigError } from '../../errors/index.js';
import { DesiredState } from '../../supervisor/desired-state.js';
import { resolveScaleTarget } from '../../supervisor/scalable-units.js';
import type { CliContext } from '../cli-context.js';
import { parseIntOption } from '../parse-int-option.js';

export function registerScaleCommand(program: Command, context: () => CliContext): void {
  program
    .command('scale')
    .description('set how many worker processes each supervisor runs for a queue, per partition (shared in Redis; supervisors follow within a second)')
    .argument('<queue>', 'the trades queue (sink workers; every partition, or those of --partitions), one partition as <trades>.<i>, or the dead-letter queue (redrive workers)')
    .argument('<n>', 'processes per supervisor host (per partition for the trades queue)', parseIntOption)
    .option('--partitions <list>', 'only these partitions of the trades queue, e.g. 0-1,3 (default: every one)')
    .action(async (queue: string, n: number, options: { partitions?: string }) => {
      const { config, print } = context();
      const units = resolveScaleTarget(config, queue, options.partitions);
      if (n > 999) throw new ConfigError('at most 999 processes per queue and host');
      await assertRedisReachable(config.redis);
      const redis = createRedisConnection(config, 'producer');
      try {
        await new LayoutRecord(redis, config).check(config);
        const names = units.map((u) => u.name);
        await new DesiredState(redis, config.redis.prefix, config.queues.layout.stateName).setMany(names, n);
        await new AuditLog(redis, config.redis.prefix, config.queues.layout.stateName).record({
          user: cliUser(),
          role: 'cli',
          action: 'scale',
          target: names.join(', '),
          detail: `${n} process(es) per supervisor host${units.length > 1 ? ' each' : ''}`,
          via: 'cli',
        });
        for (const u of units) print(`${u.name}: ${n} ${u.role} process${n === 1 ? '' : 'es'} per supervisor host`);
      } finally {
        await redis.quit();
      }
    });
}
