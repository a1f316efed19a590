import { ClusterTopologyError } from '../../errors/index.js';

/**
 * What to do after a failed insert:
 * - `bad_data`: the rows themselves were rejected: isolate the bad rows, dead-letter only them;
 * - `transient`: the server or network failed: retry with backoff (then spill / dead-letter);
 * - `fatal`: configuration is wrong (auth, permissions, syntax): retry, but an operator must act.
 */
export type InsertErrorClass = 'bad_data' | 'transient' | 'fatal';

export interface ClassifiedInsertError {
  readonly kind: InsertErrorClass;
  /** ClickHouse's numeric error code, when the server sent one. */
  readonly serverCode: number | undefined;
}

/** ClickHouse codes meaning "this data cannot be parsed or stored", never fixed by a retry. */
export const BAD_DATA_CODES: ReadonlySet<number> = new Set([
  6, 26, 27, 32, 33, 38, 41, 53, 69, 70, 72, 117, 131, 321, 354, 376, 407, 691,
]);

/** Configuration problems: wrong credentials, missing grants, a query our code built wrong. */
export const FATAL_CODES: ReadonlySet<number> = new Set([16, 47, 62, 192, 193, 194, 195, 497, 516]);

const SERVER_CODE = /Code:\s*(\d+)/;

/** Reads the server's code from the error (current servers set `.code`; 18.16 only says "Code: N" in the text). */
export function serverCodeOf(err: unknown): number | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && /^\d+$/.test(code)) return Number(code);
  if (typeof code === 'number') return code;
  const match = SERVER_CODE.exec((err as { message?: unknown }).message as string ?? '');
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** One pure decision, table-tested in test/unit/classify-insert-error.test.ts. */
export function classifyInsertError(err: unknown): ClassifiedInsertError {
  if ((err as { code?: unknown } | null)?.code === 'CLICKHOUSE_SCHEMA_MISMATCH') return { kind: 'fatal', serverCode: undefined };
  // The cluster's configuration, found wrong after start-up (no node answered then): an operator must act.
  if (err instanceof ClusterTopologyError) return { kind: 'fatal', serverCode: undefined };
  const serverCode = serverCodeOf(err);
  if (serverCode === undefined) return { kind: 'transient', serverCode };
  if (BAD_DATA_CODES.has(serverCode)) return { kind: 'bad_data', serverCode };
  if (FATAL_CODES.has(serverCode)) return { kind: 'fatal', serverCode };
  return { kind: 'transient', serverCode };
}
