-- The staged fills of orders. KEYS: one fills hash per order. Returns one HGETALL per key.
local out = {}
for i = 1, #KEYS do
  out[i] = redis.call('HGETALL', KEYS[i])
end
return out
