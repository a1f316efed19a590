import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * The one root logger of a process: JSON lines on stderr (stdout stays free for command output).
 * Components take children: `rootLogger.child({ component: 'sink', queue })`.
 */
export function createLogger(level: string = 'info'): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: { paths: ['*.password', '*.secret', '*.sig', 'password', 'secret', 'sig', 'keyring'], censor: '[redacted]' },
    },
    pino.destination({ fd: 2, sync: false }),
  );
}
