import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/local/free-port.js';
import { startLocalClickHouse, type LocalClickHouse } from '../../src/local/local-clickhouse.js';
import { benchEnv } from '../lib/bench-env.js';
import { countFinal, countRows } from '../lib/clickhouse-queries.js';
import { DRAIN_POLL_MS } from '../lib/drain.js';
import { pendingJobs } from '../lib/queue-counts.js';
import type { Scenario } from '../lib/report.js';
import { withResources } from '../lib/resources.js';
import { pollUntil, perSecond } from '../lib/timing.js';
import { fillQueue, generateTrades } from '../lib/trades.js';
import { noteWarnings, verifyPipeline } from '../lib/verify.js';
import { STUCK_STOP_MS, startTradeSyncWorker } from '../lib/worker-process.js';

/**
 * A ClickHouse outage, on a clickhouse-server of this scenario's own (temp dir, free ports; the
 * shared server is never touched): `trade-sync worker` runs against it, the server is killed
 * (SIGKILL), `--packed-trades`/4 trades are published in packed jobs and spilled, the server is
 * started again, and the bench measures from the moment it answers /ping to the first replayed
 * row being queryable (goal ≤ 5 s), and to the last (the spill emptied, as a rate).
 */
export const outage: Scenario = {
  name: 'outage',
  title: 'ClickHouse outage: spill, then replay',
  async run(options, report) {
    const dir = mkdtempSync(join(tmpdir(), 'trade-sync-bench-ch-'));
    const [httpPort, tcpPort] = [await freePort(), await freePort()];
    const boot = () => startLocalClickHouse({ dir, httpPort, tcpPort });
    let server: LocalClickHouse = await boot();
    report.mark('start clickhouse');
    try {
      const { env, config } = benchEnv('outage', { TRADE_SYNC_CLICKHOUSE_URL: server.url, ...options.env });
      await withResources(config, { database: true }, report, async (r) => {
        const client = r.clickhouse as NonNullable<typeof r.clickhouse>;
        const n = Math.max(1, Math.floor(options.packedTrades / 4));
        const worker = await startTradeSyncWorker({ label: this.name, env, cpuProfDir: options.cpuProfDir });
        report.mark('start worker');
        const wait = (check: () => Promise<boolean>) => pollUntil(check, { intervalMs: DRAIN_POLL_MS, timeoutMs: options.maxWaitS * 1000 });
        try {
          await server.kill();
          await fillQueue(config, generateTrades(n), options.packSize, `${this.name}: publishing during the outage`);
          const spilled = await wait(async () => (await pendingJobs(r.trades)) === 0);
          report.expect(spilled !== undefined, `the worker did not take every job during the outage within --max-wait (${options.maxWaitS} s)`);
          report.mark('spill');
          if (spilled === undefined) return;

          server = await boot();
          const backAt = performance.now();
          const first = await wait(async () => (await countRows(client, r.database)) > 0);
          const all = await wait(async () => (await countFinal(client, r.database)) >= n);
          report.mark('replay');
          report.expect(first !== undefined && all !== undefined, `the spill was not replayed within --max-wait (${options.maxWaitS} s)`);
          if (first === undefined || all === undefined) return;
          report.figure('delay', 'replay start: ClickHouse answers → first replayed row queryable', first - backAt, 'ms');
          report.figure('replay', `${n.toLocaleString('en-US')} spilled trades: ClickHouse answers → all queryable`, perSecond(n, all - backAt), 'rows/s');
        } finally {
          const code = await worker.stop(report.problems.length > 0 ? STUCK_STOP_MS : undefined);
          report.expect(code === 0, `worker exited with ${code}`);
          noteWarnings(worker, report);
        }
        await verifyPipeline(r, n, report);
      });
    } finally {
      await server.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
