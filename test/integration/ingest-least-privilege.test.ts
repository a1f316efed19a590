import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import type { ClickHouseClient } from '@clickhouse/client';
import { runWorker } from '../../src/wiring/run-worker.js';
import { TradeSyncError } from '../../src/errors/index.js';
import { createLogger } from '../../src/logger.js';
import { TradeProducer } from '../../src/producer/trade-producer.js';
import { createClickHouseClient } from '../../src/sinks/clickhouse/create-clickhouse-client.js';
import { migrate } from '../../src/sinks/clickhouse/migrator.js';
import { assertSchemaVersion } from '../../src/sinks/clickhouse/schema-version.js';
import { countTrades, migratedDatabase } from '../helpers/clickhouse-helpers.js';
import { makeTestCerts, tempDir } from '../helpers/ingest-fixture.js';
import { onCleanup } from '../helpers/on-cleanup.js';
import { testQueues } from '../helpers/queue-helpers.js';
import { startTlsClickHouse } from '../helpers/tls-clickhouse.js';
import { testConfig, testEnv } from '../helpers/test-env.js';
import { makeTrade } from '../helpers/trade-factory.js';
import { waitFor } from '../helpers/wait-for.js';

/** The client as an INSERT-only writer sees it on current ClickHouse: schema_migrations and system.tables are denied. */
function insertOnlyView(client: ClickHouseClient): ClickHouseClient {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'query') {
        return async (params: Parameters<ClickHouseClient['query']>[0]) => {
          if (/schema_migrations|system\.tables/.test(params.query)) {
            throw Object.assign(new Error('Code: 497. DB::Exception: trade_sync_writer: Not enough privileges.'), { code: '497', type: 'ACCESS_DENIED' });
          }
          return target.query(params);
        };
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

test('the start-up schema check works for an INSERT-only writer: DESCRIBE of the trades table instead of schema_migrations', async (t) => {
  const config = testConfig();
  onCleanup(t, () => rmSync(config.spill.dir, { recursive: true, force: true }));
  const database = config.clickhouse.database;
  const writer = insertOnlyView(createClickHouseClient(config, 'writer'));
  onCleanup(t, () => writer.close());

  await assert.rejects(assertSchemaVersion(writer, database), (err: unknown) => err instanceof TradeSyncError && err.code === 'CLICKHOUSE_SCHEMA_MISMATCH' && /does not exist: run `trade-sync migrate`/.test(err.message));
  const db = await migratedDatabase(config);
  onCleanup(t, () => db.drop());
  await assertSchemaVersion(writer, database); // passes without reading schema_migrations
  await db.client.command({ query: `ALTER TABLE ${database}.trades DROP COLUMN kid` });
  await assert.rejects(assertSchemaVersion(writer, database), (err: unknown) => err instanceof TradeSyncError && err.code === 'CLICKHOUSE_SCHEMA_MISMATCH' && /lacks column\(s\) kid/.test(err.message));
});

test('old servers: deploy/clickhouse/users.d profile (writer: no DDL, one database) and ClickHouse over mutual TLS (https + CA, certificate, key)', async (t) => {
  const dir = tempDir(t, 'ch-least-privilege');
  const certs = makeTestCerts(dir, ['trade-sync-writer']);
  const base = testEnv();
  const database = base.TRADE_SYNC_CLICKHOUSE_DATABASE!;
  const server = await startTlsClickHouse(dir, { ca: certs.ca, server: certs.server, mutual: true }, { database, writerPassword: 'writer-pass-0123', adminPassword: 'admin-pass-0123' });
  onCleanup(t, () => server.stop());

  const client = certs.clients['trade-sync-writer']!;
  const env = {
    ...base,
    TRADE_SYNC_CLICKHOUSE_URL: server.httpsUrl,
    TRADE_SYNC_CLICKHOUSE_TLS_CA_FILE: certs.ca,
    TRADE_SYNC_CLICKHOUSE_TLS_CERT_FILE: client.cert,
    TRADE_SYNC_CLICKHOUSE_TLS_KEY_FILE: client.key,
    TRADE_SYNC_CLICKHOUSE_USER: 'trade_sync_writer',
    TRADE_SYNC_CLICKHOUSE_PASSWORD: 'writer-pass-0123',
    TRADE_SYNC_CLICKHOUSE_ADMIN_USER: 'trade_sync_admin',
    TRADE_SYNC_CLICKHOUSE_ADMIN_PASSWORD: 'admin-pass-0123',
  };
  const config = testConfig(env);
  onCleanup(t, () => rmSync(config.spill.dir, { recursive: true, force: true }));
  const admin = createClickHouseClient(config, 'admin');
  onCleanup(t, () => admin.close());
  await migrate(admin, database, createLogger('silent'));

  const writer = createClickHouseClient(config, 'writer');
  onCleanup(t, () => writer.close());
  await assert.rejects(writer.command({ query: `CREATE TABLE ${database}.sneaky (x UInt8) ENGINE = Memory` }), /allow_ddl|DDL|Cannot/i);
  await assert.rejects(writer.command({ query: `DROP TABLE ${database}.trades` }), /allow_ddl|DDL|Cannot/i);
  await assert.rejects(writer.query({ query: 'SELECT count() FROM default.nothing_here' }), /Access denied|ACCESS_DENIED|database default/i);

  const queues = testQueues(config);
  onCleanup(t, () => queues.cleanup());
  const worker = await runWorker(config, createLogger('silent'));
  onCleanup(t, () => worker.stop());
  const producer = new TradeProducer(config);
  onCleanup(t, () => producer.close());
  await producer.publish(Array.from({ length: 100 }, () => makeTrade({ symbol: 'PRIV' })));
  await waitFor(() => countTrades(admin, database), (n) => n === 100, 30_000, '100 trades written by the writer over mutual TLS');

  // Without the client certificate the HTTPS port refuses the writer.
  const { TRADE_SYNC_CLICKHOUSE_TLS_CERT_FILE: _cert, TRADE_SYNC_CLICKHOUSE_TLS_KEY_FILE: _key, ...caOnly } = env;
  const noCert = createClickHouseClient(testConfig(caOnly), 'writer');
  onCleanup(t, () => noCert.close());
  assert.equal((await noCert.ping()).success, false);
});
