import { Command, CommanderError } from 'commander';
import { createCliContext, type CliContext } from './cli-context.js';
import { formatCliError } from '../errors/format-cli-error.js';

let context: CliContext | undefined;
/** The config is parsed once, when the first command needs it (so `--help` works without one). */
const getContext = (): CliContext => (context ??= createCliContext());

const program = new Command('trade-sync')
  .description('trades from BullMQ into ClickHouse: batched, deduped, ordered, exactly once')
  .exitOverride();

type Register = (program: Command, context: () => CliContext) => void;

/**
 * Each command module imports what its command runs (Express for the dashboard, DuckDB for
 * spill queries...). A process runs one command, so only that module is loaded: a worker
 * process does not carry the dashboard. Help, or a name that is not a command, loads them all.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  up: async () => (await import('./commands/up-command.js')).registerUpCommand,
  worker: async () => (await import('./commands/worker-command.js')).registerWorkerCommand,
  ingest: async () => (await import('./commands/ingest-command.js')).registerIngestCommand,
  migrate: async () => (await import('./commands/migrate-command.js')).registerMigrateCommand,
  demo: async () => (await import('./commands/demo-command.js')).registerDemoCommand,
  status: async () => (await import('./commands/status-command.js')).registerStatusCommand,
  dlq: async () => (await import('./commands/dlq-command.js')).registerDlqCommand,
  spill: async () => (await import('./commands/spill-command.js')).registerSpillCommand,
  drain: async () => (await import('./commands/drain-command.js')).registerDrainCommand,
  start: async () => (await import('./commands/start-command.js')).registerStartCommand,
  scale: async () => (await import('./commands/scale-command.js')).registerScaleCommand,
  restart: async () => (await import('./commands/restart-command.js')).registerRestartCommand,
  dashboard: async () => (await import('./commands/dashboard-command.js')).registerDashboardCommand,
  reconcile: async () => (await import('./commands/reconcile-command.js')).registerReconcileCommand,
  repartition: async () => (await import('./commands/repartition-command.js')).registerRepartitionCommand,
};

const invoked = process.argv[2];
const wanted = invoked !== undefined && Object.hasOwn(COMMANDS, invoked) ? [invoked] : Object.keys(COMMANDS);
for (const register of await Promise.all(wanted.map((name) => (COMMANDS[name] as () => Promise<Register>)()))) register(program, getContext);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError && (err.exitCode === 0 || err.code === 'commander.help' || err.code === 'commander.helpDisplayed' || err.code === 'commander.version')) {
    process.exit(err.exitCode);
  }
  if (!(err instanceof CommanderError)) process.stderr.write(`${formatCliError(err)}\n`);
  process.exit(err instanceof CommanderError ? err.exitCode || 2 : 1);
}
