package ratelimit

import "github.com/redis/go-redis/v9"

// The Lua scripts the Redis limiter runs besides redis_rate's GCRA. Each
// runs atomically on the server, on one key, with the server's clock.

// refundGCRA gives back one event of a GCRA bucket that redis_rate keeps:
// its theoretical arrival time (seconds since 2017-01-01, as redis_rate
// stores it) moves back by one emission interval, period / rate computed
// as redis_rate does. A bucket that is full again is deleted, as redis_rate
// would have let it expire; a key with nothing taken is left alone. It is
// Memory.Refund on the server.
//
// KEYS[1] the bucket; ARGV[1] the rate (events); ARGV[2] the period (seconds).
var refundGCRA = redis.NewScript(`
redis.replicate_commands()
local key = KEYS[1]
local emission_interval = tonumber(ARGV[2]) / tonumber(ARGV[1])
local tat = redis.call("GET", key)
if not tat then
  return 0
end
local now = redis.call("TIME")
now = (now[1] - 1483228800) + (now[2] / 1000000)
tat = tonumber(tat) - emission_interval
if tat > now then
  redis.call("SET", key, tat, "EX", math.ceil(tat - now))
else
  redis.call("DEL", key)
end
return 1
`)

// allowWindow takes one event of a fixed-window budget: a count that
// expires when the window, opened by the first event, ends. It returns -1
// when the event is allowed, else the milliseconds until the window ends.
// A count left without an expiry (which this script never writes) gets
// one, so that it cannot block forever.
//
// KEYS[1] the budget; ARGV[1] the events allowed; ARGV[2] the window
// (milliseconds).
var allowWindow = redis.NewScript(`
local key = KEYS[1]
local events = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local n = redis.call("GET", key)
if not n then
  redis.call("SET", key, 1, "PX", window)
  return -1
end
if tonumber(n) >= events then
  local ttl = redis.call("PTTL", key)
  if ttl < 0 then
    redis.call("PEXPIRE", key, window)
    ttl = window
  end
  return ttl
end
redis.call("INCR", key)
return -1
`)

// refundWindow gives back one event of a fixed-window budget whose window
// is still open; the window keeps its end. It is Memory.Refund of a fixed
// rate on the server.
//
// KEYS[1] the budget.
var refundWindow = redis.NewScript(`
local n = redis.call("GET", KEYS[1])
if n and tonumber(n) > 0 then
  redis.call("DECR", KEYS[1])
  return 1
end
return 0
`)
