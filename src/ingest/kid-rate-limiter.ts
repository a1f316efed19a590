import { createHash } from 'node:crypto';
import type { RedisClient } from '../../queues/redis-connection.js';

/**
 * A token bucket in a Redis hash, refilled from the server's clock, so every ingest instance
 * shares one budget per key id. Grants as many of the wanted tokens as the bucket holds (a
 * request may be accepted in part) and says how long the rest would have to wait.
 * KEYS[1] bucket; ARGV rate (tokens/s), burst, wanted. Returns {granted, waitMs}.
 */
const TAKE_TOKENS = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then tokens = burst; at = now end
if now > at then tokens = math.min(burst, tokens + (now - at) * rate / 1000) end
local granted = math.min(want, math.floor(tokens))
tokens = tokens - granted
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
local wait = 0
if granted < want then wait = math.ceil((math.min(want - granted, burst) - tokens) * 1000 / rate) end
return {granted, wait}
`;
const TAKE_TOKENS_SHA = createHash('sha1').update(TAKE_TOKENS).digest('hex');

export interface TokenGrant {
  readonly granted: number;
  /** Milliseconds until the tokens that were not granted would be there (0 when all were). */
  readonly waitMs: number;
}

export class KidRateLimiter {
  readonly #redis: RedisClient;
  readonly #base: string;
  readonly #rate: number;
  readonly #burst: number;

  constructor(redis: RedisClient, prefix: string, queue: string, ratePerSecond: number, burst: number) {
    this.#redis = redis;
    this.#base = `${prefix}:ingest:${queue}:rate:`;
    this.#rate = ratePerSecond;
    this.#burst = burst;
  }

  /** Takes up to `wanted` tokens (trades) from `kid`'s bucket. */
  async take(kid: string, wanted: number): Promise<TokenGrant> {
    const args = [1, `${this.#base}${kid}`, this.#rate, this.#burst, wanted] as const;
    let reply: unknown;
    try {
      reply = await this.#redis.evalsha(TAKE_TOKENS_SHA, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      reply = await this.#redis.eval(TAKE_TOKENS, ...args);
    }
    const [granted, waitMs] = Array.isArray(reply) ? reply.map(Number) : [0, 1000];
    return { granted: granted ?? 0, waitMs: waitMs ?? 1000 };
  }
}
