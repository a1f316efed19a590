import type { Logger } from '../logger.js';

/**
 * First SIGTERM/SIGINT runs `stop` (drain with a deadline) and exits 0; the same signal again
 * exits at once with code 130. The other signal meanwhile is taken as the same request: Ctrl-C
 * in a terminal sends SIGINT to a whole process group, and the parent in it (`trade-sync up`, a
 * supervisor) then sends its children SIGTERM, which must not cut their drain short.
 * With `deadlineMs`, a `stop` still running that long after the signal (a release that hangs)
 * is abandoned: logged, exit 1. Unfinished jobs keep their Redis state and are taken again once
 * their locks expire. Returns a function that removes the handlers.
 */
export function onShutdownSignal(log: Logger, stop: () => Promise<void>, deadlineMs?: number): () => void {
  let first: NodeJS.Signals | undefined;
  const handler = (signal: NodeJS.Signals) => {
    if (first === signal) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    if (first !== undefined) {
      log.info({ signal, first }, 'already shutting down gracefully');
      return;
    }
    first = signal;
    log.info({ signal }, 'shutting down gracefully');
    if (deadlineMs !== undefined) {
      setTimeout(() => {
        log.error({ deadlineMs }, 'graceful shutdown did not finish in time; exiting');
        process.exit(1);
      }, deadlineMs).unref();
    }
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return () => {
    process.off('SIGTERM', handler);
    process.off('SIGINT', handler);
  };
}
