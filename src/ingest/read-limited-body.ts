import type { Readable } from 'node:stream';
import { IngestError } from '../errors/index.js';

/**
 * Reads a request body of at most `maxBytes`. A declared Content-Length above the limit fails
 * before anything is read; a body that grows past it fails as soon as it does (the rest is
 * not kept). Either way: IngestError INGEST_BODY_TOO_LARGE (413).
 */
export function readLimitedBody(stream: Readable, maxBytes: number, declaredLength: number | undefined): Promise<Buffer> {
  if (declaredLength !== undefined && declaredLength > maxBytes) return Promise.reject(tooLarge(maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        chunks.length = 0;
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
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
