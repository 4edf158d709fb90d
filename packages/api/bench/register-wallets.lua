-- wrk script of bench:register: every request POSTs a fresh wallet (base + thread * 2^28 + n, 40 hex digits),
-- counts 2xx and other answers, and prints one JSON line when the run is done.
-- With a second argument <expiresAt> each request also carries a 65-byte `signature` and that `expiresAt` (the
-- shape of issue 18's proof of wallet; acceptance checks shape and expiry, the mint worker verifies it).
-- Usage: wrk -t1 -c100 -d10s -s register-wallets.lua http://host/api/register -- <base> [<expiresAt>]
local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

function init(args)
  base = tonumber(args[1] or "0")
  expires_at = tonumber(args[2] or "0")
  signature = "0x" .. string.rep("5a", 64) .. "1b"
  sent = 0
  accepted = 0
  other = 0
  request_headers = { ["content-type"] = "application/json" }
end

function request()
  sent = sent + 1
  local wallet = base + thread_index * 268435456 + sent
  if expires_at > 0 then
    return wrk.format("POST", nil, request_headers, string.format(
      '{"wallet":"0x%040x","signature":"%s","expiresAt":%d}', wallet, signature, expires_at))
  end
  return wrk.format("POST", nil, request_headers, string.format('{"wallet":"0x%040x"}', wallet))
end

function response(status)
  if status >= 200 and status < 300 then accepted = accepted + 1 else other = other + 1 end
end

function done(summary, latency)
  local total_accepted, total_other, total_sent = 0, 0, 0
  for _, thread in ipairs(threads) do
    total_accepted = total_accepted + thread:get("accepted")
    total_other = total_other + thread:get("other")
    total_sent = total_sent + thread:get("sent")
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests":%d,"durationMicros":%d,"accepted":%d,"non2xx":%d,"sent":%d,"errors":%d,' ..
    '"p50Micros":%d,"p99Micros":%d,"p999Micros":%d}\n',
    summary.requests, summary.duration, total_accepted, total_other, total_sent,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9)))
end
