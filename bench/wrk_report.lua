-- wrk script for bench/run.py: prints one machine-readable line after wrk's own report.
--
-- It defines no `response` hook on purpose: with one, wrk copies every response body into Lua,
-- and for a 2 MB export that copy, made by the client on the same two cores, halved the rate
-- measured for the server. So the timed runs count what wrk counts itself, answers with a status
-- of 400 or more (`non2xx`); redirects and other non-2xx answers are caught by the 20 GETs that
-- run.py makes before and after the timed runs of each page.

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d first_non2xx=0" ..
    " socket_errors=%d timeouts=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write, e.timeout))
end
