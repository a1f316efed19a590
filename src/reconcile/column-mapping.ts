import { ReconcileError } from '../errors/index.js';
import { COMPARED_FIELDS } from './canonical-hash-sql.js';

/** Trade fields a source may provide: the compared ones, and the optional schema-2 fields a repair re-publishes. */
export const SOURCE_FIELDS = [...COMPARED_FIELDS, 'fee', 'liquidity'] as const;
export type SourceField = (typeof SOURCE_FIELDS)[number];

/** Our field name → the source's column name, for engines whose names differ from ours. */
export type ColumnMapping = Readonly<Partial<Record<SourceField, string>>>;

const KNOWN: ReadonlySet<string> = new Set(SOURCE_FIELDS);

/**
 * Parses `--map price=px,qty=size` (or repeated `--map` values). Our names must be fields trade-sync
 * compares (an allow-list); the source's names are checked against the source's columns later
 * (`resolveColumns`), so no name reaches SQL unchecked.
 */
export function parseColumnMapping(specs: readonly string[]): ColumnMapping {
  const mapping: Partial<Record<SourceField, string>> = {};
  for (const pair of specs.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean)) {
    const eq = pair.indexOf('=');
    const ours = eq < 0 ? pair : pair.slice(0, eq).trim();
    const theirs = eq < 0 ? '' : pair.slice(eq + 1).trim();
    if (!KNOWN.has(ours)) {
      throw new ReconcileError('RECONCILE_COLUMN_UNKNOWN', `--map ${pair}: "${ours}" is not a trade field (one of ${SOURCE_FIELDS.join(', ')})`);
    }
    if (theirs === '') throw new ReconcileError('RECONCILE_COLUMN_UNKNOWN', `--map ${pair}: give it as field=source_column`);
    mapping[ours as SourceField] = theirs;
  }
  return mapping;
}

/** A DuckDB identifier in double quotes (only ever applied to names the source itself reported). */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Each field's quoted source column. Fails on a mapped column the source lacks
 * (RECONCILE_COLUMN_UNKNOWN) and on a required field with no column (RECONCILE_SOURCE_INVALID);
 * optional fields without a column are left out.
 */
export function resolveColumns(
  mapping: ColumnMapping,
  sourceColumns: readonly string[],
  required: readonly SourceField[],
  what: string,
): Partial<Record<SourceField, string>> {
  const present = new Set(sourceColumns);
  const resolved: Partial<Record<SourceField, string>> = {};
  for (const field of SOURCE_FIELDS) {
    const column = mapping[field];
    if (column !== undefined && !present.has(column)) {
      throw new ReconcileError('RECONCILE_COLUMN_UNKNOWN', `--map ${field}=${column}: ${what} has no column "${column}" (it has: ${sourceColumns.join(', ')})`);
    }
    const name = column ?? (present.has(field) ? field : undefined);
    if (name !== undefined) resolved[field] = quoteIdentifier(name);
    else if (required.includes(field)) {
      throw new ReconcileError('RECONCILE_SOURCE_INVALID', `${what} has no column "${field}"; map it with --map ${field}=<column>`);
    }
  }
  return resolved;
}
