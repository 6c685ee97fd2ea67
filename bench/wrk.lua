-- wrk script of the load run (bench/load_run.sh):
--   wrk -t2 -c16 -d15s --latency -s bench/wrk.lua http://127.0.0.1:18080 -- paths.txt
-- Rotates over the request paths in the file named by the first script argument (one a line,
-- e.g. /almelo/kaart?q=huiskamer), each thread starting at another place in the list, and
-- prints one line that bench/load_run.sh reads:
--   WRK requests=… seconds=… rps=… p50_ms=… p90_ms=… p99_ms=… max_ms=… non2xx=… socket_errors=…
-- Headers given with -H (a session cookie) go with every request.

local threads = {}
local paths = {}
local counter = 0

function setup(thread)
  thread:set("thread_number", #threads)
  table.insert(threads, thread)
end

function init(args)
  local file = args[1] or error("wrk.lua: name a file of paths after --")
  for line in io.lines(file) do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
  if #paths == 0 then
    error("wrk.lua: no paths in " .. file)
  end
  counter = (thread_number or 0) * math.floor(#paths / 2)
end

function request()
  counter = counter + 1
  return wrk.format(nil, paths[(counter % #paths) + 1])
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  io.write(string.format(
    "WRK requests=%d seconds=%.3f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f non2xx=%d socket_errors=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
