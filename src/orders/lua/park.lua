-- Orders found incomplete although their terminal fill is staged (an earlier fill is missing):
-- no longer due, unless a fill was staged since they were read (then they stay due).
-- KEYS: ended, then one fills hash per order. ARGV: per order, its member and the field count read.
local parked = 0
for i = 2, #KEYS do
  local member, fields = ARGV[2 * i - 3], tonumber(ARGV[2 * i - 2])
  if redis.call('HLEN', KEYS[i]) == fields then
    parked = parked + redis.call('ZADD', KEYS[1], 'XX', 'CH', '+inf', member)
  end
end
return parked
