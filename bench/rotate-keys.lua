-- Sends each request with the next API key from the file given after "--": one key per workspace,
-- so the requests spread over all the workspaces of the benchmark.
local keys = {}
local index = 0

function init(args)
  for line in io.lines(args[1]) do
    keys[#keys + 1] = line
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
  index = math.random(#keys)
end

function request()
  index = index % #keys + 1
  return wrk.format("GET", nil, { ["Authorization"] = "Bearer " .. keys[index] })
end
