import type { Command } from 'commander';
import { assertRedisReachable } from '../../../queues/index.js';
import { hashPassword } from '../../../dashboard/auth/password-hash.js';
import { startDashboard } from '../../../dashboard/start-dashboard.js';
import { ConfigError } from '../../errors/index.js';
import { onShutdownSignal } from '../../lifecycle/on-shutdown-signal.js';
import type { CliContext } from '../cli-context.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export function registerDashboardCommand(program: Command, context: () => CliContext): void {
  const dashboard = program
    .command('dashboard')
    .description('serve the operator dashboard: Bull Board with login and roles, the operations page (TRADE_SYNC_DASHBOARD_*)')
    .action(async () => {
      const { config, log, print } = context();
      await assertRedisReachable(config.redis);
      const running = await startDashboard(config, log);
      onShutdownSignal(log, () => running.stop());
      print(`dashboard at ${running.url}/ (Bull Board at /board, operations at /ops)`);
    });
  dashboard
    .command('hash-password')
    .description('read a password on stdin and print its scrypt hash for TRADE_SYNC_DASHBOARD_USERS (name:role:hash)')
    .action(async () => {
      const password = await readStdin();
      if (password.length < 12) throw new ConfigError('the password must have at least 12 characters');
      process.stdout.write(`${await hashPassword(password)}\n`);
    });
}
