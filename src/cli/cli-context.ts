import { loadConfig, type Config } from '../config/index.js';
import { createLogger, type Logger } from '../logger.js';

/** What every command gets: the config parsed once, the root logger, and stdout for its output. */
export interface CliContext {
  readonly config: Config;
  readonly log: Logger;
  print(line: string): void;
}

export function createCliContext(): CliContext {
  const config = loadConfig();
  return {
    config,
    log: createLogger(config.logLevel),
    print: (line) => process.stdout.write(`${line}\n`),
  };
}
