-- wrk script: POST /v1/gpu-config where nearly every request is new to the service: real model ids
-- with a random contextLength (4,096-32,767 tokens, 5 ids: about 143,000 distinct requests), so
-- the per-rule-set memo (2,048 answers, each kept from its second asking) almost never holds the
-- answer and the rules evaluate it.
local ids = {
  "meta-llama/Llama-3.1-8B-Instruct", "Qwen/Qwen3-30B-A3B-FP8", "mistralai/Mixtral-8x7B-Instruct-v0.1",
  "deepseek-ai/DeepSeek-V3", "hugging-quants/Meta-Llama-3.1-70B-Instruct-AWQ-INT4",
}
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
init = function(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end
request = function()
  i = i % #ids + 1
  return wrk.format(nil, "/v1/gpu-config", nil,
    '{"model":"' .. ids[i] .. '","contextLength":' .. math.random(4096, 32767) .. '}')
end
