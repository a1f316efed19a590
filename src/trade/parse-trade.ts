import { TradeValidationError, type FieldIssue } from '../errors/index.js';
import { passesTradeSchema } from './trade-fast-check.js';
import { TRADE_SCHEMA_VERSIONS, tradeSchemaFor, type Trade } from './trade-schema.js';

/**
 * Validates untrusted input into a Trade of any version this code reads. Throws
 * TradeValidationError with one issue per bad field (code TRADE_INVALID), or
 * TRADE_SCHEMA_UNSUPPORTED for a numeric schema_version this code does not know (so a newer
 * producer's message is dead-lettered, never mangled, and can be redriven after an upgrade).
 * `maxVersion` lets a deployment refuse versions newer than its fleet has rolled out.
 * A valid trade is returned as given (the schemas are strict, so zod's copy would be equal);
 * only an invalid one pays for a zod parse, which names every bad field.
 */
export function parseTrade(input: unknown, maxVersion: number = TRADE_SCHEMA_VERSIONS[TRADE_SCHEMA_VERSIONS.length - 1] ?? 1): Trade {
  const version = (input as { schema_version?: unknown } | null)?.schema_version;
  const schema = typeof version === 'number' && version <= maxVersion ? tradeSchemaFor(version) : undefined;
  if (typeof version === 'number' && schema === undefined) {
    throw new TradeValidationError(
      [{ path: 'schema_version', message: `version ${version} is not supported by this worker (it reads 1 to ${maxVersion})` }],
      'TRADE_SCHEMA_UNSUPPORTED',
    );
  }
  if (schema !== undefined && passesTradeSchema(input)) return input;
  const result = (schema ?? tradeSchemaFor(1))!.safeParse(input);
  if (result.success) return result.data;
  const issues: FieldIssue[] = result.error.issues.map((i) => ({
    path: i.path.map(String).join('.') || (i.code === 'unrecognized_keys' ? i.keys.join(',') : ''),
    message: i.code === 'unrecognized_keys' ? 'unknown field' : i.message,
  }));
  throw new TradeValidationError(issues);
}
