-- Concurrent clients answering and voting through the JSON API, each request with a random bench user's token.
-- Env: BENCH_TOKENS (file, one token per line), BENCH_QUESTION (question id), BENCH_ANSWERS (comma-separated ids).
-- A 409 is a racing duplicate vote correctly refused: counted as a conflict, not an error.
local threads = {}
local tokens, answers = {}, {}
local thread_no = 0
function setup(thread)
  thread_no = thread_no + 1
  thread:set("id", thread_no)
  table.insert(threads, thread)
end
function init(args)
  for line in io.lines(os.getenv("BENCH_TOKENS")) do table.insert(tokens, line) end
  for each in string.gmatch(os.getenv("BENCH_ANSWERS"), "%d+") do table.insert(answers, each) end
  question = os.getenv("BENCH_QUESTION")
  bad, server_errors, conflicts, posted, voted, n = 0, 0, 0, 0, 0, 0
  math.randomseed(os.time() + id * 7919)
end
function request()
  n = n + 1
  local headers = {["Authorization"] = "Bearer " .. tokens[math.random(#tokens)], ["Content-Type"] = "application/json"}
  if n % 2 == 0 then
    return wrk.format("POST", "/api/v1/questions/" .. question .. "/answers", headers,
      '{"body": "Bitte das Modem 30 Sekunden vom Strom trennen und danach die Lampe pruefen. Lasttest ' .. id .. '-' .. n .. '"}')
  end
  local value = (math.random(2) == 1) and "1" or "-1"
  return wrk.format("POST", "/api/v1/answers/" .. answers[math.random(#answers)] .. "/vote", headers, '{"value": ' .. value .. '}')
end
function response(status, headers, body)
  if status == 201 then posted = posted + 1
  elseif status == 200 then voted = voted + 1
  elseif status == 409 then conflicts = conflicts + 1
  else bad = bad + 1 end
  if status >= 500 then server_errors = server_errors + 1 end
end
function done(summary, latency, requests)
  local sum = {bad = 0, posted = 0, voted = 0, conflicts = 0, server_errors = 0}
  for _, t in ipairs(threads) do
    for key, _ in pairs(sum) do sum[key] = sum[key] + (t:get(key) or 0) end
  end
  local e = summary.errors
  io.write(string.format('{"requests": %d, "rps": %.1f, "p50": %.2f, "p95": %.2f, "p99": %.2f, "socket_errors": %d, "http_errors": %d, "server_errors": %d, "conflicts": %d, "answers_created": %d, "votes_ok": %d}\n',
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, e.connect + e.read + e.write + e.timeout,
    sum.bad, sum.server_errors, sum.conflicts, sum.posted, sum.voted))
end
