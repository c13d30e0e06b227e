"""Checks of the client's model facts against a fake Hugging Face Hub served here (never the real one).

Usage: python3 src/test/python/check_hub.py [http://localhost:PORT]
Without a service URL only the Hub and local-folder checks run; with one, decide() of a private
model the service cannot size is answered from the facts the client finds. Prints one line per
check and a final "N passed, M failed"; exits 0 only when all pass.
"""
import http.server
import json
import os
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "main", "python"))
import gpu_config_client as client  # noqa: E402

SERVICE = sys.argv[1] if len(sys.argv) > 1 else None
TOKEN = "secret-token"
LLAMA = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 4096, "intermediate_size": 14336,
         "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 128256,
         "max_position_embeddings": 131072, "torch_dtype": "bfloat16", "tie_word_embeddings": False}
BYTES = 16060522496
INDEX = json.dumps({"metadata": {"total_size": BYTES}, "weight_map": {}}).encode()
# path -> (status, body, headers); the private repo answers 401 without the token
FILES = {
    "/acme/tiny-llama/resolve/main/config.json": json.dumps(LLAMA).encode(),
    "/acme/tiny-llama/resolve/main/model.safetensors.index.json": INDEX,
    "/acme/private-bot/resolve/main/config.json": json.dumps(LLAMA).encode(),
    "/acme/private-bot/resolve/main/model.safetensors.index.json": INDEX,
    "/acme/support-bot-v3/resolve/main/config.json": json.dumps(LLAMA).encode(),
    "/acme/support-bot-v3/resolve/main/model.safetensors.index.json": INDEX,
    "/acme/one-file/resolve/v2/config.json": json.dumps(dict(LLAMA, num_hidden_layers=2)).encode(),
    "/acme/gguf-bot/resolve/main/config.json": json.dumps(LLAMA).encode(),
    "/api/models/acme/gguf-bot/tree/main": json.dumps([{"type": "file", "path": "bot-Q8_0.gguf", "size": 8540000000},
                                                       {"type": "file", "path": "bot-Q4_K_M.gguf", "size": 4920000000}]).encode(),
}
SINGLE_FILE = "/acme/one-file/resolve/v2/model.safetensors"
requests = []


class FakeHub(http.server.BaseHTTPRequestHandler):
    def _answer(self, with_body):
        requests.append(self.path)
        if self.path.startswith("/acme/private-bot/") and self.headers.get("Authorization") != "Bearer " + TOKEN:
            self.send_response(401)
            self.end_headers()
            return
        if self.path == SINGLE_FILE:
            self.send_response(200)
            self.send_header("X-Linked-Size", "2471645608")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = FILES.get(self.path)
        self.send_response(200 if body is not None else 404)
        body = body if body is not None else b'{"error": "Entry not found"}'
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def do_GET(self):
        self._answer(True)

    def do_HEAD(self):
        self._answer(False)

    def log_message(self, *args):
        pass


results = []


def check(name):
    def run(fn):
        try:
            fn()
            results.append(True)
            print("PASS", name)
        except Exception as e:  # noqa: BLE001 - every failure is reported
            results.append(False)
            print("FAIL", name, "-", type(e).__name__, e)
    return run


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


hub = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeHub)
threading.Thread(target=hub.serve_forever, daemon=True).start()
os.environ["HF_ENDPOINT"] = "http://127.0.0.1:%d" % hub.server_address[1]
os.environ.pop("HF_TOKEN", None)
os.environ.pop("HUGGING_FACE_HUB_TOKEN", None)
os.environ.pop("HF_REVISION", None)


@check("a public repository: config.json and the index's total_size")
def _():
    f = client.model_facts("acme/tiny-llama")
    expect(f["model"] == "acme/tiny-llama", f["model"])
    expect(f["config"]["num_hidden_layers"] == 32, f["config"])
    expect(f["weightsBytes"] == BYTES, f["weightsBytes"])


@check("the facts are cached in the process")
def _():
    before = len(requests)
    client.model_facts("acme/tiny-llama")
    expect(len(requests) == before, "asked the Hub again: %s" % requests[before:])


@check("a private repository without a token: a clear error naming HF_TOKEN")
def _():
    try:
        client.model_facts("acme/private-bot")
    except client.GpuConfigError as e:
        expect("HF_TOKEN" in str(e) and "gated or private" in str(e), str(e))
        return
    raise AssertionError("no error without a token")


@check("the same private repository with HF_TOKEN")
def _():
    os.environ["HF_TOKEN"] = TOKEN
    try:
        f = client.model_facts("acme/private-bot")
        expect(f["weightsBytes"] == BYTES, f)
    finally:
        os.environ.pop("HF_TOKEN")


@check("a single model.safetensors at a revision: its size from a HEAD request")
def _():
    f = client.model_facts("acme/one-file", revision="v2")
    expect(f["config"]["num_hidden_layers"] == 2, f["config"])
    expect(f["weightsBytes"] == 2471645608, f["weightsBytes"])


@check("a GGUF id: the size of the matching .gguf file from the repository's tree")
def _():
    f = client.model_facts("acme/gguf-bot:Q4_K_M")
    expect(f["weightsBytes"] == 4920000000, f["weightsBytes"])


@check("a repository the Hub does not have: a clear error")
def _():
    try:
        client.model_facts("acme/no-such-model")
    except client.GpuConfigError as e:
        expect("does not exist" in str(e), str(e))
        return
    raise AssertionError("no error for a missing repository")


@check("a local model folder: its files, and the id sent for it")
def _():
    with tempfile.TemporaryDirectory() as tmp:
        folder = os.path.join(tmp, "my fine tune (v2)")
        os.makedirs(folder)
        with open(os.path.join(folder, "config.json"), "w") as f:
            json.dump(LLAMA, f)
        for i, size in enumerate((3000, 4000)):
            with open(os.path.join(folder, "model-0000%d-of-00002.safetensors" % (i + 1)), "wb") as f:
                f.write(b"\0" * size)
        facts = client.model_facts(folder)
        expect(facts["model"] == "local/my-fine-tune--v2-", facts["model"])
        expect(facts["weightsBytes"] == 7000, facts["weightsBytes"])
        expect(facts["config"]["hidden_size"] == 4096, facts["config"])


if SERVICE:
    service = client.GpuConfigClient(SERVICE)

    @check("decide() of a private model the service cannot size: answered from its config")
    def _():
        a = service.decide("acme/support-bot-v3")
        expect(a["profile"]["sizeSource"] == "config", a["profile"])
        expect(abs(a["profile"]["totalParamsBillions"] - 8.03) < 0.05, a["profile"])

    @check("get_gpu_config() of a model nothing can size raises a clear error")
    def _():
        os.environ["GPU_CONFIG_URL"] = SERVICE
        client._default = None
        try:
            client.get_gpu_config("acme/unknown-thing")
        except client.GpuConfigError as e:
            expect("does not exist" in str(e), str(e))
            return
        raise AssertionError("no error")

    @check("start_args() inside a container: the arguments for the GPUs it got")
    def _():
        d = service.decide("meta-llama/Llama-3.1-8B-Instruct")
        device = {"name": "NVIDIA A100-SXM4-80GB", "totalMiB": 81920, "freeMiB": 81000, "count": 2}
        args, env = client.start_args(d, device, client=service)
        expect(args["tensor_parallel_size"] == 2, args)
        expect("PYTORCH_CUDA_ALLOC_CONF" in env, env)

hub.shutdown()
passed = sum(results)
print("%d passed, %d failed" % (passed, len(results) - passed))
sys.exit(0 if passed == len(results) else 1)
