import { Command, CommanderError } from 'commander';
import { createCliContext, type CliContext } from './cli-context.js';
import { registerDemoCommand } from './commands/demo-command.js';
import { registerDlqCommand } from './commands/dlq-command.js';
import { registerDrainCommand } from './commands/drain-command.js';
import { registerIngestCommand } from './commands/ingest-command.js';
import { registerMigrateCommand } from './commands/migrate-command.js';
import { registerSpillCommand } from './commands/spill-command.js';
import { registerStatusCommand } from './commands/status-command.js';
import { registerUpCommand } from './commands/up-command.js';
import { registerStartCommand } from './commands/start-command.js';
import { registerScaleCommand } from './commands/scale-command.js';
import { registerRestartCommand } from './commands/restart-command.js';
import { registerDashboardCommand } from './commands/dashboard-command.js';
import { registerWorkerCommand } from './commands/worker-command.js';
import { formatCliError } from './format-cli-error.js';

let context: CliContext | undefined;
/** The config is parsed once, when the first command needs it (so `--help` works without one). */
const getContext = (): CliContext => (context ??= createCliContext());

const program = new Command('trade-sync')
  .description('trades from BullMQ into ClickHouse: batched, deduped, ordered, exactly once')
  .exitOverride();
registerUpCommand(program, getContext);
registerWorkerCommand(program, getContext);
registerIngestCommand(program, getContext);
registerMigrateCommand(program, getContext);
registerDemoCommand(program, getContext);
registerStatusCommand(program, getContext);
registerDlqCommand(program, getContext);
registerSpillCommand(program, getContext);
registerDrainCommand(program, getContext);
registerStartCommand(program, getContext);
registerScaleCommand(program, getContext);
registerRestartCommand(program, getContext);
registerDashboardCommand(program, getContext);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError && (err.exitCode === 0 || err.code === 'commander.help' || err.code === 'commander.helpDisplayed' || err.code === 'commander.version')) {
    process.exit(err.exitCode);
  }
  if (!(err instanceof CommanderError)) process.stderr.write(`${formatCliError(err)}\n`);
  process.exit(err instanceof CommanderError ? err.exitCode || 2 : 1);
}
