-- Stages fills per open order, atomically.
-- KEYS: pending (zset, first-seen ms), ended (zset, due ms), then one fills hash per order, in ARGV's order.
-- ARGV: ttl (s), now (ms), then per order: member, first-seen (ms), 1 when these fills hold a
--   terminal one (else 0), fill count n, then n pairs of trade id and encoded fill.
-- A repeated trade id rewrites the same value; ZADD NX keeps the earliest first-seen time. An
-- order whose terminal fill is staged, now or before, is due now and returned whole, so whichever
-- fill arrives last, through any worker, completes it: {{member, {trade id, fill, ...}}, ...}.
local ttl, now = ARGV[1], ARGV[2]
local out = {}
local i, k = 3, 3
while i <= #ARGV do
  local member, seen, terminal, n = ARGV[i], ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3])
  local key = KEYS[k]
  redis.call('HSET', key, unpack(ARGV, i + 4, i + 3 + 2 * n))
  redis.call('EXPIRE', key, ttl)
  redis.call('ZADD', KEYS[1], 'NX', seen, member)
  if terminal == '1' or redis.call('ZSCORE', KEYS[2], member) then
    redis.call('ZADD', KEYS[2], now, member)
    out[#out + 1] = {member, redis.call('HGETALL', key)}
  end
  i = i + 4 + 2 * n
  k = k + 1
end
return out
