import { TradeValidationError, type FieldIssue } from '../errors/index.js';
import { TRADE_SCHEMA_VERSION, tradeSchema, type Trade } from './trade-schema.js';

/**
 * Validates untrusted input into a Trade. Throws TradeValidationError with one issue per bad
 * field (code TRADE_INVALID), or TRADE_SCHEMA_UNSUPPORTED for a schema_version this code
 * does not know (so a newer producer's message is dead-lettered, never mangled).
 */
export function parseTrade(input: unknown): Trade {
  const version = (input as { schema_version?: unknown } | null)?.schema_version;
  if (typeof version === 'number' && version !== TRADE_SCHEMA_VERSION) {
    throw new TradeValidationError(
      [{ path: 'schema_version', message: `version ${version} is not supported by this worker (it reads ${TRADE_SCHEMA_VERSION})` }],
      'TRADE_SCHEMA_UNSUPPORTED',
    );
  }
  const result = tradeSchema.safeParse(input);
  if (result.success) return result.data;
  const issues: FieldIssue[] = result.error.issues.map((i) => ({
    path: i.path.map(String).join('.') || (i.code === 'unrecognized_keys' ? i.keys.join(',') : ''),
    message: i.code === 'unrecognized_keys' ? 'unknown field' : i.message,
  }));
  throw new TradeValidationError(issues);
}
