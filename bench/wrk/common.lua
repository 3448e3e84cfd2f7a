-- bench/wrk/common.lua: shared by every workload script. Each thread gets an id
-- so generated keys never collide between threads.
local headers = {
  ["Content-Type"] = "application/x-amz-json-1.0",
  ["X-Amz-Date"] = "20260101T000000Z",
  ["Authorization"] = "AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0",
}
local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  math.randomseed(tid * 7919)
end

PARTITIONS = 1000
PER_PARTITION = 10
DATA = string.rep("x", 200)

function op(name, body)
  headers["X-Amz-Target"] = "DynamoDB_20120810." .. name
  return wrk.format("POST", "/", headers, body)
end

function existing_key()
  local p = math.random(0, PARTITIONS - 1)
  local s = math.random(0, PER_PARTITION - 1)
  return string.format('{"pk":{"S":"p%d"},"sk":{"S":"s%02d"}}', p, s)
end

function new_item()
  counter = counter + 1
  return string.format('{"pk":{"S":"n%d-%d"},"sk":{"S":"s"},"data":{"S":"%s"},"n":{"N":"%d"}}', tid, counter, DATA, counter)
end

-- Count answers that were not 200, so a server that errors is not scored as fast.
errors = 0
function response(status, headers, body)
  if status ~= 200 then errors = errors + 1 end
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("errors") end
  io.write(string.format("BENCH_ERRORS %d\n", total))
  io.write(string.format("BENCH_P50_US %d\nBENCH_P99_US %d\n", latency:percentile(50), latency:percentile(99)))
end
