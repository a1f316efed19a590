-- Orders read as incomplete although due (an earlier fill is missing): parked (score +inf in
-- ended) unless a fill was staged since they were read (then they stay due). An order read with
-- no fills at all (an older release forgot it, or its hash expired) leaves ended and pending.
-- KEYS: ended, pending, then one fills hash per order. ARGV: per order, its member and the field count read.
local changed = 0
for i = 3, #KEYS do
  local member, fields = ARGV[2 * i - 5], tonumber(ARGV[2 * i - 4])
  if redis.call('HLEN', KEYS[i]) == fields then
    if fields == 0 then
      changed = changed + redis.call('ZREM', KEYS[1], member)
      redis.call('ZREM', KEYS[2], member)
    else
      changed = changed + redis.call('ZADD', KEYS[1], 'XX', 'CH', '+inf', member)
    end
  end
end
return changed
