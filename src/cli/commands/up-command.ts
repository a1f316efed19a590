import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { createDeadLetterQueue, createRedisConnection, createTradeQueues } from '../../../queues/index.js';
import { ensureClickHouse, ensureRedis, isLocalUrl } from '../../local/ensure-services.js';
import { readStatus } from '../read-status.js';
import { environmentWith, loadConfig } from '../../config/index.js';
import { runDemo } from '../../demo/run-demo.js';
import { WORKER_NODE_ARGS } from '../../supervisor/worker-node-args.js';
import { runIngest } from '../../ingest/run-ingest.js';
import { devCertificate } from '../../local/dev-certificate.js';
import { devHmacKey } from '../../local/dev-hmac-key.js';
import { installServices } from '../../local/install-services.js';
import { Releasers } from '../../lifecycle/releasers.js';
import { TradeProducer } from '../../producer/trade-producer.js';
import { createClickHouseClient } from '../../sinks/clickhouse/create-clickhouse-client.js';
import { migrate } from '../../sinks/clickhouse/migrator.js';
import { hashPassword } from '../../../dashboard/auth/password-hash.js';
import { startDashboard } from '../../../dashboard/start-dashboard.js';
import type { CliContext } from '../cli-context.js';
import { parseIntOption } from '../parse-int-option.js';

interface UpOptions {
  readonly workers: number;
  readonly rate: number;
  readonly count: number;
  readonly pack?: number;
  readonly stateDir: string;
  readonly dryRun?: boolean;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

export function registerUpCommand(program: Command, context: () => CliContext): void {
  program
    .command('up')
    .description('run everything locally: Redis and ClickHouse (started if down), migrations, workers, HTTPS ingest, the dashboard and a demo engine')
    .option('--workers <n>', 'worker processes', parseIntOption, 2)
    .option('--rate <n>', 'demo trades per second', parseIntOption, 2_000)
    .option('--count <n>', 'demo trades in all (0 = until Ctrl-C)', parseIntOption, 0)
    .option('--pack <n>', 'demo trades per job (1 = one job per trade; default TRADE_SYNC_PACK_SIZE, 100)', parseIntOption)
    .option('--state-dir <dir>', 'where logs and a locally started ClickHouse keep their files', '.trade-sync')
    .option('--dry-run', 'print what would be installed (clickhouse-server, redis-server) and exit')
    .action(async (options: UpOptions) => {
      const base = context();
      // Install what is missing the way `npm test` does (scripts/ensure-services.sh), when the services are local.
      const local = [base.config.redis.url, base.config.clickhouse.url].some(isLocalUrl);
      if (options.dryRun) {
        if (local) await installServices({ dryRun: true, print: base.print });
        else base.print('Redis and ClickHouse are remote: nothing to install');
        return;
      }
      if (local) await installServices({ dryRun: false, print: base.print });
      const stateDir = resolve(options.stateDir);
      const logDir = join(stateDir, 'logs');
      mkdirSync(logDir, { recursive: true });
      const extraEnv: Record<string, string> = {};
      if (base.config.keyring.size === 0) {
        extraEnv.TRADE_SYNC_HMAC_KEYS = devHmacKey(stateDir);
        base.print(`no TRADE_SYNC_HMAC_KEYS set: using the development key in ${join(stateDir, 'dev-hmac-keys')}`);
      }
      let devPassword: string | undefined;
      if (base.config.dashboard.users.length === 0) {
        devPassword = randomBytes(12).toString('base64url');
        extraEnv.TRADE_SYNC_DASHBOARD_USERS = `operator:operator:${await hashPassword(devPassword)}`;
      }
      const tls = base.config.ingest.tls === undefined && !base.config.ingest.plaintext ? devCertificate(join(stateDir, 'tls')) : undefined;
      if (tls !== undefined) {
        extraEnv.TRADE_SYNC_INGEST_TLS_CERT_FILE = tls.cert;
        extraEnv.TRADE_SYNC_INGEST_TLS_KEY_FILE = tls.key;
      }
      const config = loadConfig(environmentWith(extraEnv));
      const { log, print } = base;
      const releasers = new Releasers();
      const abort = new AbortController();
      const shutdown = async () => {
        abort.abort();
        await releasers.releaseAll(log);
      };
      process.once('SIGINT', () => void shutdown().then(() => process.exit(0)));
      process.once('SIGTERM', () => void shutdown().then(() => process.exit(0)));
      try {
        const redis = await ensureRedis(config);
        if (redis) releasers.add('redis-server', redis, (r) => r.stop());
        print(`redis       ${config.redis.url}${redis ? ` (started, pid ${redis.pid})` : ''}`);
        const clickhouse = await ensureClickHouse(config, stateDir);
        if (clickhouse) releasers.add('clickhouse-server', clickhouse, (c) => c.stop());
        print(`clickhouse  ${config.clickhouse.url}${clickhouse ? ` (started, pid ${clickhouse.pid}, data in ${clickhouse.dir})` : ''}`);
        const admin = releasers.add('clickhouse-admin', createClickHouseClient(config, 'admin'), (c) => c.close());
        const migrated = await migrate(admin, config.clickhouse.database, log.child({ component: 'migrate' }));
        print(`schema      ${config.clickhouse.database} at version ${migrated.to} (ClickHouse ${migrated.serverVersion})`);
        const cliPath = process.argv[1] ?? 'bin/trade-sync.js';
        for (let i = 1; i <= options.workers; i++) {
          const out = openSync(join(logDir, `worker-${i}.log`), 'a');
          const child = spawn(process.execPath, [...WORKER_NODE_ARGS, cliPath, 'worker'], { env: environmentWith(extraEnv), stdio: ['ignore', out, out] });
          releasers.add(`worker-${i}`, child, stopChild);
        }
        print(`workers     ${options.workers} processes, logs in ${logDir}`);
        const dashboard = await startDashboard(config, log).catch((err: unknown) =>
          (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? startDashboard(config, log, { port: 0 }) : Promise.reject(err),
        );
        releasers.add('dashboard', dashboard, (d) => d.stop());
        print(`dashboard   ${dashboard.url}/  (Bull Board at /board, operations at /ops)`);
        if (devPassword !== undefined) print(`            log in as "operator" with password ${devPassword} (generated for this run; set TRADE_SYNC_DASHBOARD_USERS to keep your own)`);
        const ingest = await runIngest(config, log).catch((err: unknown) =>
          (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? runIngest(config, log, { port: 0 }) : Promise.reject(err),
        );
        releasers.add('ingest', ingest, (i) => i.stop());
        print(`ingest      ${ingest.url}/v1/trades${tls ? ` (self-signed certificate ${tls.cert})` : ''}`);
        const pack = options.pack ?? config.queues.packSize;
        print(`demo        ${options.rate} trades/s${options.count ? `, ${options.count} in all` : ' until Ctrl-C'}, ${pack === 1 ? 'one job per trade' : `signed packs of up to ${pack} trades`}`);
        print(`query       clickhouse-client --query "SELECT symbol, count() FROM ${config.clickhouse.database}.trades FINAL GROUP BY symbol"`);
        const connection = releasers.add('redis', createRedisConnection(config, 'producer'), (c) => c.quit());
        const producer = releasers.add('producer', new TradeProducer(config, connection), (p) => p.close());
        const trades = createTradeQueues(config, connection).map((q) => releasers.add(`queue ${q.name}`, q, (x) => x.close()));
        const dlq = releasers.add('dlq', createDeadLetterQueue(config, connection), (q) => q.close());
        let sent = 0;
        const ticker = setInterval(() => {
          void readStatus(config, connection, trades, admin, dlq).then((s) => {
            const ch = s.clickhouse;
            const q = s.totals;
            const circuits = [...new Set(s.workers.map((w) => w.circuit))].join('/') || '-';
            print(`published ${sent}  waiting ${q.waiting}  active ${q.active}${trades.length > 1 ? ` (${trades.length} partitions)` : ''}  in clickhouse ${ch.reachable ? (ch.rows ?? 0) : 'unreachable'}  dead letters ${s.dlqDepth}  spill ${s.spillBacklog}  circuit ${circuits}`);
          }, () => undefined);
        }, 2_000);
        releasers.add('ticker', ticker, clearInterval);
        await runDemo(producer, { rate: options.rate, count: options.count, packSize: pack, signal: abort.signal, onProgress: (n) => (sent = n) });
        if (!abort.signal.aborted) {
          print(`demo finished: ${sent} trades published; the pipeline keeps running until Ctrl-C`);
          await new Promise((done) => abort.signal.addEventListener('abort', done));
        }
      } catch (err) {
        await releasers.releaseAll(log);
        throw err;
      }
    });
}
