-- Prints one JSON line: throughput, latency percentiles (ms), socket errors and HTTP errors (status >= 400).
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad, server_errors = 0, 0 end
function response(status, headers, body)
  if status >= 400 then bad = bad + 1 end
  if status >= 500 then server_errors = server_errors + 1 end
end
function done(summary, latency, requests)
  local bad_total, server_total = 0, 0
  for _, t in ipairs(threads) do
    bad_total = bad_total + (t:get("bad") or 0)
    server_total = server_total + (t:get("server_errors") or 0)
  end
  local e = summary.errors
  io.write(string.format('{"requests": %d, "seconds": %.3f, "rps": %.1f, "p50": %.2f, "p95": %.2f, "p99": %.2f, "socket_errors": %d, "http_errors": %d, "server_errors": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.timeout, bad_total, server_total))
end
