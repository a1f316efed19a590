import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { test } from 'node:test';
import { countTrades, migratedDatabase } from '../helpers/clickhouse-helpers.js';
import { ndjson, postIngest, signAll } from '../helpers/ingest-client.js';
import { makeTestCerts, tempDir } from '../helpers/ingest-fixture.js';
import { onCleanup } from '../helpers/on-cleanup.js';
import { testQueues } from '../helpers/queue-helpers.js';
import { curlPostTrades } from '../helpers/run-curl.js';
import { runCli, spawnCli, type CliProcess } from '../helpers/spawn-cli.js';
import { TEST_KEYS, testConfig, testEnv } from '../helpers/test-env.js';
import { testSecret } from '../helpers/test-secret.js';
import { makeTrade } from '../helpers/trade-factory.js';
import { waitFor } from '../helpers/wait-for.js';

async function listeningUrl(proc: CliProcess): Promise<string> {
  const line = await waitFor(async () => /ingest listening on (\S+)\/v1\/trades/.exec(proc.stdout())?.[1] ?? (proc.child.exitCode === null ? '' : 'exited'), (v) => v !== '', 20_000, `ingest to listen; output: ${proc.output()}`);
  assert.notEqual(line, 'exited', proc.output());
  return line;
}

test('trade-sync ingest --help, and a missing certificate is one line', async (t) => {
  const help = await runCli(['ingest', '--help'], { PATH: process.env.PATH ?? '/usr/bin:/bin' });
  assert.equal(help.code, 0, help.output);
  assert.ok(help.stdout.startsWith('Usage: trade-sync ingest '), help.stdout);
  assert.match(help.stdout, /--port <n>/);

  const env = testEnv();
  onCleanup(t, () => rmSync(testConfig(env).spill.dir, { recursive: true, force: true }));
  const noCert = await runCli(['ingest'], env);
  assert.notEqual(noCert.code, 0);
  assert.equal(noCert.stderr.trim().split('\n').length, 1, noCert.stderr);
  assert.match(noCert.stderr, /^trade-sync: CONFIG_INVALID: ingest serves HTTPS: set TRADE_SYNC_INGEST_TLS_CERT_FILE/);
  assert.doesNotMatch(noCert.stderr, /\n\s+at /);
});

test('a full run (ingest + worker processes, trace logs): trades land, SIGTERM finishes the in-flight request, and no key material is logged', async (t) => {
  const dir = tempDir(t, 'ingest-cli');
  const certs = makeTestCerts(dir);
  const keysFile = join(dir, 'hmac-keys.json');
  const secrets = Object.fromEntries(TEST_KEYS.split(',').map((pair) => [pair.slice(0, pair.indexOf(':')), pair.slice(pair.indexOf(':') + 1)]));
  writeFileSync(keysFile, JSON.stringify(secrets), { mode: 0o600 });
  const env = testEnv({
    TRADE_SYNC_HMAC_KEYS_FILE: keysFile,
    TRADE_SYNC_INGEST_TLS_CERT_FILE: certs.server.cert,
    TRADE_SYNC_INGEST_TLS_KEY_FILE: certs.server.key,
    TRADE_SYNC_INGEST_PORT: '0',
    TRADE_SYNC_LOG_LEVEL: 'trace',
  });
  delete env.TRADE_SYNC_HMAC_KEYS; // secrets only from the file
  const config = testConfig(env);
  onCleanup(t, () => rmSync(config.spill.dir, { recursive: true, force: true }));
  const db = await migratedDatabase(config);
  const queues = testQueues(config);
  onCleanup(t, () => db.drop());
  onCleanup(t, () => queues.cleanup());

  const ingest = spawnCli(['ingest'], env);
  onCleanup(t, () => ingest.kill('SIGKILL'));
  const worker = spawnCli(['worker'], env);
  onCleanup(t, () => worker.kill('SIGKILL'));
  const url = await listeningUrl(ingest);

  const trades = Array.from({ length: 40 }, () => makeTrade({ symbol: 'CLI' }));
  const sentEnvelopes = signAll(trades.slice(0, 39), 'test-k1');
  const reply = await postIngest(url, ndjson(sentEnvelopes), { ca: certs.ca });
  assert.equal(reply.status, 200, reply.text);
  const tradesFile = join(dir, 'one.ndjson');
  writeFileSync(tradesFile, JSON.stringify(trades[39]));
  const bodyFile = join(dir, 'req.ndjson');
  const viaCurl = await curlPostTrades({ INGEST_URL: url, KID: 'test-k2', SECRET: testSecret('test-k2'), CACERT: certs.ca, TRADES_FILE: tradesFile, BODY_FILE: bodyFile });
  assert.equal(viaCurl.status, 200, viaCurl.body);
  await waitFor(() => countTrades(db.client, config.clickhouse.database), (n) => n === 40, 30_000, '40 trades in ClickHouse');

  // A request in flight when SIGTERM arrives is still answered; then the process exits 0.
  const last = ndjson(signAll([makeTrade({ symbol: 'CLI' })], 'test-k1'));
  const inFlight = new Promise<number>((resolve, reject) => {
    const req = request(new URL('/v1/trades', url), { method: 'POST', ca: readFileSync(certs.ca), agent: false, headers: { 'content-length': String(Buffer.byteLength(last)) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.write(last.slice(0, 20));
    setTimeout(() => {
      void ingest.kill('SIGTERM');
      setTimeout(() => req.end(last.slice(20)), 300);
    }, 300);
  });
  assert.equal(await inFlight, 200);
  assert.equal(await ingest.exited, 0, ingest.output());
  await assert.rejects(postIngest(url, last, { ca: certs.ca }), /ECONNREFUSED/);
  await waitFor(() => countTrades(db.client, config.clickhouse.database), (n) => n === 41, 30_000, 'the in-flight trade landed too');
  assert.equal(await worker.kill('SIGTERM'), 0, worker.output());

  // Logs of the whole run: plenty of them, and no secret, private key or signature in any.
  const logs = ingest.stderr() + worker.stderr();
  assert.match(logs, /ingest listening/);
  assert.match(logs, /"level":20/, 'debug lines were logged');
  const keyPem = readFileSync(certs.server.key, 'utf8');
  const keyLines = keyPem.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'));
  const forbidden = [...Object.values(secrets), ...keyLines, ...sentEnvelopes.map((e) => e.sig), 'PRIVATE KEY'];
  for (const needle of forbidden) assert.ok(!logs.includes(needle), `logs contain key material: ${needle.slice(0, 12)}…`);
});
