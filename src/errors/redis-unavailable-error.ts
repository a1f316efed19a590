import { TradeSyncError } from './trade-sync-error.js';

export class RedisUnavailableError extends TradeSyncError {
  constructor(url: string, cause: unknown) {
    super('REDIS_UNAVAILABLE', `cannot reach Redis at ${url}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      retriable: true,
      cause,
    });
  }
}
