import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { envSchema } from '../../src/config/env-schema.js';
import { ERROR_CODES } from '../../src/errors/error-codes.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** First-column `CODE` cells of the README table that follows `heading`. */
function tableKeys(heading: string): string[] {
  const section = readme.split(heading)[1]?.split('\n## ')[0] ?? '';
  return [...section.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1] as string);
}

test('README lists every error code, and only those', () => {
  assert.deepEqual(tableKeys('## Error codes').sort(), Object.keys(ERROR_CODES).sort());
});

test('README documents every environment variable, and only those', () => {
  assert.deepEqual(tableKeys('## Configuration').sort(), Object.keys(envSchema.shape).sort());
});
