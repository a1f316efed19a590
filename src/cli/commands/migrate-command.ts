import type { Command } from 'commander';
import { createClickHouseClient } from '../../sinks/clickhouse/create-clickhouse-client.js';
import { migrate } from '../../sinks/clickhouse/migrator.js';
import { pingClickHouse } from '../../sinks/clickhouse/ping-clickhouse.js';
import type { CliContext } from '../cli-context.js';

export function registerMigrateCommand(program: Command, context: () => CliContext): void {
  program
    .command('migrate')
    .description('create or upgrade the ClickHouse database and tables (admin credentials); safe to run twice')
    .action(async () => {
      const { config, log, print } = context();
      const admin = createClickHouseClient(config, 'admin');
      try {
        await pingClickHouse(admin, config.clickhouse.url);
        const result = await migrate(admin, config.clickhouse.database, log.child({ component: 'migrate' }));
        print(
          result.applied.length === 0
            ? `schema of "${config.clickhouse.database}" is up to date at version ${result.to} (ClickHouse ${result.serverVersion})`
            : `migrated "${config.clickhouse.database}" from version ${result.from} to ${result.to}: ${result.applied.join(', ')}`,
        );
      } finally {
        await admin.close();
      }
    });
}
