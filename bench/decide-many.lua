-- wrk script: POST /v1/gpu-config over KEYS distinct requests (default 1000): nine real model ids
-- times context lengths from 1,024 up in steps of 16, the same list walked by every connection.
-- For bench/edit-under-load.sh: a dashboard's repeated requests, more of them than bench/decide.lua.
local ids = {
  "meta-llama/Llama-3.1-8B-Instruct", "Qwen/Qwen3-30B-A3B-FP8", "mistralai/Mixtral-8x7B-Instruct-v0.1",
  "TheBloke/Llama-2-7B-Chat-GPTQ", "deepseek-ai/DeepSeek-V3", "google/gemma-2-9b-it", "openai/gpt-oss-20b",
  "hugging-quants/Meta-Llama-3.1-70B-Instruct-AWQ-INT4", "some-org/mystery-model-13b",
}
local n = tonumber(os.getenv("KEYS") or "1000")
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  i = i % n
  local id = ids[i % #ids + 1]
  local context = 1024 + math.floor(i / #ids) * 16
  i = i + 1
  return wrk.format(nil, "/v1/gpu-config", nil, '{"model":"' .. id .. '","contextLength":' .. context .. '}')
end
