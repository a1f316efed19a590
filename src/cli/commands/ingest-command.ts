import type { Command } from 'commander';
import { assertRedisReachable } from '../../../queues/index.js';
import { runIngest } from '../../ingest/run-ingest.js';
import { onShutdownSignal } from '../../lifecycle/on-shutdown-signal.js';
import type { CliContext } from '../cli-context.js';
import { parseIntOption } from '../parse-int-option.js';

export function registerIngestCommand(program: Command, context: () => CliContext): void {
  program
    .command('ingest')
    .description('HTTPS endpoint for engines in any language: POST NDJSON or a JSON array of signed trades to /v1/trades (runs until SIGTERM)')
    .option('--host <host>', 'address to listen on (default TRADE_SYNC_INGEST_HOST)')
    .option('--port <n>', 'port to listen on, 0 = any free port (default TRADE_SYNC_INGEST_PORT)', parseIntOption)
    .action(async (options: { host?: string; port?: number }) => {
      const { config, log, print } = context();
      await assertRedisReachable(config.redis);
      const running = await runIngest(config, log, {
        ...(options.host === undefined ? {} : { host: options.host }),
        ...(options.port === undefined ? {} : { port: options.port }),
      });
      onShutdownSignal(log, () => running.stop());
      print(`ingest listening on ${running.url}/v1/trades (mutual TLS ${running.mutualTls ? 'on' : 'off'}) → queue "${config.queues.trades}"`);
    });
}
