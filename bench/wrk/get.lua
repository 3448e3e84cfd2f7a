dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
request = function() return op("GetItem", '{"TableName":"bench","Key":' .. existing_key() .. '}') end
