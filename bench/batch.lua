-- wrk script: POST /v1/gpu-config/batch with 100 models per request, or BATCH_ITEMS (the API takes
-- up to 1000).
local ids = {
  "meta-llama/Llama-3.1-8B-Instruct", "Qwen/Qwen3-30B-A3B-FP8", "mistralai/Mixtral-8x7B-Instruct-v0.1",
  "microsoft/phi-2", "TheBloke/Llama-2-7B-Chat-GPTQ", "deepseek-ai/DeepSeek-V3", "Qwen/Qwen2.5-0.5B-Instruct",
  "google/gemma-2-9b-it", "openai/gpt-oss-20b", "hugging-quants/Meta-Llama-3.1-70B-Instruct-AWQ-INT4",
}
local n = tonumber(os.getenv("BATCH_ITEMS") or "100")
local items = {}
for k = 1, n do
  items[k] = '{"model":"' .. ids[(k - 1) % #ids + 1] .. '","contextLength":' .. (1024 * (1 + k % 4)) .. '}'
end
wrk.method = "POST"
wrk.path = "/v1/gpu-config/batch"
wrk.headers["Content-Type"] = "application/json"
wrk.body = "[" .. table.concat(items, ",") .. "]"
