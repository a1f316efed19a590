import { signTrade } from '../../src/trade/signing.js';
import { benchEnv } from '../lib/bench-env.js';
import { ingestCertificate, startIngestProcess, UNLIMITED_INGEST, type IngestProcess } from '../lib/ingest-process.js';
import type { Report, Scenario } from '../lib/report.js';
import { withResources } from '../lib/resources.js';
import { percentile, perSecond } from '../lib/timing.js';
import { generateTrades } from '../lib/trades.js';

export const INGEST_CLIENTS = 4;
export const TRADES_PER_REQUEST = 1_000;

/**
 * Posts `bodies` from INGEST_CLIENTS keep-alive clients, each sending its next request when its
 * last is answered (as fast as the server takes them). Resolves with the trades accepted, the
 * wall time and each request's latency, sorted.
 */
export async function postAsFastAsPossible(ingest: IngestProcess, bodies: readonly string[], report: Report): Promise<{ accepted: number; ms: number; latencies: number[] }> {
  const latencies: number[] = [];
  let accepted = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: INGEST_CLIENTS }, async () => {
      for (let i = next++; i < bodies.length; i = next++) {
        const reply = await ingest.post(bodies[i] as string);
        report.expect(reply.status === 200, `a request answered ${reply.status}`);
        accepted += reply.accepted;
        latencies.push(reply.ms);
      }
    }),
  );
  return { accepted, ms: performance.now() - started, latencies: latencies.sort((a, b) => a - b) };
}

/**
 * HTTPS ingest: `trade-sync ingest` as its own process, 4 keep-alive clients posting signed
 * NDJSON requests of 1,000 trades (`--trades` in all, signed before the clock starts: signing is
 * the engine's cost). Nothing drains the queue, so this is the ingest path alone (parse, verify,
 * validate, nonces, rate limit, one addBulk per request of jobs of TRADE_SYNC_PACK_SIZE
 * envelopes) up to Redis.
 */
export const ingest: Scenario = {
  name: 'ingest',
  title: 'HTTPS ingest, accepting (nothing draining)',
  async run(options, report) {
    const cert = ingestCertificate();
    if (cert === undefined) {
      report.problem('openssl is needed to make the ingest certificate');
      return;
    }
    const { env, config } = benchEnv('ingest', {
      TRADE_SYNC_INGEST_TLS_CERT_FILE: cert.cert,
      TRADE_SYNC_INGEST_TLS_KEY_FILE: cert.key,
      ...UNLIMITED_INGEST,
      TRADE_SYNC_LOG_LEVEL: 'warn',
      ...options.env,
    });
    await withResources(config, { database: false }, report, async (r) => {
      const trades = generateTrades(options.trades + INGEST_CLIENTS * TRADES_PER_REQUEST);
      const bodyOf = (from: number) => `${trades.slice(from, from + TRADES_PER_REQUEST).map((t) => JSON.stringify(signTrade(config.keyring, t))).join('\n')}\n`;
      const warmUp = Array.from({ length: INGEST_CLIENTS }, (_, i) => bodyOf(options.trades + i * TRADES_PER_REQUEST));
      const bodies: string[] = [];
      for (let from = 0; from < options.trades; from += TRADES_PER_REQUEST) bodies.push(bodyOf(from));
      report.mark('sign');

      const server = await startIngestProcess(env, cert, INGEST_CLIENTS);
      try {
        report.mark('start ingest');
        await Promise.all(warmUp.map((b) => server.post(b))); // TLS sessions and the server's JIT
        const { accepted, ms, latencies } = await postAsFastAsPossible(server, bodies, report);
        report.mark('post');
        const queued = await r.trades.getWaitingCount();
        const perRequest = Math.ceil(TRADES_PER_REQUEST / config.queues.packSize);
        const expectedJobs = (bodies.length + warmUp.length) * perRequest;
        report.expect(accepted === options.trades, `accepted ${accepted} of ${options.trades} trades`);
        report.expect(queued === expectedJobs, `${queued} jobs queued, expected ${expectedJobs} (${perRequest} per request of ${TRADES_PER_REQUEST} trades)`);
        report.figure('rate', `${options.trades.toLocaleString('en-US')} trades, ${INGEST_CLIENTS} clients × ${TRADES_PER_REQUEST.toLocaleString('en-US')} trades a request`, perSecond(accepted, ms), 'trades/s');
        report.figure('p50', '  request p50', percentile(latencies, 50), 'ms');
        report.figure('p99', '  request p99', percentile(latencies, 99), 'ms');
      } finally {
        await server.stop();
      }
    });
  },
};
