-- Orders committed as incomplete: out of pending, into incomplete, counted once; their fills
-- stay for a late fill. KEYS: pending, incomplete, incomplete-total. ARGV: now (ms), members.
local marked = 0
for i = 2, #ARGV do
  if redis.call('ZREM', KEYS[1], ARGV[i]) == 1 then
    redis.call('ZADD', KEYS[2], ARGV[1], ARGV[i])
    marked = marked + 1
  end
end
if marked > 0 then redis.call('INCRBY', KEYS[3], marked) end
return marked
