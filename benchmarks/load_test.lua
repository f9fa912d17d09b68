-- wrk script of benchmarks/load_test.py: each connection goes through the list of addresses in
-- LOAD_TEST_PATHS (one per line: home, searches, place pages, API), each thread from its own
-- starting point; the summary is printed as one line of JSON.

local threads = {}

function setup(thread)
  thread:set("offset", #threads * 7919)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(os.getenv("LOAD_TEST_PATHS")) do
    paths[#paths + 1] = line
  end
  counter = offset % #paths
  client_errors = 0
  server_errors = 0
end

function request()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter], { ["Accept-Encoding"] = "gzip", ["User-Agent"] = "spro-load-test" })
end

function response(status, headers, body)
  if status >= 500 then
    server_errors = server_errors + 1
  elseif status >= 400 then
    client_errors = client_errors + 1
  end
end

function done(summary, latency, requests)
  local client, server = 0, 0
  for _, thread in ipairs(threads) do
    client = client + thread:get("client_errors")
    server = server + thread:get("server_errors")
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "bytes": %d, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, '
      .. '"max_ms": %.2f, "connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d, '
      .. '"non_2xx_3xx": %d, "status_4xx": %d, "status_5xx": %d}\n',
    summary.requests, summary.duration / 1e6, summary.bytes,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, errors.connect, errors.read, errors.write, errors.timeout, errors.status, client, server
  ))
end
