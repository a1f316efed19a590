import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { assertRedisReachable, createDeadLetterQueue, createRedisConnection } from '../../../queues/index.js';
import { createWriterSink } from '../../wiring/create-writer-sink.js';
import { ClickHouseError } from '../../errors/index.js';
import { withAttachedSpills } from '../../spill/attached-spills.js';
import { SpillDirectory } from '../../spill/spill-directory.js';
import { SpillReplayer } from '../../spill/spill-replayer.js';
import type { CliContext } from '../cli-context.js';
import { replayTarget } from '../../spill/replay-target.js';
import { firstLine } from '../../errors/first-line.js';

export function registerDrainCommand(program: Command, context: () => CliContext): void {
  program
    .command('drain')
    .description('replay the spill into ClickHouse now: unowned files (dead workers, restored backups) are drained and removed')
    .action(async () => {
      const { config, log, print } = context();
      await assertRedisReachable(config.redis);
      const directory = new SpillDirectory(config.spill.dir);
      // The total only feeds the progress bar: a file that cannot be attached (corrupt) must not stop
      // the drain, the replayer quarantines it and drains the other files.
      const total = await withAttachedSpills(directory, async (c) => Number((await c.runAndReadAll('SELECT count(*) FROM trades')).getRowsJS()[0]?.[0] ?? 0)).catch(
        (err: unknown) => {
          log.warn({ err: firstLine(err) }, 'cannot count the spilled rows up front; draining anyway');
          return 0;
        },
      );
      const { sink, anyNodeAnswers } = createWriterSink(config, log);
      const connection = createRedisConnection(config, 'producer');
      const dlq = createDeadLetterQueue(config, connection);
      const bar = new SingleBar({ format: 'drain [{bar}] {value}/{total} rows', hideCursor: true }, Presets.shades_classic);
      try {
        if (!(await anyNodeAnswers())) {
          throw new ClickHouseError('CLICKHOUSE_UNAVAILABLE', `no ClickHouse node answers (${config.clickhouse.urls.join(', ')}); the spill is kept`);
        }
        bar.start(total, 0);
        const replayer = new SpillReplayer({
          directory,
          own: undefined,
          insert: replayTarget(config, sink, dlq, log),
          healthy: async () => true,
          batchRows: config.spill.replayBatchRows,
          intervalMs: config.spill.replayIntervalMs,
          log,
        });
        const replayed = await replayer.replayNow((n) => bar.update(n));
        bar.stop();
        const left = directory.list().length;
        print(`replayed ${replayed} spilled rows into ClickHouse${left > 0 ? `; ${left} spill file(s) of live workers remain (they replay their own)` : ''}`);
      } finally {
        bar.stop();
        await sink.close();
        await dlq.close();
        await connection.quit();
      }
    });
}
