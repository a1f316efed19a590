-- Orders pending, committed as incomplete (still open), and incomplete commits in all.
-- KEYS: pending, incomplete, incomplete-total.
return {redis.call('ZCARD', KEYS[1]), redis.call('ZCARD', KEYS[2]), tonumber(redis.call('GET', KEYS[3]) or '0')}
