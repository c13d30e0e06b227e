"""Serve an LLM on Modal with vLLM, letting the GPU configuration service choose.

Documentation only (never run by the tests). Run from the project root with:
    PYTHONPATH=src/main/python GPU_CONFIG_URL=https://gpu-config.example.com \
        modal run src/main/python/examples/modal_app.py --model Qwen/Qwen3-30B-A3B-FP8

Flow: decide locally -> run one Modal class on the decision's GPUs (``gpu="H100:2"`` for two),
with the fallbacks as Modal's list of acceptable GPUs -> in the container, ask the service for the
decision for the GPUs it really got (``start_decision``) and start vLLM with it -> once vLLM is up,
report the start and the KV cache it allocated (``report_started``); on a vLLM/CUDA failure ask
the service (``recover``) what to try next, at most 4 attempts. The service remembers both, so the
next deployment of the model avoids a configuration that keeps failing, on every replica.
"""

import os
import traceback

import modal

from gpu_config_client import GpuConfigError, decide, modal_gpu, recover, report_started, start_decision

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


def _kv_cache_tokens(llm) -> "int | None":
    """The KV cache vLLM allocated, in tokens (blocks x block size), or None when this release hides it."""
    try:
        cache = llm.llm_engine.vllm_config.cache_config
        return cache.num_gpu_blocks * cache.block_size
    except Exception:
        return None


def _serve(decision: dict, prompts: list) -> dict:
    """In the container: the decision for the GPUs it got, then vLLM.

    Returns {"ok", "texts", "started"} or {"ok", "error", "started"}: "started" is the decision as
    this container ran it, the one to report.
    """
    started = decision
    try:
        # Modal may have started this container on any GPU of the list, and with gpuCount GPUs:
        # the service decides again for exactly what nvidia-smi sees (type, count, free memory).
        started = start_decision(decision)
    except GpuConfigError as e:
        if e.problem and e.problem.get("ok") is False:  # the model does not run here: say where it does
            return {"ok": False, "error": "diagnostics: %s" % e.problem.get("summary"), "started": decision}
        print("diagnostics unavailable, keeping the decided arguments:", e)

    # Environment first: vLLM and PyTorch read it when they are imported.
    os.environ.update({k: str(v) for k, v in (started.get("env") or {}).items()})
    try:
        from vllm import LLM, SamplingParams

        llm = LLM(model=started["model"], **started["engineArgs"])
    except Exception:  # OOM, unsupported dtype, bad checkpoint, ...: let the service judge
        return {"ok": False, "error": traceback.format_exc()[-4000:], "started": started}
    try:
        report_started(started, kv_cache_tokens=_kv_cache_tokens(llm))
    except GpuConfigError as e:  # the service remembers less; serving goes on
        print("could not report the start:", e)
    outputs = llm.generate(prompts, SamplingParams(max_tokens=256))
    return {"ok": True, "texts": [o.outputs[0].text for o in outputs], "started": started}


# One class serves every decision: its GPU is chosen per call with with_options, so a decision
# for two GPUs runs on "H100:2", and the list of the decision and its fallbacks lets Modal start
# the container on whichever is available (each fallback is a whole configuration, and
# start_decision gives the decision for the one that was started).
@app.cls(**common)
class Chat:
    @modal.method()
    def generate(self, decision: dict, prompts: list) -> dict:
        return _serve(decision, prompts)


def run(decision: dict, prompts: list) -> dict:
    gpus = modal_gpu(decision, with_fallbacks=True)  # e.g. ["H100:2", "H200", "B200"]
    return Chat.with_options(gpu=gpus)().generate.remote(decision, prompts)


@app.local_entrypoint()
def main(model: str = "Qwen/Qwen3-30B-A3B-FP8", prompt: str = "Hello!", context_length: int = 0):
    # a private model or a local folder works too: the client sends its config.json and weight bytes
    decision = decide(model, contextLength=context_length or None)  # None: the service's default
    for attempt in range(1, MAX_ATTEMPTS + 1):
        print(f"attempt {attempt}: {decision['model']} on {modal_gpu(decision, with_fallbacks=True)} "
              f"at {decision['memoryUtilization']} ({decision['rulesVersion']})")
        result = run(decision, [prompt])
        if result["ok"]:
            print(result["texts"][0])
            return
        # Failed: the service reads the error and says what to do next.
        # The decision as the container ran it: its GPU may be a fallback of the list.
        answer = recover(result.get("started") or decision, result["error"], attempt)
        print(f"{answer['action']}: {answer.get('reason')}")
        if answer["action"] == "GIVE_UP" or not answer.get("next"):
            for alt in answer.get("alternatives") or []:
                print(f"  consider {alt['model']}: {alt.get('reason')}")
            return
        # REDUCE_MEMORY (same GPU, less memory), FALLBACK_GPU (another GPU) and
        # ALTERNATIVE_MODEL (a published smaller or pre-quantized model) all hand over a full new decision.
        decision = answer["next"]
    print(f"still failing after {MAX_ATTEMPTS} attempts; giving up")
