import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TradeSyncError } from '../errors/index.js';

/** scripts/ensure-services.sh (copied to dist/scripts by the build): the one install script of `npm test` and `up`. */
export const ENSURE_SERVICES_SCRIPT = fileURLToPath(new URL('../../scripts/ensure-services.sh', import.meta.url));

/** The script's exit status when it cannot install (not root, not Debian); it printed what to run. */
const CANNOT_INSTALL = 3;

/**
 * Installs what `up` needs and is missing (clickhouse-server, redis-server) the way `npm test`
 * does, printing the script's progress line per step; with `dryRun` prints the plan only.
 * Throws SERVICES_NOT_INSTALLED when they are missing and cannot be installed here.
 */
export function installServices(options: { dryRun: boolean; print: (line: string) => void; script?: string; extraArgs?: readonly string[] }): Promise<void> {
  const args = [options.script ?? ENSURE_SERVICES_SCRIPT, '--runtime', '--install-only', ...(options.dryRun ? ['--dry-run'] : []), ...(options.extraArgs ?? [])];
  return new Promise((resolve, reject) => {
    const child = spawn('bash', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '';
    const onData = (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') options.print(line);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => {
      if (pending.trim() !== '') options.print(pending);
      if (code === 0) return resolve();
      if (code === CANNOT_INSTALL) {
        return reject(new TradeSyncError('SERVICES_NOT_INSTALLED', 'ClickHouse or Redis is missing and cannot be installed here: run the command printed above, then `npm run up` again'));
      }
      reject(new TradeSyncError('SERVICES_NOT_INSTALLED', `installing ClickHouse and Redis failed (ensure-services.sh exited with ${code}); see the lines above`));
    });
  });
}
