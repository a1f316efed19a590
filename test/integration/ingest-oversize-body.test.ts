import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { postIngest } from '../helpers/ingest-client.js';
import { ingestEnv, makeTestCerts, startTestIngest, tempDir } from '../helpers/ingest-fixture.js';
import { curlPostFile } from '../helpers/run-curl.js';
import { pendingJobs } from '../helpers/wait-for-drained.js';

const MiB = 1024 * 1024;
const TRIES = 5;

/** Python's http.client: sends the whole body before it reads the answer, and never sends `Expect`. */
const PYTHON_CLIENT = `
import http.client, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
conn = http.client.HTTPSConnection('127.0.0.1', int(sys.argv[1]), context=ctx, timeout=30)
body = open(sys.argv[3], 'rb').read()
conn.request('POST', '/v1/trades', body=body, headers={'content-type': 'application/x-ndjson'})
res = conn.getresponse()
print(res.status, res.read().decode()[:200])
`;

function runPython(port: number, ca: string, file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('python3', ['-c', PYTHON_CLIENT, String(port), ca, file], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
    });
  });
}

function hasPython(): Promise<boolean> {
  return new Promise((resolve) => execFile('python3', ['--version'], (err) => resolve(err === null)));
}

test('a 9 MiB body sent without Expect: 100-continue gets its 413 from every client (Node, curl, Python), never a broken pipe', async (t) => {
  const dir = tempDir(t, 'ingest-oversize');
  const certs = makeTestCerts(dir);
  const { ingest, queues } = await startTestIngest(t, ingestEnv(certs)); // the default 8 MiB limit
  const tls = { ca: certs.ca };
  const body = Buffer.alloc(9 * MiB, 'x');
  const file = join(dir, 'nine-mib.ndjson');
  writeFileSync(file, body);

  for (let i = 0; i < TRIES; i += 1) {
    // Node's client sends no Expect header and only reads the answer once its upload is written.
    const reply = await postIngest(ingest.url, body, tls);
    assert.equal(reply.status, 413, `node try ${i}: ${reply.text}`);
    assert.equal(reply.json.error?.code, 'INGEST_BODY_TOO_LARGE');
    assert.equal(reply.headers.connection, 'close');

    // `-H 'Expect:'` stops curl from sending its own Expect header for large bodies.
    const viaCurl = await curlPostFile(ingest.url, file, tls, ['-H', 'Expect:']);
    assert.equal(viaCurl.code, 0, `curl try ${i}: ${viaCurl.stderr}`);
    assert.equal(viaCurl.status, 413, viaCurl.stderr);
    assert.match(viaCurl.body, /INGEST_BODY_TOO_LARGE/);
  }
  // Chunked (no Content-Length): the limit is found while reading, and the answer still arrives.
  const chunked = await curlPostFile(ingest.url, file, tls, ['-H', 'Expect:', '-H', 'transfer-encoding: chunked']);
  assert.equal(chunked.status, 413, chunked.stderr);

  if (await hasPython()) {
    const py = await runPython(ingest.port, certs.ca, file);
    assert.equal(py.code, 0, py.stderr);
    assert.match(py.stdout, /^413 .*INGEST_BODY_TOO_LARGE/);
  } else {
    t.diagnostic('python3 not installed: the http.client case was skipped');
  }
  assert.equal(await pendingJobs(queues.trades), 0, 'nothing of a refused body is enqueued');

  // The server is still fine for a normal request after all that.
  const health = await postIngest(ingest.url, '', tls, { method: 'GET', path: '/healthz' });
  assert.equal(health.status, 200);
});

test('a body far past the discard bound is cut off without reading it all (the bound is 4 × the limit)', async (t) => {
  const dir = tempDir(t, 'ingest-oversize-bound');
  const certs = makeTestCerts(dir);
  const { ingest } = await startTestIngest(t, ingestEnv(certs, { TRADE_SYNC_INGEST_MAX_BODY_BYTES: String(64 * 1024) }));
  const file = join(dir, 'huge.ndjson');
  writeFileSync(file, Buffer.alloc(8 * MiB, 'x')); // 128 × the limit
  const started = Date.now();
  const viaCurl = await curlPostFile(ingest.url, file, { ca: certs.ca }, ['-H', 'Expect:', '-H', 'transfer-encoding: chunked']);
  // The server stops reading at 4 × 64 KiB: curl either got the 413 or saw the connection close.
  assert.ok(viaCurl.status === 413 || viaCurl.code !== 0, `status ${viaCurl.status} code ${viaCurl.code}`);
  assert.ok(Date.now() - started < 20_000);
  const after = await postIngest(ingest.url, '', { ca: certs.ca }, { method: 'GET', path: '/healthz' });
  assert.equal(after.status, 200);
});
