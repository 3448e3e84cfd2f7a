dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
request = function()
  if math.random() < 0.8 then
    return op("GetItem", '{"TableName":"bench","Key":' .. existing_key() .. '}')
  end
  return op("PutItem", '{"TableName":"bench","Item":' .. new_item() .. '}')
end
