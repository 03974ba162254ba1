-- wrk script for bench/run.py: counts every response that is not 2xx (3xx included: a canonical
-- URL must answer 200) and prints one machine-readable line after wrk's own report.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0          -- responses outside 200-299, per thread
  first_bad = 0    -- the first such status, to tell the reader what went wrong
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    bad = bad + 1
    if first_bad == 0 then first_bad = status end
  end
end

function done(summary, latency, requests)
  local bad_total, first = 0, 0
  for _, thread in ipairs(threads) do
    bad_total = bad_total + thread:get("bad")
    if first == 0 then first = thread:get("first_bad") end
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d first_non2xx=%d" ..
    " socket_errors=%d timeouts=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    bad_total, first, e.connect + e.read + e.write, e.timeout))
end
