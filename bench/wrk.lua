-- wrk script for bench/load.py. GET by default; WRK_BODY_FILE set: POST that file as JSON.
-- WRK_VARY=1: every request adds a different far-future published_before (it changes no
-- result), so no cache can answer. done() prints one machine-readable RESULT line.
local body_file = os.getenv("WRK_BODY_FILE")
if body_file and body_file ~= "" then
  local fh = assert(io.open(body_file, "rb"))
  wrk.method = "POST"
  wrk.body = fh:read("*a")
  fh:close()
  wrk.headers["Content-Type"] = "application/json"
end

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

if os.getenv("WRK_VARY") == "1" then
  local counter = 0
  local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
  request = function()
    counter = counter + 1
    -- 4070908800 is 2099-01-01T00:00:00Z; thread and counter make every bound different.
    local bound = os.date("!%Y-%m-%dT%H:%M:%SZ", 4070908800 + tid * 10000000 + counter)
    return wrk.format(nil, wrk.path .. sep .. "published_before=" .. bound)
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d rps=%.2f p50_us=%d p90_us=%d p99_us=%d max_us=%d non2xx=%d socket_errors=%d bytes=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.status, e.connect + e.read + e.write + e.timeout, summary.bytes))
end
