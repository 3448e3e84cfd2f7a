dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
request = function()
  return op("Query", string.format('{"TableName":"bench","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"p%d"}}}',
    math.random(0, PARTITIONS - 1)))
end
