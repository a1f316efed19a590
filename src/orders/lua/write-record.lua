-- A batch record: its value (with a TTL) and its index entry. KEYS: the record, the index.
-- ARGV: value, ttl (s), written at (ms), id.
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
return 1
