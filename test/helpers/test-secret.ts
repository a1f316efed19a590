import { TEST_KEYS } from './test-env.js';

/** The secret of one of the TEST_KEYS key ids ('test-k1', 'test-k2'). */
export function testSecret(kid: string): string {
  const pair = TEST_KEYS.split(',').find((p) => p.startsWith(`${kid}:`));
  if (pair === undefined) throw new Error(`no test key "${kid}"`);
  return pair.slice(kid.length + 1);
}
