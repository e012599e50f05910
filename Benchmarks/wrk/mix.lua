-- The request mix for wrk. Fixtures come from the file named by BENCH_FIXTURES (written by Benchmarks/run, one item a
-- line: `L path`, `P project`, `B token`, `O token`, `V owner project`, `b bidder project body`); BENCH_MIX gives the
-- shares of listing, project detail, bid submission and leveling (default "70,20,5,5"). Listings and details are drawn
-- from Zipf distributions (a few filters and projects are popular, most are not).
local fixtures = { listings = {}, projects = {}, bidders = {}, owners = {}, leveling = {}, bids = {} }
for line in io.lines(os.getenv("BENCH_FIXTURES")) do
  local kind, rest = line:sub(1, 1), line:sub(3)
  if kind == "L" then fixtures.listings[#fixtures.listings + 1] = rest
  elseif kind == "P" then fixtures.projects[#fixtures.projects + 1] = rest
  elseif kind == "B" then fixtures.bidders[#fixtures.bidders + 1] = rest
  elseif kind == "O" then fixtures.owners[#fixtures.owners + 1] = rest
  elseif kind == "V" then
    local owner, project = rest:match("^(%d+) (%S+)$")
    fixtures.leveling[#fixtures.leveling + 1] = { tonumber(owner), project }
  elseif kind == "b" then
    local bidder, project, body = rest:match("^(%d+) (%S+) (.*)$")
    fixtures.bids[#fixtures.bids + 1] = { tonumber(bidder), project, body }
  end
end
local shares = {}
for share in string.gmatch(os.getenv("BENCH_MIX") or "70,20,5,5", "[^,]+") do shares[#shares + 1] = tonumber(share) end
local cumulative, sum = {}, 0
for i, share in ipairs(shares) do sum = sum + share; cumulative[i] = sum end

local function zipf(n, s)
  local weights, total = {}, 0
  for k = 1, n do total = total + 1 / (k ^ s); weights[k] = total end
  for k = 1, n do weights[k] = weights[k] / total end
  return weights
end

local function draw(weights)
  local r, lo, hi = math.random(), 1, #weights
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if weights[mid] < r then lo = mid + 1 else hi = mid end
  end
  return lo
end

local listingWeights = zipf(#fixtures.listings, 1.1)
local detailWeights = zipf(#fixtures.projects, 1.1)
-- `threadIndex` is a global: setup() puts it into each thread's own Lua state (thread:set), where init() finds it.
local threadCount, bidCursor = 1, 0
local bidOffset = tonumber(os.getenv("BENCH_BID_OFFSET") or "0")
-- BENCH_DELAY_MS: each connection waits this long before its next request (a steady load, not flat out).
local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
if pause > 0 then
  function delay() return pause end
end
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("threadIndex", counter - 1)
end

function init(args)
  threadIndex = tonumber(threadIndex) or 0
  threadCount = tonumber(os.getenv("BENCH_THREADS") or "2")
  math.randomseed(os.time() + threadIndex * 7919)
end

local json = "application/json"

function request()
  local r = math.random() * sum
  if r <= cumulative[1] then
    return wrk.format("GET", fixtures.listings[draw(listingWeights)])
  elseif r <= cumulative[2] then
    return wrk.format("GET", "/api/v1/projects/" .. fixtures.projects[draw(detailWeights)])
  elseif r <= cumulative[3] then
    -- Each (company, project) pair is used once: a company has one live bid per project. Every run that bids starts at
    -- its own BENCH_BID_OFFSET, so runs never reuse each other's pairs.
    local index = bidOffset + bidCursor * threadCount + threadIndex + 1
    bidCursor = bidCursor + 1
    local pair = fixtures.bids[((index - 1) % #fixtures.bids) + 1]
    return wrk.format("POST", "/api/v1/projects/" .. pair[2] .. "/bids",
      { ["Authorization"] = "Bearer " .. fixtures.bidders[pair[1]], ["Content-Type"] = json }, pair[3])
  else
    local level = fixtures.leveling[math.random(#fixtures.leveling)]
    return wrk.format("GET", "/api/v1/projects/" .. level[2] .. "/bids/leveling",
      { ["Authorization"] = "Bearer " .. fixtures.owners[level[1]] })
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"seconds":%.3f,"p50":%.3f,"p95":%.3f,"p99":%.3f,"errors":%d,"non2xx":%d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, errors.connect + errors.read + errors.write + errors.timeout, errors.status))
end
