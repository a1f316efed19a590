import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { test } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import { ConfigError, IngestError } from '../../src/errors/index.js';
import { allowedKids, clientIdentityOf } from '../../src/ingest/client-kid-policy.js';
import { tradeResultsResponse } from '../../src/ingest/ingest-response.js';
import { replayWindowError } from '../../src/ingest/replay-window-error.js';
import { splitIngestBody } from '../../src/ingest/split-ingest-body.js';

test('splitIngestBody: NDJSON (blank lines, CRLF, a bad line is that item only) and JSON arrays', () => {
  assert.deepEqual(splitIngestBody(Buffer.from('{"a":1}\r\n\n  \n{"b":2}\nnope\n'), 10), [
    { ok: true, value: { a: 1 } },
    { ok: true, value: { b: 2 } },
    { ok: false, message: 'line 3 is not JSON' },
  ]);
  assert.deepEqual(splitIngestBody(Buffer.from(' [1, {"x": true}] '), 10), [{ ok: true, value: 1 }, { ok: true, value: { x: true } }]);
  for (const bad of ['', ' \n ', '[1,', '[]', '[1,2,3]']) {
    assert.throws(() => splitIngestBody(Buffer.from(bad), 2), (err: unknown) => err instanceof IngestError && err.code === 'INGEST_BAD_REQUEST' && err.status === 400, bad);
  }
  assert.throws(() => splitIngestBody(Buffer.from('1\n2\n3\n'), 2), /at most 2/);
  assert.throws(() => splitIngestBody(Buffer.from([0xc3, 0x28]), 2), /not UTF-8/);
});

test('replayWindowError: inside the window (inclusive) passes, outside says which way and by how much', () => {
  const now = 1_763_776_000_000;
  assert.equal(replayWindowError(`${now}000000`, now, 5_000), undefined);
  assert.equal(replayWindowError(`${now - 5_000}000000`, now, 5_000), undefined);
  assert.equal(replayWindowError(`${now + 5_000}000000`, now, 5_000), undefined);
  assert.match(replayWindowError(`${now - 5_001}000000`, now, 5_000) ?? '', /5001 ms in the past/);
  assert.match(replayWindowError(`${now + 60_000}000000`, now, 5_000) ?? '', /60000 ms in the future/);
  assert.match(replayWindowError('1', now, 5_000) ?? '', /in the past/);
});

test('tradeResultsResponse: 200 all accepted, 207 mixed, else the highest status; Retry-After is the longest wait', () => {
  const ok = { index: 0, trade_id: 'a', status: 200 };
  assert.equal(tradeResultsResponse([ok]).status, 200);
  const limited = { index: 1, trade_id: 'b', status: 429, code: 'INGEST_RATE_LIMITED' as const, message: 'm', retry_after_s: 3 };
  const mixed = tradeResultsResponse([ok, limited]);
  assert.equal(mixed.status, 207);
  assert.equal(mixed.headers['retry-after'], '3');
  assert.deepEqual(JSON.parse(mixed.body), { accepted: 1, rejected: 1, results: [ok, limited] });
  const bad = { index: 0, trade_id: null, status: 400, code: 'TRADE_INVALID' as const, message: 'm' };
  const unauth = { index: 1, trade_id: null, status: 401, code: 'SIGNATURE_INVALID' as const, message: 'm' };
  const full = { index: 2, trade_id: null, status: 503, code: 'QUEUE_FULL' as const, message: 'm', retry_after_s: 1 };
  assert.equal(tradeResultsResponse([bad, unauth]).status, 401);
  assert.equal(tradeResultsResponse([bad, unauth, full]).status, 503);
  assert.equal(tradeResultsResponse([bad]).headers['retry-after'], undefined);
});

test('client certificate names map to key ids; without mutual TLS or a map, every key id is allowed', () => {
  const identity = clientIdentityOf({ subject: { CN: 'engine-a' }, subjectaltname: 'DNS:engine-a.example.com, URI:spiffe://prod/engine, IP Address:10.0.0.1' } as never);
  assert.deepEqual(identity.names, ['engine-a', 'engine-a.example.com', 'spiffe://prod/engine', '10.0.0.1']);
  assert.equal(allowedKids(undefined, { x: ['k1'] }), 'any');
  assert.equal(allowedKids(identity, undefined), 'any');
  assert.deepEqual([...(allowedKids(identity, { 'spiffe://prod/engine': ['k2'], 'engine-a': ['k1'], other: ['k3'] }) as Set<string>)].sort(), ['k1', 'k2']);
  assert.equal((allowedKids(identity, { other: ['k3'], __proto__: ['k9'] } as never) as Set<string>).size, 0);
});

test('ingest and TLS configuration: defaults, nonce TTL ≥ 2× window, one-line errors, and no key material when printed', () => {
  const c = loadConfig({});
  assert.equal(c.ingest.port, 8443);
  assert.equal(c.ingest.replayWindowMs, 5_000);
  assert.ok(c.ingest.nonceTtlSeconds * 1000 >= 2 * c.ingest.replayWindowMs);
  assert.equal(loadConfig({ TRADE_SYNC_INGEST_REPLAY_WINDOW_MS: '2500' }).ingest.nonceTtlSeconds, 6);
  assert.equal(c.redis.tls, undefined);
  assert.equal(c.clickhouse.tls, undefined);
  assert.throws(() => loadConfig({ TRADE_SYNC_INGEST_CLIENT_KIDS: '{"a": "k1"}' }), (err: unknown) => err instanceof ConfigError && /TRADE_SYNC_INGEST_CLIENT_KIDS/.test(err.message) && !err.message.includes('\n'));
  assert.throws(() => loadConfig({ TRADE_SYNC_REDIS_TLS_CA_FILE: '/nonexistent/ca.pem', TRADE_SYNC_REDIS_URL: 'rediss://h:6380' }), /TRADE_SYNC_REDIS_TLS_CA_FILE: cannot read/);
  assert.throws(() => loadConfig({ TRADE_SYNC_INGEST_TLS_CERT_FILE: '/x.pem' }), /TRADE_SYNC_INGEST_TLS_KEY_FILE must be set together with TRADE_SYNC_INGEST_TLS_CERT_FILE/);

  const dir = mkdtempSync(join(tmpdir(), 'tls-material-'));
  try {
    const secretPem = '-----BEGIN PRIVATE KEY-----\nTOP-SECRET-KEY-BYTES\n-----END PRIVATE KEY-----\n';
    for (const name of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(dir, name), name === 'key.pem' ? secretPem : 'PEM');
    const withTls = loadConfig({
      TRADE_SYNC_REDIS_URL: 'rediss://127.0.0.1:6380',
      TRADE_SYNC_REDIS_TLS_CA_FILE: join(dir, 'ca.pem'),
      TRADE_SYNC_REDIS_TLS_CERT_FILE: join(dir, 'cert.pem'),
      TRADE_SYNC_REDIS_TLS_KEY_FILE: join(dir, 'key.pem'),
      TRADE_SYNC_INGEST_TLS_CERT_FILE: join(dir, 'cert.pem'),
      TRADE_SYNC_INGEST_TLS_KEY_FILE: join(dir, 'key.pem'),
    });
    assert.equal(withTls.redis.tls?.key?.toString(), secretPem);
    for (const rendered of [JSON.stringify(withTls), inspect(withTls, { depth: 10 })]) assert.ok(!rendered.includes('TOP-SECRET'), rendered);
    assert.match(inspect(withTls.redis.tls), /TlsMaterial\(ca, cert, key\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
