import { loadConfig } from '../config/index.js';
import { formatCliError } from '../errors/format-cli-error.js';
import { createLogger } from '../logger.js';
import type { WorkerRole } from '../supervisor/worker-role.js';
import { startWorkerProcess } from './start-worker-process.js';

/** Entry of the files in workers/: config from the environment, one-line error and exit 1 on failure. */
export async function runProcessEntry(role: WorkerRole): Promise<void> {
  try {
    const config = loadConfig();
    await startWorkerProcess(config, createLogger(config.logLevel), role);
  } catch (err) {
    process.stderr.write(`${formatCliError(err)}\n`);
    process.exit(1);
  }
}
