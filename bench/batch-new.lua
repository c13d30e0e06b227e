-- wrk script: POST /v1/gpu-config/batch, 100 requests per batch that the service has not answered
-- before (5 real ids, a random contextLength each), so every item is evaluated by the rules.
local ids = {
  "meta-llama/Llama-3.1-8B-Instruct", "Qwen/Qwen3-30B-A3B-FP8", "mistralai/Mixtral-8x7B-Instruct-v0.1",
  "deepseek-ai/DeepSeek-V3", "hugging-quants/Meta-Llama-3.1-70B-Instruct-AWQ-INT4",
}
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
init = function(args) math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16)) end
request = function()
  local items = {}
  for k = 1, 100 do
    items[k] = '{"model":"' .. ids[(k - 1) % #ids + 1] .. '","contextLength":' .. math.random(4096, 32767) .. '}'
  end
  return wrk.format(nil, "/v1/gpu-config/batch", nil, "[" .. table.concat(items, ",") .. "]")
end
