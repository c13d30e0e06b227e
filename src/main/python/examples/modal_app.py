"""Serve an LLM on Modal with vLLM, letting the GPU configuration service choose.

Documentation only (never run by the tests). Run from the project root with:
    PYTHONPATH=src/main/python GPU_CONFIG_URL=https://gpu-config.example.com \
        modal run src/main/python/examples/modal_app.py --model Qwen/Qwen3-30B-A3B-FP8

Flow: decide locally -> call the Modal function named by the answer's ``modalFunction``
-> in the container, run diagnostics and start vLLM with the decided ``engineArgs``/``env``
-> on a vLLM/CUDA failure ask the service (``recover``) what to try next, at most 4 attempts.
"""

import os
import traceback

import modal

from gpu_config_client import GpuConfigError, decide, diagnose, modal_gpu, recover

MAX_ATTEMPTS = 4

image = (
    modal.Image.debian_slim(python_version="3.11")
    .pip_install("vllm")
    .add_local_python_source("gpu_config_client")  # the client travels with the app
)
app = modal.App("gpu-config-chat", image=image)

# The containers call the service too (diagnostics), so they need a URL reachable from Modal.
service = modal.Secret.from_dict({"GPU_CONFIG_URL": os.environ.get("GPU_CONFIG_URL", "")})
common = dict(secrets=[service], timeout=3600)


def _serve(decision: dict, prompts: list) -> dict:
    """In the container: diagnostics, then vLLM. Returns {"ok", "texts"} or {"ok", "error"}."""
    engine_args = dict(decision["engineArgs"])
    try:
        # Reads nvidia-smi here and lets the service adjust memoryUtilization to the real card.
        report = diagnose(decision)
        print("diagnostics:", report.get("summary"))
        for warning in report.get("warnings") or []:
            print("  warning:", warning)
        engine_args["gpu_memory_utilization"] = report["memoryUtilization"]
    except GpuConfigError as e:
        print("diagnostics unavailable, keeping the decided utilization:", e)

    # Environment first: vLLM and PyTorch read it when they are imported.
    os.environ.update({k: str(v) for k, v in (decision.get("env") or {}).items()})
    try:
        from vllm import LLM, SamplingParams

        llm = LLM(model=decision["model"], **engine_args)
        outputs = llm.generate(prompts, SamplingParams(max_tokens=256))
        return {"ok": True, "texts": [o.outputs[0].text for o in outputs]}
    except Exception:  # OOM, unsupported dtype, bad checkpoint, ...: let the service judge
        return {"ok": False, "error": traceback.format_exc()[-4000:]}


# One Modal function per GPU type, as in the seed. Each attaches one GPU; for decisions with
# gpuCount > 1, give the function that count (e.g. gpu="H100:2") or use a modal.Cls with
# .with_options(gpu=modal_gpu(decision)).
@app.function(gpu="T4", **common)
def run_chat_t4(decision: dict, prompts: list) -> dict:
    return _serve(decision, prompts)


@app.function(gpu="L4", **common)
def run_chat_l4(decision: dict, prompts: list) -> dict:
    return _serve(decision, prompts)


@app.function(gpu="A10G", **common)
def run_chat_a10g(decision: dict, prompts: list) -> dict:
    return _serve(decision, prompts)


@app.function(gpu="L40S", **common)
def run_chat_l40s(decision: dict, prompts: list) -> dict:
    return _serve(decision, prompts)


@app.function(gpu="A100-40GB", **common)
def run_chat_a100_40gb(decision: dict, prompts: list) -> dict:
    return _serve(decision, prompts)


@app.function(gpu="A100-80GB", **common)
def run_chat_a100_80gb(decision: dict, prompts: list) -> dict:
    return _serve(decision, prompts)


@app.function(gpu="H100", **common)
def run_chat_h100(decision: dict, prompts: list) -> dict:
    return _serve(decision, prompts)


@app.function(gpu="H200", **common)
def run_chat_h200(decision: dict, prompts: list) -> dict:
    return _serve(decision, prompts)


@app.function(gpu="B200", **common)
def run_chat_b200(decision: dict, prompts: list) -> dict:
    return _serve(decision, prompts)


# The answer's "modalFunction" is a key of this map.
FUNCTIONS = {
    "run_chat_t4": run_chat_t4, "run_chat_l4": run_chat_l4, "run_chat_a10g": run_chat_a10g,
    "run_chat_l40s": run_chat_l40s, "run_chat_a100_40gb": run_chat_a100_40gb,
    "run_chat_a100_80gb": run_chat_a100_80gb, "run_chat_h100": run_chat_h100,
    "run_chat_h200": run_chat_h200, "run_chat_b200": run_chat_b200,
}


@app.local_entrypoint()
def main(model: str = "Qwen/Qwen3-30B-A3B-FP8", prompt: str = "Hello!", context_length: int = 0):
    decision = decide(model, contextLength=context_length or None)  # None: the service's default
    for attempt in range(1, MAX_ATTEMPTS + 1):
        print(f"attempt {attempt}: {decision['model']} on {modal_gpu(decision)} "
              f"at {decision['memoryUtilization']} ({decision['rulesVersion']})")
        result = FUNCTIONS[decision["modalFunction"]].remote(decision, [prompt])
        if result["ok"]:
            print(result["texts"][0])
            return
        # Failed: the service reads the error and says what to do next.
        answer = recover(decision, result["error"], attempt)
        print(f"{answer['action']}: {answer.get('reason')}")
        if answer["action"] == "GIVE_UP" or not answer.get("next"):
            for alt in answer.get("alternatives") or []:
                print(f"  consider {alt['model']}: {alt.get('reason')}")
            return
        # REDUCE_MEMORY (same GPU, less memory), FALLBACK_GPU (another GPU) and
        # ALTERNATIVE_MODEL (a smaller or quantized model) all hand over a full new decision.
        decision = answer["next"]
    print(f"still failing after {MAX_ATTEMPTS} attempts; giving up")
