// The Lua that makes each write one atomic step on the server, so separate processes agree.
//
// Key layout under the prefix P (T = base64url(tenant), K = base64url(kind); ids, parents and
// counter keys are raw and always last, so no two names can produce the same key):
//   P schema            schema version marker
//   P seq               global insertion sequence: the score that orders lists newest first
//   P tenants           SET of tenants that have keys, so reset() needs neither KEYS nor SCAN
//   P t:T:keys          ZSET of every key of the tenant; score = expiry in ms, +inf for records and indexes
//   P t:T:r:K:<id>      HASH v (version), c (createdAt), d (data JSON), p (parentId, when there is one),
//                       s (seq; absent from records written before it was kept there)
//   P t:T:i:K           ZSET of ids of a kind, scored by seq
//   P t:T:c:K:<parent>  ZSET of a parent's child ids, scored by seq
//   P t:T:n:<key>       counter
//   P t:T:x:<name>      ZSET: a sorted index (member -> score)
//   P t:T:l:<name>      LIST: a bounded log, each item "<seq> <entry JSON>"
//   P t:T:ls:<name>     the sequence of every tenant's log of that name, kept under the global
//                       tenant (T = base64url("")): a tenant's reset leaves it, a full reset removes it

/**
 * Applies a record's index changes inside its create or update script, so both land or neither.
 * KEYS[first..] are the indexes; from ARGV[arg] on, three values per index: member, score ('' to
 * remove), '1' when the member is to be prefixed by the record's seq (16 digits, as seqMember does).
 * Scores were checked by the caller: a script that fails halfway is not rolled back by Redis.
 */
const INDEX = `
local function index(first, arg, seq, registry)
  for k = first, #KEYS do
    local a = arg + (k - first) * 3
    local member = ARGV[a]
    if ARGV[a + 2] == '1' then member = string.format('%016d', seq) .. member end
    if ARGV[a + 1] == '' then redis.call('ZREM', KEYS[k], member)
    else redis.call('ZADD', KEYS[k], ARGV[a + 1], member) end
    redis.call('ZADD', registry, 'inf', KEYS[k])
  end
end
`;

/**
 * KEYS: record, kind index, registry, seq, tenants[, child index], indexes...; ARGV: id, createdAt,
 * data, tenant, parentId, how many of KEYS come before the indexes (5 or 6), then the index changes.
 * Returns the seq, 0 when the id is taken.
 */
export const CREATE = `${INDEX}
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local seq = redis.call('INCR', KEYS[4])
redis.call('HSET', KEYS[1], 'v', 1, 'c', ARGV[2], 'd', ARGV[3], 's', seq)
redis.call('ZADD', KEYS[2], seq, ARGV[1])
redis.call('ZADD', KEYS[3], 'inf', KEYS[1], 'inf', KEYS[2])
local fixed = tonumber(ARGV[6])
if fixed == 6 then
  redis.call('HSET', KEYS[1], 'p', ARGV[5])
  redis.call('ZADD', KEYS[6], seq, ARGV[1])
  redis.call('ZADD', KEYS[3], 'inf', KEYS[6])
end
index(fixed + 1, 7, seq, KEYS[3])
redis.call('SADD', KEYS[5], ARGV[4])
return seq
`;

/**
 * KEYS: record, registry, tenants, indexes...; ARGV: expected version, createdAt, data, tenant, then
 * the index changes, applied only when the version matched. parentId stays as stored.
 */
export const UPDATE = `${INDEX}
local v = redis.call('HGET', KEYS[1], 'v')
if not v or tonumber(v) ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'v', tonumber(v) + 1, 'c', ARGV[2], 'd', ARGV[3])
if #KEYS > 3 then
  index(4, 5, tonumber(redis.call('HGET', KEYS[1], 's') or '0'), KEYS[2])
  redis.call('SADD', KEYS[3], ARGV[4])
end
return 1
`;

/**
 * KEYS: record, kind index, registry; ARGV: id, child index prefix. The child index is named from
 * the stored parent, which only the server knows at that moment, so that one key is built here.
 */
export const DELETE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local parent = redis.call('HGET', KEYS[1], 'p')
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[3], KEYS[1])
local function unindex(index)
  redis.call('ZREM', index, ARGV[1])
  if redis.call('EXISTS', index) == 0 then redis.call('ZREM', KEYS[3], index) end
end
unindex(KEYS[2])
if parent then unindex(ARGV[2] .. parent) end
return 1
`;

/**
 * KEYS: index; ARGV: record key prefix, start, stop. Returns the total, then id, version, createdAt,
 * data, parentId (nil when none), seq per record: one snapshot, so the page agrees with its total.
 * The seq is the index's score, which records written before the hash kept it have too.
 */
export const PAGE = `
local out = { redis.call('ZCARD', KEYS[1]) }
local page = redis.call('ZREVRANGE', KEYS[1], ARGV[2], ARGV[3], 'WITHSCORES')
for i = 1, #page, 2 do
  local id = page[i]
  local r = redis.call('HMGET', ARGV[1] .. id, 'v', 'c', 'd', 'p')
  if r[1] then
    out[#out + 1] = id
    out[#out + 1] = r[1]
    out[#out + 1] = r[2]
    out[#out + 1] = r[3]
    out[#out + 1] = r[4]
    out[#out + 1] = page[i + 1]
  end
end
return out
`;

/**
 * KEYS: counter, registry, tenants; ARGV: ttl ms, tenant. The registry entry carries the expiry, and
 * expired ones are dropped whenever a new counter starts, so the registry does not grow with windows.
 */
export const INCREMENT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  redis.call('ZADD', KEYS[2], now + tonumber(ARGV[1]), KEYS[1])
  redis.call('SADD', KEYS[3], ARGV[2])
end
return n
`;

/** KEYS: registry, tenants; ARGV: batch size, tenant. Deletes one batch of a tenant's keys; returns how many remain. */
export const RESET_BATCH = `
local keys = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
if #keys > 0 then
  redis.call('DEL', unpack(keys))
  redis.call('ZREM', KEYS[1], unpack(keys))
end
local left = redis.call('ZCARD', KEYS[1])
if left == 0 then redis.call('SREM', KEYS[2], ARGV[2]) end
return left
`;

/**
 * KEYS: sequence, list, registry, tenants, global registry; ARGV: entry JSON, keep, tenant. The
 * sequence belongs to the global tenant (""), whatever tenant's list the entry goes to.
 */
export const APPEND = `
local seq = redis.call('INCR', KEYS[1])
redis.call('RPUSH', KEYS[2], seq .. ' ' .. ARGV[1])
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[2]), -1)
redis.call('ZADD', KEYS[3], 'inf', KEYS[2])
redis.call('ZADD', KEYS[5], 'inf', KEYS[1])
redis.call('SADD', KEYS[4], ARGV[3], '')
return seq
`;
