import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { IngestError } from '../errors/index.js';
import type { Logger } from '../logger.js';
import { clientIdentityOf } from './client-kid-policy.js';
import type { IngestRequest } from './ingest-request.js';
import { requestErrorResponse, type IngestResponse } from './ingest-response.js';
import { readLimitedBody } from './read-limited-body.js';

export interface IngestServerOptions {
  readonly host: string;
  readonly port: number;
  /** Server certificate and key; with `clientCa` every client must present a certificate it signed. */
  readonly tls: { readonly cert: Buffer; readonly key: Buffer; readonly clientCa: Buffer | undefined } | undefined;
  readonly maxBodyBytes: number;
  readonly handle: (request: IngestRequest) => Promise<IngestResponse>;
  readonly log: Logger;
}

export interface IngestServer {
  /** `https://host:port` (or `http://` in plaintext mode), with the port actually bound. */
  readonly url: string;
  readonly port: number;
  readonly mutualTls: boolean;
  /** Stops accepting, lets in-flight requests finish (their connections then close), cuts the rest after `timeoutMs`. */
  close(timeoutMs: number): Promise<void>;
}

function declaredLength(req: IncomingMessage): number | undefined {
  const value = req.headers['content-length'];
  return value === undefined || !/^\d+$/.test(value) ? undefined : Number(value);
}

/**
 * The HTTP(S) shell around the framework-free handler: reads the body within its limit, takes
 * the client certificate's names on mutual TLS, writes the handler's answer, and stops gracefully.
 * A body declared too large is refused before it is sent on `Expect: 100-continue`; without it the
 * body is read and discarded up to a bound first (readLimitedBody), so the client gets its 413.
 */
export async function startIngestServer(options: IngestServerOptions): Promise<IngestServer> {
  const { tls, log } = options;
  let stopping = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  const write = (res: ServerResponse, response: IngestResponse, close = false) => {
    if (res.headersSent || res.destroyed) return;
    const headers: Record<string, string> = { ...response.headers, 'content-length': String(Buffer.byteLength(response.body)) };
    if (close || stopping) headers.connection = 'close';
    res.writeHead(response.status, headers);
    res.end(response.body);
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    if (stopping) {
      write(res, requestErrorResponse(503, 'INGEST_SHUTTING_DOWN', 'this ingest server is stopping; retry', 1), true);
      return;
    }
    inFlight += 1;
    const socket = req.socket as Partial<TLSSocket>;
    const peer = tls?.clientCa !== undefined && socket.getPeerCertificate !== undefined ? socket.getPeerCertificate() : undefined;
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    readLimitedBody(req, options.maxBodyBytes, declaredLength(req))
      .then(
        (body) => options.handle({ method: req.method ?? 'GET', path, headers: req.headers, body, client: peer && Object.keys(peer).length > 0 ? clientIdentityOf(peer) : undefined }),
        (err: unknown) => {
          if (err instanceof IngestError) return { ...requestErrorResponse(err.status, err.code, err.message), close: true };
          throw err;
        },
      )
      .then(
        (response) => write(res, response, 'close' in response),
        (err: unknown) => {
          log.warn({ err: err instanceof Error ? err.message : String(err) }, 'ingest: request failed while reading');
          if (!res.headersSent) write(res, requestErrorResponse(400, 'INGEST_BAD_REQUEST', 'the request body could not be read'), true);
        },
      )
      .finally(() => {
        inFlight -= 1;
        if (inFlight === 0) drained?.();
      });
  };

  const server: Server = tls === undefined
    ? createHttpServer(onRequest)
    : (createHttpsServer(
        {
          cert: tls.cert,
          key: tls.key,
          minVersion: 'TLSv1.2',
          ...(tls.clientCa === undefined ? {} : { ca: tls.clientCa, requestCert: true, rejectUnauthorized: true }),
        },
        onRequest,
      ) as unknown as Server);
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const length = declaredLength(req);
    if (length !== undefined && length > options.maxBodyBytes) {
      write(res, requestErrorResponse(413, 'INGEST_BODY_TOO_LARGE', `request body exceeds ${options.maxBodyBytes} bytes (TRADE_SYNC_INGEST_MAX_BODY_BYTES); send fewer trades per request`), true);
      return;
    }
    res.writeContinue();
    onRequest(req, res);
  });
  server.on('tlsClientError', (err: Error) => log.debug({ err: err.message }, 'ingest: TLS handshake refused'));
  server.on('clientError', (err: Error, socket) => {
    log.debug({ err: err.message }, 'ingest: malformed HTTP request');
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `${tls === undefined ? 'http' : 'https'}://${host}:${port}`,
    port,
    mutualTls: tls?.clientCa !== undefined,
    async close(timeoutMs: number) {
      if (stopping) return;
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const idle = inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => (drained = resolve));
      const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
      await idle;
      server.closeIdleConnections();
      await closed;
      clearTimeout(timer);
    },
  };
}
