import type { Command } from 'commander';
import { SchemaMismatchError } from '../../errors/index.js';
import { createClickHouseClient } from '../../sinks/clickhouse/create-clickhouse-client.js';
import { migrate } from '../../sinks/clickhouse/migrator.js';
import { pingClickHouse } from '../../sinks/clickhouse/ping-clickhouse.js';
import { schemaVersionsOnNodes } from '../../sinks/clickhouse/schema-on-nodes.js';
import type { CliContext } from '../cli-context.js';

export function registerMigrateCommand(program: Command, context: () => CliContext): void {
  program
    .command('migrate')
    .description('create or upgrade the ClickHouse database and tables (admin credentials; ON CLUSTER with TRADE_SYNC_CLICKHOUSE_CLUSTER); safe to run twice')
    .action(async () => {
      const { config, log, print } = context();
      const { database, cluster, urls } = config.clickhouse;
      const admin = createClickHouseClient(config, 'admin');
      const others = cluster === undefined ? [] : urls.slice(1).map((url) => ({ url, client: createClickHouseClient(config, 'admin', url) }));
      try {
        await pingClickHouse(admin, config.clickhouse.url);
        const result = await migrate(admin, database, log.child({ component: 'migrate' }), { cluster });
        print(
          result.applied.length === 0
            ? `schema of "${database}" is up to date at version ${result.to} (ClickHouse ${result.serverVersion})`
            : `migrated "${database}" from version ${result.from} to ${result.to}: ${result.applied.join(', ')}`,
        );
        if (cluster === undefined) return;
        // Every configured node must read the version just recorded (schema_migrations is replicated).
        const nodes = await schemaVersionsOnNodes([{ url: config.clickhouse.url, client: admin }, ...others], database);
        for (const n of nodes) print(`  ${n.url}: ${'version' in n ? `schema version ${n.version}` : `not checked (${n.error})`}`);
        const behind = nodes.find((n) => 'version' in n && n.version !== result.to);
        if (behind !== undefined && 'version' in behind) throw new SchemaMismatchError(database, behind.version, result.to);
      } finally {
        await Promise.all([admin.close(), ...others.map((o) => o.client.close())]);
      }
    });
}
