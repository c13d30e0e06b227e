"""Checks the Python client against a running service.

Usage: python3 src/test/python/check_client.py http://localhost:PORT
Prints one line per check and a final "N passed, M failed"; exits 0 only when all pass.
The /v1/oom, /v1/diagnostics and /v1/outcomes checks run only when CHECK_OOM=1 (they store reports).
"""

import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.normpath(os.path.join(HERE, "..", "..", "main", "python")))

BASE_URL = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("GPU_CONFIG_URL", "http://localhost:8080")
os.environ["GPU_CONFIG_URL"] = BASE_URL  # the module-level functions build their client from it

import gpu_config_client as gcc  # noqa: E402
from gpu_config_client import GpuConfigClient, GpuConfigError  # noqa: E402

GPUS = {"T4", "L4", "A10G", "L40S", "A100-40GB", "A100-80GB", "H100", "H200", "B200"}
ACTIONS = {"REDUCE_MEMORY", "FALLBACK_GPU", "ALTERNATIVE_MODEL", "GIVE_UP"}

client = GpuConfigClient(BASE_URL)
results = []  # (name, ok, message)
state = {}  # answers shared between checks


class CheckFailed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


def check(name):
    def run(fn):
        try:
            fn()
            results.append((name, True, ""))
            print("PASS %s" % name, flush=True)
        except CheckFailed as e:
            results.append((name, False, str(e)))
            print("FAIL %s: %s" % (name, e), flush=True)
        except Exception as e:  # an unexpected exception is a failure, not a crash
            results.append((name, False, "%s: %s" % (type(e).__name__, e)))
            print("FAIL %s: unexpected %s: %s" % (name, type(e).__name__, e), flush=True)
        return fn
    return run


def needs_answer():
    expect("answer" in state, "no decide answer (the decide check failed)")
    return state["answer"]


@check("get_gpu_config returns (gpu name, 0 < utilization <= 0.95)")
def _():
    result = gcc.get_gpu_config("Qwen/Qwen3-30B-A3B-FP8")
    expect(isinstance(result, tuple) and len(result) == 2, "not a 2-tuple: %r" % (result,))
    gpu, util = result
    expect(isinstance(gpu, str) and gpu in GPUS, "gpu %r is not one of the nine" % (gpu,))
    expect(isinstance(util, float) and 0 < util <= 0.95, "utilization %r not in (0, 0.95]" % (util,))


@check("decide with contextLength=8192")
def _():
    answer = gcc.decide("meta-llama/Llama-3.1-8B-Instruct", contextLength=8192)
    expect(isinstance(answer, dict), "answer is not a dict: %r" % (answer,))
    state["answer"] = answer
    mml = (answer.get("engineArgs") or {}).get("max_model_len")
    expect(isinstance(mml, int) and mml >= 8192, "engineArgs.max_model_len %r < 8192" % (mml,))
    expect(answer.get("gpu") in GPUS, "gpu %r is not one of the nine" % (answer.get("gpu"),))
    version = answer.get("rulesVersion")
    expect(isinstance(version, str) and version.startswith("sha256:"), "rulesVersion %r" % (version,))


@check("modal_gpu of the answer")
def _():
    answer = needs_answer()
    single = gcc.modal_gpu(answer)
    if answer.get("gpuCount") == 1:
        expect(single == answer["gpu"], "modal_gpu %r != gpu %r" % (single, answer["gpu"]))
    else:
        expect(single == "%s:%s" % (answer["gpu"], answer.get("gpuCount")), "modal_gpu %r" % (single,))
    listed = gcc.modal_gpu(answer, with_fallbacks=True)
    expect(isinstance(listed, list) and listed[:1] == [single], "with_fallbacks %r" % (listed,))
    expect(len(listed) == len(set(listed)), "duplicates in %r" % (listed,))


@check("decide('') raises GpuConfigError with status 400")
def _():
    try:
        client.decide("")
    except GpuConfigError as e:
        expect(e.status == 400, "status %r, not 400 (%s)" % (e.status, e))
        return
    raise CheckFailed("no exception")


@check("decide('x', bogus=1) raises TypeError without a request")
def _():
    calls = []
    probe = GpuConfigClient(BASE_URL)
    probe._request = lambda *args, **kwargs: calls.append(args)  # records any request attempt
    try:
        probe.decide("x", bogus=1)
    except TypeError as e:
        expect("bogus" in str(e), "TypeError does not name the key: %s" % e)
        expect(not calls, "a request was sent: %r" % (calls,))
        return
    raise CheckFailed("no TypeError")


@check("unreachable service raises GpuConfigError(status=None) within 5 s")
def _():
    start = time.monotonic()
    try:
        GpuConfigClient("http://127.0.0.1:9", timeout=2).decide("Qwen/Qwen2.5-7B-Instruct")
    except GpuConfigError as e:
        elapsed = time.monotonic() - start
        expect(e.status is None, "status %r, not None" % (e.status,))
        expect(elapsed < 5, "took %.1f s" % elapsed)
        return
    raise CheckFailed("no exception")


@check("decide_batch answers each item, a problem for the invalid one")
def _():
    answers = client.decide_batch(["Qwen/Qwen2.5-7B-Instruct", {"model": ""}])
    expect(isinstance(answers, list) and len(answers) == 2, "not a list of 2: %r" % (answers,))
    expect(isinstance(answers[0], dict) and answers[0].get("gpu") in GPUS, "first: %r" % (answers[0],))
    expect(isinstance(answers[1], dict) and answers[1].get("status") == 400, "second: %r" % (answers[1],))


if os.environ.get("CHECK_OOM") == "1":

    @check("recover after CUDA out of memory")
    def _():
        answer = needs_answer()
        error = "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB"
        result = client.recover(answer, error, 1)
        expect(isinstance(result, dict), "not a dict: %r" % (result,))
        action = result.get("action")
        expect(action in ACTIONS, "action %r" % (action,))
        if action != "GIVE_UP":
            nxt = result.get("next")
            expect(isinstance(nxt, dict) and nxt.get("gpu") in GPUS, "next: %r" % (nxt,))

    @check("diagnose with an L4 device")
    def _():
        answer = needs_answer()
        result = client.diagnose(answer, {"name": "NVIDIA L4", "totalMiB": 23034, "freeMiB": 22500})
        expect(isinstance(result, dict) and isinstance(result.get("ok"), bool), "answer: %r" % (result,))


@check("kv_cache_from_log reads both of vLLM's figures")
def _():
    log = ("INFO 12-03 kv_cache_utils.py:716] GPU KV cache size: 41,232 tokens\n"
           "INFO 12-03 executor_base.py:111] # GPU blocks: 2577, # CPU blocks: 2048\n")
    expect(gcc.kv_cache_from_log(log) == (41232, 2577), "%r" % (gcc.kv_cache_from_log(log),))
    expect(gcc.kv_cache_from_log("nothing here") == (None, None), "no figures")


if os.environ.get("CHECK_OOM") == "1":

    @check("report_started stores the start and a failure is listed by failures()")
    def _():
        answer = needs_answer()
        stored = gcc.report_started(answer, kv_cache_tokens=30000)
        expect(stored.get("id") and stored.get("kvCacheTokens") == 30000, "stored: %r" % (stored,))
        client.recover(answer, "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB", 1)
        page = client.failures(answer["model"])
        expect(page["failures"] and page["failures"][0]["model"] == answer["model"], "page: %r" % (page,))
        configs = page.get("configurations") or []
        expect(any(c["started"] == 1 and c["smallestKvCacheTokens"] == 30000 for c in configs), "configurations: %r" % (configs,))

    @check("start_decision takes the device's configuration")
    def _():
        answer = needs_answer()
        started = gcc.start_decision(answer, {"name": "NVIDIA L40S", "totalMiB": 46068, "freeMiB": 45000})
        expect(started["gpu"] == "L40S" and started["model"] == answer["model"], "started: %r" % (started,))
        expect(started["engineArgs"].get("gpu_memory_utilization") == started["memoryUtilization"], "%r" % (started,))


passed = sum(1 for _, ok, _ in results if ok)
failed = len(results) - passed
for name, ok, message in results:
    if not ok:
        print("failed: %s: %s" % (name, message), file=sys.stderr)
print("%d passed, %d failed" % (passed, failed))
sys.exit(0 if failed == 0 else 1)
