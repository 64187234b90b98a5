-- Sends each request with the next API key from the file given after "--": one key per workspace,
-- so the requests spread over all the workspaces of the benchmark. The requests are built once,
-- in init, so that wrk, which shares the machine with the service, spends as little per request
-- on 10,000 keys as on one.
local requests = {}
local index = 0

function init(args)
  for line in io.lines(args[1]) do
    requests[#requests + 1] = wrk.format("GET", nil, { ["Authorization"] = "Bearer " .. line })
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
  index = math.random(#requests)
end

function request()
  index = index % #requests + 1
  return requests[index]
end
