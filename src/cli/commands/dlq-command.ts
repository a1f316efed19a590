import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { assertRedisReachable, createDeadLetterQueue, createRedisConnection } from '../../../queues/index.js';
import { AuditLog } from '../../audit/audit-log.js';
import { cliUser } from '../../audit/cli-user.js';
import { ConfigError } from '../../errors/index.js';
import { DeadLetterAdmin } from '../../dlq/dead-letter-admin.js';
import type { CliContext } from '../cli-context.js';
import { parseIntOption } from '../parse-int-option.js';

async function withAdmin<T>(context: CliContext, use: (admin: DeadLetterAdmin, audit: AuditLog) => Promise<T>): Promise<T> {
  await assertRedisReachable(context.config.redis);
  const connection = createRedisConnection(context.config, 'producer');
  const dlq = createDeadLetterQueue(context.config, connection);
  try {
    return await use(new DeadLetterAdmin(dlq), new AuditLog(connection, context.config.redis.prefix, context.config.queues.layout.stateName));
  } finally {
    await dlq.close();
    await connection.quit();
  }
}

export function registerDlqCommand(program: Command, context: () => CliContext): void {
  const dlq = program.command('dlq').description('inspect and redrive dead letters');
  dlq
    .command('list')
    .description('list parked dead letters: id, trade id, error code, attempts, time')
    .option('--limit <n>', 'how many to show', parseIntOption, 50)
    .option('--json', 'print JSON lines')
    .action(async (options: { limit: number; json?: boolean }) => {
      const ctx = context();
      await withAdmin(ctx, async (admin) => {
        const letters = await admin.list(0, options.limit);
        if (options.json) return letters.forEach((l) => ctx.print(JSON.stringify(l)));
        ctx.print(`${await admin.count()} dead letters${letters.length > 0 ? ':' : ''}`);
        for (const l of letters) ctx.print(`${l.id}  ${l.tradeId ?? '-'}  ${l.code}  attempts=${l.attempts}  ${l.failedAt}  ${l.message}`);
      });
    });
  dlq
    .command('redrive')
    .description('send dead letters back to the trades queue (dedupe makes a repeat harmless)')
    .argument('[id]', 'dead-letter id (from `dlq list`)')
    .option('--all', 'redrive every parked dead letter')
    .action(async (id: string | undefined, options: { all?: boolean }) => {
      if ((id === undefined) === !options.all) throw new ConfigError('give either a dead-letter id or --all');
      const ctx = context();
      await withAdmin(ctx, async (admin, audit) => {
        const dlqName = ctx.config.queues.dlq;
        if (id !== undefined) {
          await admin.redrive(id);
          await audit.record({ user: cliUser(), role: 'cli', action: 'redrive', target: `${dlqName}/${id}`, detail: '', via: 'cli' });
          return ctx.print(`redriven ${id}`);
        }
        const bar = new SingleBar({ format: 'redrive [{bar}] {value}/{total}', hideCursor: true }, Presets.shades_classic);
        bar.start(await admin.count(), 0);
        const done = await admin.redriveAll((n, total) => bar.update(n, { total }));
        bar.stop();
        await audit.record({ user: cliUser(), role: 'cli', action: 'redrive all', target: dlqName, detail: `${done} jobs`, via: 'cli' });
        ctx.print(`redriven ${done} dead letters`);
      });
    });
}
