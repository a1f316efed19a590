import { BrokenCircuitError, ExponentialBackoff, handleWhen, retry, type RetryPolicy } from 'cockatiel';
import { classifyInsertError } from './clickhouse/classify-insert-error.js';

export interface InsertRetryOptions {
  /** Total attempts per insert, the first included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * Retries transient and fatal insert failures with exponential backoff and decorrelated jitter.
 * Never retried: bad data (it is isolated instead) and an open circuit (the batch spills at once).
 */
export function insertRetryPolicy(options: InsertRetryOptions): RetryPolicy {
  return retry(
    handleWhen((err) => !(err instanceof BrokenCircuitError) && classifyInsertError(err).kind !== 'bad_data'),
    {
      maxAttempts: Math.max(0, options.attempts - 1),
      backoff: new ExponentialBackoff({ initialDelay: options.baseDelayMs, maxDelay: options.maxDelayMs }),
    },
  );
}
