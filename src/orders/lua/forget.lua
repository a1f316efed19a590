-- Forgets committed orders entirely. KEYS: pending, incomplete, ended, then one fills hash per
-- order. ARGV: the orders' members.
redis.call('DEL', unpack(KEYS, 4))
redis.call('ZREM', KEYS[1], unpack(ARGV))
redis.call('ZREM', KEYS[2], unpack(ARGV))
redis.call('ZREM', KEYS[3], unpack(ARGV))
return #ARGV
