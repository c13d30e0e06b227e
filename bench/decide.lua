-- wrk script: POST /v1/gpu-config, rotating over real model ids.
local ids = {
  "meta-llama/Llama-3.1-8B-Instruct", "Qwen/Qwen3-30B-A3B-FP8", "mistralai/Mixtral-8x7B-Instruct-v0.1",
  "microsoft/phi-2", "TheBloke/Llama-2-7B-Chat-GPTQ", "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF:Q4_K_M",
  "deepseek-ai/DeepSeek-V3", "Qwen/Qwen2.5-0.5B-Instruct", "google/gemma-2-9b-it", "openai/gpt-oss-20b",
  "hugging-quants/Meta-Llama-3.1-70B-Instruct-AWQ-INT4", "some-org/mystery-model-13b",
}
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  i = i % #ids + 1
  return wrk.format(nil, "/v1/gpu-config", nil, '{"model":"' .. ids[i] .. '"}')
end
