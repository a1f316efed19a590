-- Which of these orders have state staged (in pending or incomplete). KEYS: pending, incomplete.
-- ARGV: members. Returns the staged ones.
local out = {}
for i = 1, #ARGV do
  if redis.call('ZSCORE', KEYS[1], ARGV[i]) or redis.call('ZSCORE', KEYS[2], ARGV[i]) then
    out[#out + 1] = ARGV[i]
  end
end
return out
