dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
request = function()
  return op("UpdateItem", '{"TableName":"bench","Key":' .. existing_key() ..
    ',"UpdateExpression":"ADD #n :one","ExpressionAttributeNames":{"#n":"n"},"ExpressionAttributeValues":{":one":{"N":"1"}}}')
end
