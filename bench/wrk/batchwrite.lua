dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
request = function()
  local puts = {}
  for i = 1, 25 do puts[i] = '{"PutRequest":{"Item":' .. new_item() .. '}}' end
  return op("BatchWriteItem", '{"RequestItems":{"bench":[' .. table.concat(puts, ",") .. ']}}')
end
