dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
request = function() return op("PutItem", '{"TableName":"bench","Item":' .. new_item() .. '}') end
