import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { assertRedisReachable } from '../../../queues/index.js';
import { runDemo } from '../../demo/run-demo.js';
import { TradeProducer } from '../../producer/trade-producer.js';
import type { CliContext } from '../cli-context.js';
import { parseIntOption } from '../parse-int-option.js';

export function registerDemoCommand(program: Command, context: () => CliContext): void {
  program
    .command('demo')
    .description('a synthetic trading engine: publishes signed partial fills at a steady rate')
    .option('--rate <n>', 'trades per second', parseIntOption, 1_000)
    .option('--count <n>', 'trades in all (0 = until Ctrl-C)', parseIntOption, 10_000)
    .option('--pack <n>', 'trades per job (1 = one job per trade; default TRADE_SYNC_PACK_SIZE, 100)', parseIntOption)
    .option('--seed <n>', 'random seed: the same seed gives the same trade ids, orders, fills and timestamps (from 2026-01-01T00:00:00Z)', parseIntOption)
    .action(async (options: { rate: number; count: number; pack?: number; seed?: number }) => {
      const { config, print } = context();
      await assertRedisReachable(config.redis);
      const producer = new TradeProducer(config);
      const abort = new AbortController();
      const stop = () => abort.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const bar = options.count > 0 ? new SingleBar({ format: 'demo [{bar}] {value}/{total} trades | {rate}/s', hideCursor: true }, Presets.shades_classic) : undefined;
      const started = performance.now();
      bar?.start(options.count, 0, { rate: 0 });
      try {
        const sent = await runDemo(producer, {
          rate: Math.max(1, options.rate),
          count: options.count,
          packSize: Math.max(1, options.pack ?? config.queues.packSize),
          ...(options.seed === undefined ? {} : { seed: options.seed }),
          signal: abort.signal,
          onProgress: (n) => bar?.update(n, { rate: Math.round(n / ((performance.now() - started) / 1000)) }),
        });
        bar?.stop();
        print(`published ${sent} trades to "${config.queues.trades}" in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      } finally {
        bar?.stop();
        await producer.close();
      }
    });
}
