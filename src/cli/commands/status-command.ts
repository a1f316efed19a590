import type { Command } from 'commander';
import { LayoutRecord } from '../../partitions/layout-record.js';
import { assertRedisReachable, createDeadLetterQueue, createRedisConnection, createTradeQueues } from '../../../queues/index.js';
import { renderTable } from '../render-table.js';
import { readStatus, type PipelineStatus } from '../read-status.js';
import { REDRIVE_CONCURRENCY } from '../../dlq/redrive-consumer.js';
import type { WorkerReport } from '../../lifecycle/worker-heartbeat.js';
import { createClickHouseClient } from '../../sinks/clickhouse/create-clickhouse-client.js';
import type { CliContext } from '../cli-context.js';

/** What a worker process does, at the concurrency each of its roles really runs at. */
export function workerRoles(w: Pick<WorkerReport, 'role' | 'concurrency' | 'partitions'>): string {
  const partitions = w.partitions === undefined ? '' : ` partitions ${w.partitions.join(',')}`;
  const sink = `sink (trades queue${partitions}) concurrency ${w.concurrency}`;
  const redrive = `redrive (dead-letter queue) concurrency ${REDRIVE_CONCURRENCY}`;
  return w.role === 'sink' ? sink : w.role === 'redrive' ? redrive : `${sink} + ${redrive}`;
}

function workerLine(w: WorkerReport): string {
  const age = `${Math.round(w.ageMs / 1000)} s ago`;
  const mark = w.gone ? `GONE (pid not running; last report ${age}) ` : w.stale ? `STALE (no heartbeat for ${age}) ` : '';
  const sink = w.role === 'redrive' ? '' : ` circuit ${w.circuit} → ${w.clickhouseUrl || '-'} spill ${w.spillBacklog}${w.stale ? ` (as of ${age})` : ''}`;
  return `${w.host}:${w.pid} ${mark}${workerRoles(w)}${sink} since ${w.startedAt}`;
}

/** One row per partition, a totals row, the DLQ: counts and the worker processes on each. */
function queueTable(status: PipelineStatus): string[] {
  const row = (partition: string, name: string, c: Readonly<Record<string, number>>, workers: number) =>
    [partition, name, c.waiting ?? 0, c.active ?? 0, c.delayed ?? 0, c.failed ?? 0, c.completed ?? 0, workers];
  const rows = status.partitions.map((p) => row(String(p.partition), p.name, p.counts, p.workers));
  if (status.partitions.length > 1) rows.push(row('all', 'total', status.totals, status.totals.workers));
  rows.push(row('-', status.dlq.name, status.dlq.counts, status.dlq.workers));
  return renderTable(['partition', 'queue', 'waiting', 'active', 'delayed', 'failed', 'completed', 'workers'], rows);
}

export function renderStatus(status: PipelineStatus): string[] {
  const lines = queueTable(status);
  lines.push(`dead letters     ${status.dlqDepth}`);
  const gone = status.workers.filter((w) => w.gone).length;
  const stale = status.workers.filter((w) => w.stale && !w.gone).length;
  const notes = [gone > 0 ? `${gone} gone process(es) left out` : '', stale > 0 ? `${stale} stale report(s) included as last heard` : ''].filter((n) => n !== '');
  lines.push(`spill backlog    ${status.spillBacklog} rows${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`);
  lines.push(`orders           ${status.orders.pending} waiting for fills, ${status.orders.incomplete} committed incomplete (${status.orders.incompleteTotal} incomplete commits in all)`);
  lines.push(`versions         trade message ≤ ${status.versions.tradeMessage}, ClickHouse schema ${status.versions.clickhouse}, spill schema ${status.versions.spill}`);
  for (const w of status.workers) lines.push(`worker           ${workerLine(w)}`);
  if (status.workers.length === 0) lines.push('workers          none running');
  const ch = status.clickhouse;
  lines.push(
    ch.reachable
      ? `clickhouse       ${ch.version}, schema version ${ch.schemaVersion} (code needs ${ch.expectedSchemaVersion}), ${ch.rows ?? 0} trades`
      : `clickhouse       unreachable: ${ch.error}`,
  );
  return lines;
}

export function registerStatusCommand(program: Command, context: () => CliContext): void {
  program
    .command('status')
    .description('job counts and worker processes per partition (and in total), dead-letter depth, ClickHouse version, schema version and row count')
    .option('--json', 'print JSON instead of text')
    .action(async (options: { json?: boolean }) => {
      const { config, print } = context();
      await assertRedisReachable(config.redis);
      const connection = createRedisConnection(config, 'producer');
      const trades = createTradeQueues(config, connection);
      const dlq = createDeadLetterQueue(config, connection);
      const client = createClickHouseClient(config, 'admin');
      try {
        await new LayoutRecord(connection, config).check(config);
        const status = await readStatus(config, connection, trades, client, dlq);
        if (options.json) print(JSON.stringify(status, null, 2));
        else renderStatus(status).forEach((line) => print(line));
      } finally {
        await Promise.all([...trades.map((q) => q.close()), dlq.close(), client.close()]);
        await connection.quit();
      }
    });
}
