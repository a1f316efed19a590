import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A random 10.x.y.0/24 that no interface address and no route of this machine's (root network
 * namespace) uses yet: `prefix` is `10.x.y`. Another test choosing the same one at the same moment
 * is unlikely (1 in ~64,000) and shows as a failed `ip addr add`, not as crossed traffic.
 */
export async function freeSubnet(attempts = 50): Promise<{ prefix: string }> {
  const { stdout: addresses } = await run('ip', ['-o', '-4', 'addr', 'show']);
  const { stdout: routes } = await run('ip', ['-4', 'route', 'show', 'table', 'all']);
  const used = `${addresses}\n${routes}`;
  for (let i = 0; i < attempts; i++) {
    const prefix = `10.${randomInt(16, 250)}.${randomInt(1, 255)}`;
    // A /8 or /16 route covering it would capture the traffic too.
    const covered = [`${prefix}.`, `${prefix}/`, `${prefix.split('.').slice(0, 2).join('.')}.0.0/16`, '10.0.0.0/8'];
    if (!covered.some((text) => used.includes(text))) return { prefix };
  }
  throw new Error(`no unused 10.x.y.0/24 found in ${attempts} tries`);
}
