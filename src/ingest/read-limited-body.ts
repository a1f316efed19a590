import type { Readable } from 'node:stream';
import { IngestError } from '../errors/index.js';

/** An oversize body is read and thrown away up to this many times the limit before the 413 is sent. */
export const DISCARD_FACTOR = 4;

/**
 * Reads a request body of at most `maxBytes`. A body past the limit is not kept: the rest is read
 * and thrown away up to `DISCARD_FACTOR × maxBytes` in all, so that a client that uploads the whole
 * body before it reads the answer (no `Expect: 100-continue`) still gets its 413 instead of a
 * connection reset, and only then does it fail with IngestError INGEST_BODY_TOO_LARGE (413).
 * A body declared, or grown, past the discard bound fails at once (the server then closes).
 */
export function readLimitedBody(stream: Readable, maxBytes: number, declaredLength: number | undefined): Promise<Buffer> {
  const discardBound = DISCARD_FACTOR * maxBytes;
  if (declaredLength !== undefined && declaredLength > discardBound) return Promise.reject(tooLarge(maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > discardBound) {
        cleanup();
        reject(tooLarge(maxBytes));
      } else if (size > maxBytes) {
        chunks.length = 0;
      } else {
        chunks.push(chunk);
      }
    };
    const onEnd = () => {
      cleanup();
      if (size > maxBytes) reject(tooLarge(maxBytes));
      else resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}

function tooLarge(maxBytes: number): IngestError {
  return new IngestError('INGEST_BODY_TOO_LARGE', 413, `request body exceeds ${maxBytes} bytes (TRADE_SYNC_INGEST_MAX_BODY_BYTES); send fewer trades per request`);
}
