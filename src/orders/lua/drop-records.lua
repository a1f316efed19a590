-- Drops batch records. KEYS: the index, then the records. ARGV: their ids.
redis.call('DEL', unpack(KEYS, 2))
redis.call('ZREM', KEYS[1], unpack(ARGV))
return #ARGV
