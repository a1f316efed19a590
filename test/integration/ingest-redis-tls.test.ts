import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertRedisReachable } from '../../queues/index.js';
import { runWorker } from '../../src/wiring/run-worker.js';
import { RedisUnavailableError } from '../../src/errors/index.js';
import { createLogger } from '../../src/logger.js';
import { countTrades, migratedDatabase } from '../helpers/clickhouse-helpers.js';
import { ndjson, postIngest, signAll } from '../helpers/ingest-client.js';
import { ingestEnv, makeTestCerts, startTestIngest, tempDir } from '../helpers/ingest-fixture.js';
import { onCleanup } from '../helpers/on-cleanup.js';
import { curlPostTrades } from '../helpers/run-curl.js';
import { startTlsRedis } from '../helpers/tls-redis.js';
import { testSecret } from '../helpers/test-secret.js';
import { makeTrade } from '../helpers/trade-factory.js';
import { waitFor } from '../helpers/wait-for.js';
import { waitForDrained } from '../helpers/wait-for-drained.js';

test('Redis over mutual TLS (rediss:// + CA, client certificate and key): ingest → queue → worker → ClickHouse end to end', async (t) => {
  const dir = tempDir(t, 'ingest-redis-tls');
  const certs = makeTestCerts(dir, ['trade-sync-app']);
  const app = certs.clients['trade-sync-app']!;
  const redis = await startTlsRedis(dir, certs.ca, certs.server, app);
  onCleanup(t, () => redis.stop());

  // Without a client certificate the TLS-only server is not reachable.
  await assert.rejects(assertRedisReachable({ url: redis.url, urls: [redis.url], cluster: false, prefix: 'x' }, 1_000), RedisUnavailableError);

  const { config, ingest, queues } = await startTestIngest(
    t,
    ingestEnv(certs, {
      TRADE_SYNC_REDIS_URL: redis.url,
      TRADE_SYNC_REDIS_TLS_CA_FILE: certs.ca,
      TRADE_SYNC_REDIS_TLS_CERT_FILE: app.cert,
      TRADE_SYNC_REDIS_TLS_KEY_FILE: app.key,
    }),
  );
  assert.equal(config.redis.url, redis.url);
  assert.deepEqual(JSON.parse(JSON.stringify(config.redis.tls)), { ca: true, cert: true, key: true }, 'the config renders no key material');
  const db = await migratedDatabase(config);
  onCleanup(t, () => db.drop());
  const worker = await runWorker(config, createLogger('silent'));
  onCleanup(t, () => worker.stop());

  const trades = Array.from({ length: 300 }, (_, i) => makeTrade({ symbol: `TLS${i % 3}` }));
  const reply = await postIngest(ingest.url, ndjson(signAll(trades.slice(0, 299), 'test-k1')), { ca: certs.ca });
  assert.equal(reply.status, 200, reply.text);
  const tradesFile = join(dir, 'last.ndjson');
  writeFileSync(tradesFile, JSON.stringify(trades[299]));
  const viaCurl = await curlPostTrades({ INGEST_URL: ingest.url, KID: 'test-k2', SECRET: testSecret('test-k2'), CACERT: certs.ca, TRADES_FILE: tradesFile, BODY_FILE: join(dir, 'req') });
  assert.equal(viaCurl.status, 200, viaCurl.body);

  await waitFor(() => countTrades(db.client, config.clickhouse.database), (n) => n === 300, 30_000, '300 trades in ClickHouse via TLS Redis');
  await waitForDrained(queues.trades);
  assert.equal(await queues.dlq.getFailedCount(), 0);
});
