import type { ChainableCommander } from 'ioredis';

/**
 * Runs a pipeline or MULTI and returns its replies, rejecting with the first command's error
 * (ioredis only resolves `exec()` with `[error, reply]` pairs, so a failed command, e.g. a
 * CROSSSLOT on a Redis Cluster, would otherwise pass unnoticed) or when a MULTI was discarded.
 */
export async function execAll(commands: ChainableCommander): Promise<unknown[]> {
  const replies = await commands.exec();
  if (replies === null) throw new Error('Redis discarded the transaction (EXEC returned null)');
  return replies.map(([err, reply]) => {
    if (err) throw err;
    return reply;
  });
}
