import type { Redis } from 'ioredis';
import { keySlot } from './key-slot.js';

/** One command a connection sent (alone, in a pipeline or in a MULTI), with the keys Redis sees in it. */
export interface RecordedCommand {
  readonly name: string;
  readonly keys: readonly string[];
}

/**
 * Records every command `redis` sends from now on, with its keys as ioredis finds them for
 * Cluster routing (`Command.getKeys()`: KEYS of EVAL/EVALSHA by their count, MGET's, DEL's, …).
 * Pipelines and MULTI send each queued command through the same `sendCommand`.
 */
export function recordCommandKeys(redis: Redis): RecordedCommand[] {
  const recorded: RecordedCommand[] = [];
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = (command, stream) => {
    recorded.push({ name: command.name, keys: command.getKeys().map(String) });
    return send(command, stream);
  };
  return recorded;
}

/** The distinct slots of the keys of these commands. */
export function slotsOf(commands: readonly RecordedCommand[]): Set<number> {
  return new Set(commands.flatMap((c) => c.keys.map(keySlot)));
}
