import { circuitBreaker, CircuitState, ConsecutiveBreaker, ExponentialBackoff, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import { classifyInsertError } from './clickhouse/classify-insert-error.js';

export interface InsertCircuitOptions {
  /** Consecutive failed inserts that open the circuit. @defaultValue 3 */
  readonly threshold: number;
  /** First half-open probe delay; doubles (with jitter) up to `halfOpenMaxMs`. */
  readonly halfOpenInitialMs: number;
  readonly halfOpenMaxMs: number;
}

/**
 * The ClickHouse circuit breaker: opens after `threshold` consecutive unavailable/failed
 * inserts (bad data does not count), lets one probe through after an exponential, jittered
 * delay (half-open), and closes on the first success.
 */
export function createInsertCircuit(options: InsertCircuitOptions): CircuitBreakerPolicy {
  return circuitBreaker(
    handleWhen((err) => classifyInsertError(err).kind !== 'bad_data'),
    {
      halfOpenAfter: new ExponentialBackoff({ initialDelay: options.halfOpenInitialMs, maxDelay: options.halfOpenMaxMs }),
      breaker: new ConsecutiveBreaker(options.threshold),
    },
  );
}

export type CircuitName = 'closed' | 'open' | 'half-open' | 'isolated';

export function circuitName(state: CircuitState): CircuitName {
  switch (state) {
    case CircuitState.Closed:
      return 'closed';
    case CircuitState.Open:
      return 'open';
    case CircuitState.HalfOpen:
      return 'half-open';
    default:
      return 'isolated';
  }
}
