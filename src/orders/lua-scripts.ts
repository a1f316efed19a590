import { readFileSync } from 'node:fs';
import type { Result } from 'ioredis';
import type { RedisClient } from '../../queues/redis-connection.js';

/** The orders' Lua scripts (src/orders/lua/*.lua), every key in KEYS; the key count is given per call. */
const NAMES = {
  tsOrdersStage: 'stage',
  tsOrdersLoad: 'load',
  tsOrdersPark: 'park',
  tsOrdersForget: 'forget',
  tsOrdersMarkIncomplete: 'mark-incomplete',
  tsOrdersStagedAmong: 'staged-among',
  tsOrdersCounts: 'counts',
  tsOrdersWriteRecord: 'write-record',
  tsOrdersDropRecords: 'drop-records',
} as const;

type Arg = string | number;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    tsOrdersStage(numKeys: number, ...keysAndArgs: Arg[]): Result<[string, string[]][], Context>;
    tsOrdersLoad(numKeys: number, ...keys: Arg[]): Result<string[][], Context>;
    tsOrdersPark(numKeys: number, ...keysAndArgs: Arg[]): Result<number, Context>;
    tsOrdersForget(numKeys: number, ...keysAndArgs: Arg[]): Result<number, Context>;
    tsOrdersMarkIncomplete(numKeys: number, ...keysAndArgs: Arg[]): Result<number, Context>;
    tsOrdersStagedAmong(numKeys: number, ...keysAndArgs: Arg[]): Result<string[], Context>;
    tsOrdersCounts(numKeys: number, ...keys: Arg[]): Result<[number, number, number], Context>;
    tsOrdersWriteRecord(numKeys: number, ...keysAndArgs: Arg[]): Result<number, Context>;
    tsOrdersDropRecords(numKeys: number, ...keysAndArgs: Arg[]): Result<number, Context>;
  }
}

let sources: Record<string, string> | undefined;

/** Defines the scripts on a connection once (read from their files the first time). */
export function defineOrdersScripts(redis: RedisClient): void {
  if (Object.hasOwn(redis, 'tsOrdersStage')) return;
  sources ??= Object.fromEntries(Object.values(NAMES).map((file) => [file, readFileSync(new URL(`./lua/${file}.lua`, import.meta.url), 'utf8')]));
  for (const [command, file] of Object.entries(NAMES)) redis.defineCommand(command, { lua: sources[file] as string });
}
