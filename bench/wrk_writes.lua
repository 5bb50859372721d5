-- 50 clients answering and voting through the JSON API, each request with a random bench user's token.
-- Env: BENCH_TOKENS (file, one token per line), BENCH_QUESTION (question id), BENCH_ANSWERS (comma-separated ids).
local threads = {}
local tokens, answers = {}, {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  for line in io.lines(os.getenv("BENCH_TOKENS")) do table.insert(tokens, line) end
  for id in string.gmatch(os.getenv("BENCH_ANSWERS"), "%d+") do table.insert(answers, id) end
  question = os.getenv("BENCH_QUESTION")
  bad, posted, voted, n = 0, 0, 0, 0
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end
function request()
  n = n + 1
  local headers = {["Authorization"] = "Bearer " .. tokens[math.random(#tokens)], ["Content-Type"] = "application/json"}
  if n % 2 == 0 then
    return wrk.format("POST", "/api/v1/questions/" .. question .. "/answers", headers,
      '{"body": "Bitte das Modem 30 Sekunden vom Strom trennen und danach die Lampe pruefen. Lasttest ' .. n .. '"}')
  end
  local value = (math.random(2) == 1) and "1" or "-1"
  return wrk.format("POST", "/api/v1/answers/" .. answers[math.random(#answers)] .. "/vote", headers, '{"value": ' .. value .. '}')
end
function response(status, headers, body)
  if status == 201 then posted = posted + 1 elseif status == 200 then voted = voted + 1 elseif status >= 400 then bad = bad + 1 end
end
function done(summary, latency, requests)
  local b, p, v = 0, 0, 0
  for _, t in ipairs(threads) do b = b + (t:get("bad") or 0); p = p + (t:get("posted") or 0); v = v + (t:get("voted") or 0) end
  local e = summary.errors
  io.write(string.format('{"requests": %d, "rps": %.1f, "p50": %.2f, "p95": %.2f, "socket_errors": %d, "http_errors": %d, "answers_created": %d, "votes_ok": %d}\n',
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    e.connect + e.read + e.write + e.timeout, b, p, v))
end
