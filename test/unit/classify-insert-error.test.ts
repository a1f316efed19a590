import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseError } from '@clickhouse/client';
import { classifyInsertError, serverCodeOf, type InsertErrorClass } from '../../src/sinks/clickhouse/classify-insert-error.js';

/** The error the HTTP client throws for ClickHouse 18.16's plain-text body (no "(TYPE)" marker: a plain Error). */
const legacy = (code: number, text: string): Error => parseError(`Code: ${code}, e.displayText() = DB::Exception: ${text}, e.what() = DB::Exception\n`) as Error;
/** The error the client throws for a current server's body (a ClickHouseError with a string `.code`). */
const current = (code: number, text: string, type: string): Error => parseError(`Code: ${code}. DB::Exception: ${text}. (${type}) (version 24.8.4.13 (official build))\n`) as Error;

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

const cases: { name: string; err: unknown; kind: InsertErrorClass; serverCode: number | undefined }[] = [
  { name: '18.16 cannot parse input', err: legacy(27, "Cannot parse input: expected \\t before: ABC: (at row 1)"), kind: 'bad_data', serverCode: 27 },
  { name: 'current cannot parse input', err: current(27, "Cannot parse input: expected '\\t' before: 'ABC'", 'CANNOT_PARSE_INPUT_ASSERTION_FAILED'), kind: 'bad_data', serverCode: 27 },
  { name: '18.16 too large string (FixedString)', err: legacy(131, 'Too large value for FixedString(4): (at row 2)'), kind: 'bad_data', serverCode: 131 },
  { name: 'current too large string', err: current(131, 'Too large value for FixedString(4)', 'TOO_LARGE_STRING_SIZE'), kind: 'bad_data', serverCode: 131 },
  { name: '18.16 cannot parse uuid', err: legacy(376, 'Cannot parse uuid ZZZ'), kind: 'bad_data', serverCode: 376 },
  { name: 'current cannot parse uuid', err: current(376, 'Cannot parse uuid ZZZ', 'CANNOT_PARSE_UUID'), kind: 'bad_data', serverCode: 376 },
  { name: '18.16 unknown table', err: legacy(60, "Table db.trades doesn't exist."), kind: 'transient', serverCode: 60 },
  { name: 'current unknown table', err: current(60, 'Table db.trades does not exist', 'UNKNOWN_TABLE'), kind: 'transient', serverCode: 60 },
  { name: 'memory limit', err: current(241, 'Memory limit (total) exceeded: would use 9.31 GiB', 'MEMORY_LIMIT_EXCEEDED'), kind: 'transient', serverCode: 241 },
  { name: '18.16 memory limit', err: legacy(241, 'Memory limit (for query) exceeded'), kind: 'transient', serverCode: 241 },
  { name: 'too many parts', err: current(252, 'Too many parts (300). Merges are processing significantly slower than inserts', 'TOO_MANY_PARTS'), kind: 'transient', serverCode: 252 },
  { name: 'authentication failed', err: current(516, 'default: Authentication failed: password is incorrect', 'AUTHENTICATION_FAILED'), kind: 'fatal', serverCode: 516 },
  { name: 'access denied', err: current(497, 'writer: Not enough privileges. To execute this query it is necessary to have grant INSERT', 'ACCESS_DENIED'), kind: 'fatal', serverCode: 497 },
  { name: 'connection refused', err: withCode('connect ECONNREFUSED 127.0.0.1:8123', 'ECONNREFUSED'), kind: 'transient', serverCode: undefined },
  { name: 'socket reset', err: withCode('socket hang up', 'ECONNRESET'), kind: 'transient', serverCode: undefined },
  { name: 'socket timeout without a code', err: new Error('Timeout error.'), kind: 'transient', serverCode: undefined },
  { name: 'a thrown string', err: 'boom', kind: 'transient', serverCode: undefined },
  { name: 'null', err: null, kind: 'transient', serverCode: undefined },
];

for (const { name, err, kind, serverCode } of cases) {
  test(`${name} → ${kind}`, () => {
    assert.deepEqual(classifyInsertError(err), { kind, serverCode });
  });
}

test('the client really parses the current form into a string code and leaves 18.16 text as a plain Error', () => {
  assert.equal((current(27, 'x', 'CANNOT_PARSE_INPUT_ASSERTION_FAILED') as Error & { code?: unknown }).code, '27');
  assert.equal((legacy(27, 'x') as Error & { code?: unknown }).code, undefined);
});

test('serverCodeOf reads a numeric-string or numeric .code before the message', () => {
  assert.equal(serverCodeOf({ code: '241', message: 'Code: 27. something' }), 241);
  assert.equal(serverCodeOf({ code: 252 }), 252);
  assert.equal(serverCodeOf({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }), undefined);
  assert.equal(serverCodeOf({ code: 'ECONNREFUSED', message: 'Code: 60, e.displayText() = ...' }), 60);
  assert.equal(serverCodeOf({ message: 42 }), undefined);
  assert.equal(serverCodeOf(undefined), undefined);
  assert.equal(serverCodeOf('Code: 27'), undefined);
});
