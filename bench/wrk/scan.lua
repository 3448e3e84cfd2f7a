dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
request = function() return op("Scan", '{"TableName":"bench","Limit":100}') end
