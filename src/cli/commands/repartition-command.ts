import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { assertRedisReachable, createRedisConnection } from '../../../queues/index.js';
import { ConfigError, RepartitionError } from '../../errors/index.js';
import { Repartition, type Backlog } from '../repartition.js';
import type { CliContext } from '../cli-context.js';
import { parseIntOption } from '../parse-int-option.js';

const describe = (b: Backlog) =>
  `${b.jobs} job(s) in ${b.busyQueues.length} queue(s)${b.busyQueues.length > 0 ? ` (${b.busyQueues.join(', ')})` : ''} and ${b.orders} order(s) in flight`;

export function registerRepartitionCommand(program: Command, context: () => CliContext): void {
  program
    .command('repartition')
    .description('change the partition count every process must use (only once the queues and orders in flight are drained)')
    .requiredOption('--to <n>', 'the new partition count (TRADE_SYNC_PARTITIONS)', parseIntOption)
    .option('--wait', 'wait, with a progress bar, until running workers have drained the queues')
    .option('--timeout <seconds>', 'give up waiting after this long', parseIntOption, 600)
    .addHelpText(
      'after',
      '\nProcedure: stop intake (ingest, engines); keep the workers running; `trade-sync repartition --to N --wait`;\nthen restart every producer, ingest and worker with TRADE_SYNC_PARTITIONS=N (see README, "Partitions").',
    )
    .action(async (options: { to: number; wait?: boolean; timeout: number }) => {
      const { config, print } = context();
      if (options.to < 1 || options.to > 256) throw new ConfigError('--to must be 1 to 256');
      await assertRedisReachable(config.redis);
      const redis = createRedisConnection(config, 'producer');
      try {
        const repartition = new Repartition(redis, config);
        const from = await repartition.current();
        if (from === options.to) return print(`already ${from} partition(s); nothing to change`);
        let backlog = await repartition.backlog();
        if (options.wait === true) backlog = await waitForDrain(repartition, backlog, options.timeout * 1000);
        if (backlog.jobs > 0 || backlog.orders > 0) {
          throw new RepartitionError(`${describe(backlog)}: stop intake and let the workers drain them first; open orders complete or time out within TRADE_SYNC_ORDER_TIMEOUT_MS (add --wait)`);
        }
        await repartition.change(options.to);
        print(`partitions ${from} → ${options.to} recorded; now restart every producer, ingest and worker with TRADE_SYNC_PARTITIONS=${options.to}`);
      } finally {
        await redis.quit().catch(() => undefined);
      }
    });
}

async function waitForDrain(repartition: Repartition, first: Backlog, timeoutMs: number): Promise<Backlog> {
  const total = first.jobs + first.orders;
  const bar = new SingleBar({ format: 'drain [{bar}] {value}/{total} jobs and orders done', hideCursor: true }, Presets.shades_classic);
  bar.start(total, 0);
  const deadline = Date.now() + timeoutMs;
  let backlog = first;
  try {
    while ((backlog.jobs > 0 || backlog.orders > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      backlog = await repartition.backlog();
      bar.update(Math.max(0, total - backlog.jobs - backlog.orders));
    }
  } finally {
    bar.stop();
  }
  return backlog;
}
