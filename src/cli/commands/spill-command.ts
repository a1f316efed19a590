import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, SpillError } from '../../errors/index.js';
import { withAttachedSpills } from '../../spill/attached-spills.js';
import { backupSpill, restoreSpill } from '../../spill/spill-backup.js';
import { SpillDirectory } from '../../spill/spill-directory.js';
import type { CliContext } from '../cli-context.js';
import { renderTable } from '../render-table.js';
import { firstLine } from '../../errors/first-line.js';

function backupKey(context: CliContext): Buffer {
  const key = context.config.spill.backupKey;
  if (key === undefined) throw new ConfigError('set TRADE_SYNC_BACKUP_KEY (32 bytes as 64 hex digits or base64) or TRADE_SYNC_BACKUP_KEY_FILE');
  return key;
}

const jsonValue = (_: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);

export function registerSpillCommand(program: Command, context: () => CliContext): void {
  const spill = program.command('spill').description('query, back up and restore the DuckDB spill (trades held while ClickHouse was down)');
  spill
    .command('query')
    .description('run read-only SQL over every spill file; the view `trades` has one row per spilled trade')
    .argument('<sql>', 'e.g. "SELECT symbol, count(*) AS n, sum(qty) AS qty FROM trades GROUP BY symbol ORDER BY n DESC"')
    .option('--json', 'print one JSON object per row')
    .action(async (sql: string, options: { json?: boolean }) => {
      const { config, print } = context();
      await withAttachedSpills(new SpillDirectory(config.spill.dir), async (c) => {
        let columns: string[];
        let rows: unknown[][];
        try {
          const result = await c.runAndReadAll(sql);
          columns = result.columnNames();
          rows = result.getRowsJson() as unknown[][]; // exact: decimals and big integers as text
        } catch (err) {
          throw new SpillError('SPILL_QUERY_FAILED', firstLine(err), err);
        }
        if (options.json) rows.forEach((r) => print(JSON.stringify(Object.fromEntries(columns.map((col, i) => [col, r[i]])), jsonValue)));
        else renderTable(columns, rows).forEach((line) => print(line));
      });
    });
  spill
    .command('backup')
    .description('write every spilled row to FILE, encrypted and authenticated (AES-256-GCM, TRADE_SYNC_BACKUP_KEY)')
    .argument('<file>', 'where to write the backup')
    .action(async (file: string) => {
      const ctx = context();
      const rows = await backupSpill(new SpillDirectory(ctx.config.spill.dir), backupKey(ctx), resolve(file));
      ctx.print(`backed up ${rows} spilled rows to ${resolve(file)}`);
    });
  spill
    .command('restore')
    .description('verify and decrypt a backup into the spill directory; workers (or `trade-sync drain`) replay it')
    .argument('<file>', 'a file written by `trade-sync spill backup`')
    .action(async (file: string) => {
      const ctx = context();
      const restored = await restoreSpill(new SpillDirectory(ctx.config.spill.dir), backupKey(ctx), resolve(file), ctx.log);
      ctx.print(`restored ${restored.rows} rows into ${restored.path}; run \`trade-sync drain\` or let a worker replay them`);
    });
}
