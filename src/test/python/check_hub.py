"""Checks of the client's model facts against a fake Hugging Face Hub served here (never the real one).

Usage: python3 src/test/python/check_hub.py [http://localhost:PORT]

Serves on 127.0.0.1 (ephemeral ports, threads of this process) a fake Hub that answers as the
real one does (X-Error-Code/X-Error-Message, 401 for a private or missing repository without a
token, 403 for a gated one, X-Linked-Size on the redirect of a large file, a paged tree listing,
model info and paths-info) and a fake service that answers 422 "Model size unknown" for models
it cannot size. The Hub checks run through the standard library, and again through
huggingface_hub when it is installed (its cache in a temporary HF_HOME). With a service URL,
decide() and get_gpu_config() are also checked against the real service. Prints one line per
check and a final "N passed, M failed"; exits 0 only when all pass.
"""

import hashlib
import http.server
import json
import os
import socket
import sys
import tempfile
import threading
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.normpath(os.path.join(HERE, "..", "..", "main", "python")))

SERVICE = sys.argv[1] if len(sys.argv) > 1 else None
for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_REVISION", "HF_ENDPOINT", "HF_HUB_OFFLINE", "GPU_CONFIG_URL"):
    os.environ.pop(name, None)
HF_HOME = tempfile.TemporaryDirectory(prefix="check-hub-hf-home-")
os.environ["HF_HOME"] = HF_HOME.name  # huggingface_hub's cache and stored token: empty, and gone at the end
os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"

import gpu_config_client as client  # noqa: E402
from gpu_config_client import GpuConfigClient, GpuConfigError  # noqa: E402

TOKEN = "secret-token"

# ---- the fake Hub's repositories ------------------------------------------------------------

# acme/support-bot-v3: a private Llama 3.1 8B fine-tune, config.json as Meta publishes it.
SUPPORT_CONFIG = {
    "architectures": ["LlamaForCausalLM"], "attention_bias": False, "attention_dropout": 0.0,
    "bos_token_id": 128000, "eos_token_id": [128001, 128008, 128009], "hidden_act": "silu",
    "hidden_size": 4096, "initializer_range": 0.02, "intermediate_size": 14336,
    "max_position_embeddings": 131072, "mlp_bias": False, "model_type": "llama",
    "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8, "pretraining_tp": 1,
    "rms_norm_eps": 1e-05,
    "rope_scaling": {"factor": 8.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                     "original_max_position_embeddings": 8192, "rope_type": "llama3"},
    "rope_theta": 500000.0, "tie_word_embeddings": False, "torch_dtype": "bfloat16",
    "transformers_version": "4.43.0.dev0", "use_cache": True, "vocab_size": 128256,
}
SUPPORT_BYTES = 16060522496
TINY_CONFIG = {
    "architectures": ["LlamaForCausalLM"], "hidden_size": 2048, "intermediate_size": 5632,
    "max_position_embeddings": 2048, "model_type": "llama", "num_attention_heads": 32,
    "num_hidden_layers": 22, "num_key_value_heads": 4, "rms_norm_eps": 1e-05, "rope_theta": 10000.0,
    "tie_word_embeddings": False, "torch_dtype": "bfloat16", "vocab_size": 32000,
}
TINY_BYTES = 2200119808
TINY_V1_CONFIG = dict(TINY_CONFIG, num_hidden_layers=16)
TINY_V1_BYTES = 1621540864
QWEN_CONFIG = {
    "architectures": ["Qwen2ForCausalLM"], "hidden_size": 896, "intermediate_size": 4864,
    "max_position_embeddings": 32768, "model_type": "qwen2", "num_attention_heads": 14,
    "num_hidden_layers": 24, "num_key_value_heads": 2, "rope_theta": 1000000.0,
    "tie_word_embeddings": True, "torch_dtype": "bfloat16", "vocab_size": 151936,
}
SOLO_BYTES = 988097824
MIRROR_BYTES = 988097536
GGUF_SIZES = {
    "vision-chat-Q4_K_M.gguf": 4920734944,
    "vision-chat-UD-Q4_K_M.gguf": 5027781856,
    "vision-chat-UD-Q4_K_XL.gguf": 5103425248,
    "vision-chat-Q8_0.gguf": 8540775648,
    "mmproj-F16.gguf": 851251104,
    "F16/vision-chat-F16-00001-of-00002.gguf": 9968812416,
    "F16/vision-chat-F16-00002-of-00002.gguf": 6102306208,
}
CHAT_GGUF_BYTES = 1117320736


def index(total, shards):
    names = ["model-%05d-of-%05d.safetensors" % (i + 1, shards) for i in range(shards)]
    return {"metadata": {"total_size": total},
            "weight_map": {"model.layers.%d.mlp.down_proj.weight" % i: n for i, n in enumerate(names)}}


def shards(total, count):
    return {"model-%05d-of-%05d.safetensors" % (i + 1, count): total // count for i in range(count)}


def js(value):
    return json.dumps(value, indent=2).encode()


# repo -> {"access": public|private|gated, "revisions": {rev: {path: bytes (a regular file) or int (an LFS file's size)}}}
REPOS = {
    "acme/tiny-llama": {"access": "public", "revisions": {
        "main": dict({"config.json": js(TINY_CONFIG), "model.safetensors.index.json": js(index(TINY_BYTES, 2)),
                      "README.md": b"# tiny-llama\n"}, **shards(TINY_BYTES, 2)),
        "v1.0": dict({"config.json": js(TINY_V1_CONFIG), "model.safetensors.index.json": js(index(TINY_V1_BYTES, 2))},
                     **shards(TINY_V1_BYTES, 2)),
    }},
    "acme/private-bot": {"access": "private", "revisions": {
        "main": dict({"config.json": js(TINY_CONFIG), "model.safetensors.index.json": js(index(TINY_BYTES, 2))},
                     **shards(TINY_BYTES, 2))}},
    "acme/gated-llama": {"access": "gated", "revisions": {
        "main": {"config.json": js(SUPPORT_CONFIG), "model.safetensors.index.json": js(index(SUPPORT_BYTES, 4))}}},
    "acme/support-bot-v3": {"access": "private", "revisions": {
        "main": dict({"config.json": js(SUPPORT_CONFIG), "model.safetensors.index.json": js(index(SUPPORT_BYTES, 4)),
                      "generation_config.json": js({"bos_token_id": 128000})}, **shards(SUPPORT_BYTES, 4))}},
    "acme/solo-qwen": {"access": "public", "revisions": {
        "main": {"config.json": js(QWEN_CONFIG), "model.safetensors": SOLO_BYTES}}},
    # like a mirror: its redirects carry no X-Linked-Size, the CDN's HEAD gives the Content-Length
    "acme/solo-mirror": {"access": "public", "linked_size": False, "revisions": {
        "main": {"config.json": js(QWEN_CONFIG), "model.safetensors": MIRROR_BYTES}}},
    # model.safetensors redirects to itself
    "acme/redirect-loop": {"access": "public", "loop": True, "revisions": {
        "main": {"config.json": js(QWEN_CONFIG), "model.safetensors": SOLO_BYTES}}},
    "acme/vision-chat-GGUF": {"access": "public", "revisions": {
        "main": dict({".gitattributes": b"*.gguf filter=lfs\n", "README.md": b"# GGUF\n"}, **GGUF_SIZES)}},
    "acme/chat-GGUF": {"access": "public", "revisions": {
        "main": {"config.json": js(QWEN_CONFIG), "chat-Q4_K_M.gguf": CHAT_GGUF_BYTES}}},
    "acme/empty-repo": {"access": "public", "revisions": {"main": {"README.md": b"# nothing yet\n"}}},
    # a config.json without the dimensions the service reads
    "acme/odd-config": {"access": "public", "revisions": {
        "main": {"config.json": js({"architectures": ["CustomForCausalLM"], "model_type": "custom"}),
                 "model.safetensors": 2000000}}},
}
TREE_PAGE = 3  # entries per page of the tree listing: the GGUF repository takes several pages

hub_requests = []  # (method, path, Authorization header, User-Agent)
hub_lock = threading.Lock()


def commit_of(repo, revision):
    return hashlib.sha1(("%s@%s" % (repo, revision)).encode()).hexdigest()


def oid(content):
    return hashlib.sha1(content if isinstance(content, bytes) else str(content).encode()).hexdigest()


def lfs_oid(path, size):
    return hashlib.sha256(("%s:%d" % (path, size)).encode()).hexdigest()


class FakeHub(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        self.route("GET")

    def do_HEAD(self):
        self.route("HEAD")

    def do_POST(self):
        self.route("POST")

    def send(self, status, body=b"", headers=None, method="GET"):
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if "Content-Length" not in (headers or {}):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if method != "HEAD" and body:
            self.wfile.write(body)

    def fail(self, status, code, message, method, extra=None):
        headers = {"Content-Type": "application/json", "X-Error-Message": message}
        if code:
            headers["X-Error-Code"] = code
        headers.update(extra or {})
        self.send(status, json.dumps({"error": message}).encode(), headers, method)

    def route(self, method):
        url = urllib.parse.urlsplit(self.path)
        auth = self.headers.get("Authorization")
        with hub_lock:
            hub_requests.append((method, url.path, auth, self.headers.get("User-Agent") or ""))
        parts = [urllib.parse.unquote(p) for p in url.path.split("/")[1:]]
        if parts[:1] == ["cdn"]:  # a signed CDN URL: like S3, it refuses a second authorization
            if auth:
                return self.send(400, b"<Error>Only one auth mechanism allowed</Error>", {}, method)
            return self.send(200, b"", {"Content-Length": parts[2]}, "HEAD") if method == "HEAD" else \
                self.send(405, b"", {}, method)
        if auth is not None and auth != "Bearer " + TOKEN:
            return self.fail(401, None, "Invalid credentials in Authorization header", method)
        if parts[:2] == ["api", "models"] and len(parts) >= 6:
            repo, kind, revision, rest = parts[2] + "/" + parts[3], parts[4], parts[5], "/".join(parts[6:])
        elif len(parts) >= 5 and parts[2] == "resolve":
            repo, kind, revision, rest = parts[0] + "/" + parts[1], "resolve", parts[3], "/".join(parts[4:])
        else:
            return self.fail(404, None, "Not found", method)
        files = self.visible(repo, revision, auth, method)
        if files is None:
            return None
        commit = {"X-Repo-Commit": commit_of(repo, revision)}
        if kind == "resolve":
            return self.resolve(repo, files, rest, method, commit, auth)
        if kind == "tree":
            return self.tree(files, rest, urllib.parse.parse_qs(url.query), method)
        if kind == "revision":
            siblings = [{"rfilename": p, "blobId": oid(c), "size": c if isinstance(c, int) else len(c)}
                        for p, c in sorted(files.items())]
            for s, (p, c) in zip(siblings, sorted(files.items())):
                if isinstance(c, int):
                    s["lfs"] = {"sha256": lfs_oid(p, c), "size": c, "pointerSize": 134}
            info = {"_id": oid(repo), "id": repo, "modelId": repo, "sha": commit_of(repo, revision),
                    "private": REPOS[repo]["access"] == "private", "gated": REPOS[repo]["access"] == "gated" and "manual",
                    "siblings": siblings}
            return self.send(200, js(info), {"Content-Type": "application/json"}, method)
        if kind == "paths-info" and method == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            form = urllib.parse.parse_qs(self.rfile.read(length).decode())
            return self.send(200, js([self.entry(p, files[p]) for p in form.get("paths", []) if p in files]),
                             {"Content-Type": "application/json"}, method)
        return self.fail(404, None, "Not found", method)

    def visible(self, repo, revision, auth, method):
        """The files of repo@revision for this caller, or None once the Hub's refusal is sent."""
        valid = auth == "Bearer " + TOKEN
        spec = REPOS.get(repo)
        if spec is None or (spec["access"] == "private" and not valid):
            if valid:
                return self.fail(404, "RepoNotFound", "Repository not found", method)
            return self.fail(401, "RepoNotFound", "Invalid username or password.", method)
        if spec["access"] == "gated":
            if not valid:
                return self.fail(401, "GatedRepo", "Access to model %s is restricted. You must have access to it and"
                                 " be authenticated to access it. Please log in." % repo, method)
            return self.fail(403, "GatedRepo", "Access to model %s is restricted and you are not in the authorized"
                             " list. Visit https://huggingface.co/%s to ask for access." % (repo, repo), method)
        files = spec["revisions"].get(revision)
        if files is None:
            return self.fail(404, "RevisionNotFound", "Invalid rev id: %s" % revision, method)
        return files

    def resolve(self, repo, files, path, method, commit, auth):
        if method == "POST" or path not in files:
            return self.fail(404, "EntryNotFound", "Entry not found", method, commit)
        content = files[path]
        if isinstance(content, bytes):
            return self.send(200, content, dict(commit, **{"ETag": '"%s"' % oid(content),
                                                           "Content-Type": "application/octet-stream"}), method)
        spec = REPOS[repo]
        sha = lfs_oid(path, content)
        if spec.get("loop"):
            location = self.path
        else:  # another host name for the same server: the client must drop Authorization
            location = "http://localhost:%d/cdn/%s/%d?X-Amz-Signature=abc" % (self.server.server_address[1], sha, content)
        headers = dict(commit, **{"Location": location, "ETag": '"%s"' % sha, "X-Linked-Etag": '"%s"' % sha})
        if spec.get("linked_size", True) and not spec.get("loop"):
            headers["X-Linked-Size"] = str(content)
        return self.send(302, b"", headers, method)

    @staticmethod
    def entry(path, content):
        if isinstance(content, int):
            return {"type": "file", "oid": oid(path), "size": content, "path": path,
                    "lfs": {"oid": lfs_oid(path, content), "size": content, "pointerSize": 134}}
        return {"type": "file", "oid": oid(content), "size": len(content), "path": path}

    def tree(self, files, under, query, method):
        recursive = (query.get("recursive") or ["false"])[0].lower() in ("true", "1")
        prefix = under + "/" if under else ""
        entries, folders = [], set()
        for path, content in sorted(files.items()):
            if not path.startswith(prefix):
                continue
            rest = path[len(prefix):]
            if "/" in rest:
                folder = prefix + rest.split("/")[0]
                if folder not in folders:
                    folders.add(folder)
                    entries.append({"type": "directory", "oid": oid(folder), "size": 0, "path": folder})
                if not recursive:
                    continue
            entries.append(self.entry(path, content))
        start = int((query.get("cursor") or ["0"])[0])
        headers = {"Content-Type": "application/json"}
        if start + TREE_PAGE < len(entries):
            nxt = dict((k, v[0]) for k, v in query.items())
            nxt["cursor"] = str(start + TREE_PAGE)
            headers["Link"] = '<http://127.0.0.1:%d%s?%s>; rel="next"' % (
                self.server.server_address[1], urllib.parse.urlsplit(self.path).path, urllib.parse.urlencode(nxt))
        return self.send(200, js(entries[start:start + TREE_PAGE]), headers, method)


# ---- a fake service: POST /v1/gpu-config as the service answers it ----------------------------
# 200 for a catalog model, a config with its dimensions, weightsBytes alone or paramsBillions;
# 400 for a config without them; 422 "Model size unknown" when nothing gives the size.

KNOWN = {"meta-llama/Llama-3.1-8B-Instruct"}
service_requests = []


class FakeService(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"null")
        service_requests.append(body)
        model = body.get("model") if isinstance(body, dict) else None
        config = body.get("config") if isinstance(body, dict) else None
        if not model:
            return self.answer(400, {"title": "Bad Request", "status": 400, "detail": "model is required"})
        if model in KNOWN:
            source = "catalog"
        elif config is not None and not any(k in config or k in (config.get("text_config") or {})
                                            for k in ("hidden_size", "n_embd", "d_model")):
            return self.answer(400, {"title": "Invalid request", "status": 400,
                                     "detail": "config.hidden_size is required: a whole number from 1 to 1048576"})
        elif config is not None:
            source = "config"
        elif body.get("weightsBytes"):
            source = "weights"
        elif body.get("paramsBillions"):
            source = "request"
        else:
            return self.answer(422, {"type": "about:blank", "title": "Model size unknown", "status": 422,
                                     "detail": "%s: send config (its config.json) and weightsBytes" % model})
        self.answer(200, {"model": model, "gpu": "L4", "gpuCount": 1, "memoryUtilization": 0.9,
                          "engineArgs": {"max_model_len": 8192}, "env": {}, "fallbacks": [],
                          "profile": {"sizeSource": source}, "rulesVersion": "sha256:fake"})

    def answer(self, status, body):
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json" if status < 400 else "application/problem+json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


# ---- checks ------------------------------------------------------------------------------------

results = []  # (name, ok)
skipped = []


def check(name):
    def run(fn):
        try:
            fn()
            results.append((name, True))
            print("PASS", name, flush=True)
        except Exception as e:  # noqa: BLE001 - every failure is reported, none ends the script
            results.append((name, False))
            print("FAIL %s - %s: %s" % (name, type(e).__name__, e), flush=True)
        return fn
    return run


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def error_of(fn, *args, **kwargs):
    """The GpuConfigError that fn raises (AssertionError when it raises none)."""
    try:
        value = fn(*args, **kwargs)
    except GpuConfigError as e:
        return e
    raise AssertionError("no GpuConfigError; returned %r" % (value,))


class Env:
    """Environment variables set for a block, restored after it."""

    def __init__(self, **values):
        self.values = values

    def __enter__(self):
        self.saved = {k: os.environ.get(k) for k in self.values}
        for k, v in self.values.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v

    def __exit__(self, *exc):
        for k, v in self.saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def hub_since(mark):
    with hub_lock:
        return hub_requests[mark:]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


hub = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeHub)
threading.Thread(target=hub.serve_forever, daemon=True).start()
HUB = "http://127.0.0.1:%d" % hub.server_address[1]
fake = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeService)
threading.Thread(target=fake.serve_forever, daemon=True).start()
FAKE_SERVICE = "http://127.0.0.1:%d" % fake.server_address[1]
os.environ["HF_ENDPOINT"] = HUB

real_import = client._import_hf_hub
backends = ["stdlib"]
if real_import() is not None:
    backends.append("huggingface_hub")
else:
    skipped.append("the Hub checks through huggingface_hub (not installed)")


def hub_checks(backend):
    tag = "[%s] " % backend
    client._import_hf_hub = (lambda: None) if backend == "stdlib" else real_import
    client._facts_cache.clear()
    agent = "gpu-config-client" if backend == "stdlib" else "hf_hub/"

    @check(tag + "a public repo: config.json and the index's total_size, requested by " + agent)
    def _():
        mark = len(hub_requests)
        f = client.model_facts("acme/tiny-llama")
        expect(f == {"config": TINY_CONFIG, "weightsBytes": TINY_BYTES, "model": "acme/tiny-llama"}, f)
        seen = hub_since(mark)
        expect(seen and all(agent in ua for _, _, _, ua in seen), "user agents: %s" % [ua for *_, ua in seen])

    @check(tag + "the facts are cached in the process, and a caller's change does not reach the cache")
    def _():
        mark = len(hub_requests)
        f = client.model_facts("acme/tiny-llama")
        f["config"]["hidden_size"] = 1
        again = client.model_facts("acme/tiny-llama")
        expect(not hub_since(mark), "asked the Hub again: %s" % hub_since(mark))
        expect(again["config"]["hidden_size"] == 2048, again["config"])

    @check(tag + "a revision, as argument and as HF_REVISION; the cache keeps each revision apart")
    def _():
        f = client.model_facts("acme/tiny-llama", revision="v1.0")
        expect(f["config"] == TINY_V1_CONFIG and f["weightsBytes"] == TINY_V1_BYTES, f)
        client._facts_cache.clear()
        with Env(HF_REVISION="v1.0"):
            expect(client.model_facts("acme/tiny-llama")["weightsBytes"] == TINY_V1_BYTES, "HF_REVISION not used")
        expect(client.model_facts("acme/tiny-llama")["weightsBytes"] == TINY_BYTES, "main after v1.0")

    @check(tag + "a revision that does not exist: the error says so")
    def _():
        e = error_of(client.model_facts, "acme/tiny-llama", revision="v9")
        expect("revision 'v9'" in str(e) and "does not exist" in str(e) and e.status == 404, str(e))

    @check(tag + "a private repo without a token: gated or private, set HF_TOKEN (HTTP 401)")
    def _():
        e = error_of(client.model_facts, "acme/private-bot")
        expect(e.status == 401 and "gated or private" in str(e) and "set HF_TOKEN" in str(e), str(e))
        expect("acme/private-bot/resolve/main/config.json" in str(e), "no URL in: %s" % e)

    @check(tag + "an invalid token: the error says the token is not valid")
    def _():  # before any success: huggingface_hub would answer from its disk cache
        e = error_of(client.model_facts, "acme/private-bot", token="hf_expired")
        expect(e.status == 401 and "HF_TOKEN is not valid" in str(e), str(e))

    @check(tag + "the private repo with HF_TOKEN, HUGGING_FACE_HUB_TOKEN or token=: sent as a Bearer token")
    def _():
        for how in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "argument"):
            client._facts_cache.clear()
            mark = len(hub_requests)
            with Env(**({} if how == "argument" else {how: TOKEN})):
                f = client.model_facts("acme/private-bot", token=TOKEN if how == "argument" else None)
            expect(f["config"] == TINY_CONFIG and f["weightsBytes"] == TINY_BYTES, "%s: %r" % (how, f))
            auths = {a for _, _, a, _ in hub_since(mark)}
            expect(auths == {"Bearer " + TOKEN}, "%s: Authorization headers %s" % (how, auths))

    @check(tag + "a gated repo: 401 without a token (set HF_TOKEN), 403 with one (no access: accept its terms)")
    def _():
        e = error_of(client.model_facts, "acme/gated-llama")
        expect(e.status == 401 and "gated or private" in str(e) and "set HF_TOKEN" in str(e), str(e))
        with Env(HF_TOKEN=TOKEN):
            e = error_of(client.model_facts, "acme/gated-llama")
        expect(e.status == 403 and "has no access" in str(e) and "accept its terms" in str(e), str(e))

    @check(tag + "a repo the Hub does not have: 401 without a token, 'does not exist' with one")
    def _():
        e = error_of(client.model_facts, "acme/no-such-model")
        expect(e.status == 401 and "HF_TOKEN" in str(e), str(e))
        with Env(HF_TOKEN=TOKEN):
            e = error_of(client.model_facts, "acme/no-such-model")
        expect(e.status == 404 and "acme/no-such-model" in str(e) and "does not exist" in str(e), str(e))

    @check(tag + "a single model.safetensors: its size (X-Linked-Size), the CDN never asked")
    def _():
        mark = len(hub_requests)
        with Env(HF_TOKEN=TOKEN):
            f = client.model_facts("acme/solo-qwen")
        expect(f == {"config": QWEN_CONFIG, "weightsBytes": SOLO_BYTES, "model": "acme/solo-qwen"}, f)
        paths = [p for _, p, _, _ in hub_since(mark)]
        expect(not any(p.startswith("/cdn/") for p in paths), paths)
        if backend == "stdlib":
            expect(("HEAD", "/acme/solo-qwen/resolve/main/model.safetensors") in
                   [(m, p) for m, p, _, _ in hub_since(mark)], "no HEAD: %s" % paths)
        else:
            expect("/api/models/acme/solo-qwen/paths-info/main" in paths, "no paths-info: %s" % paths)

    @check(tag + "a redirect without X-Linked-Size: followed to the CDN without the token, its Content-Length")
    def _():
        mark = len(hub_requests)
        with Env(HF_TOKEN=TOKEN):
            f = client.model_facts("acme/solo-mirror")
        expect(f["weightsBytes"] == MIRROR_BYTES, f)
        cdn = [(m, a) for m, p, a, _ in hub_since(mark) if p.startswith("/cdn/")]
        expect(cdn == ([("HEAD", None)] if backend == "stdlib" else []), "CDN requests: %s" % cdn)

    @check(tag + "GGUF ids: the .gguf of the quantization (case-insensitive, shards added, mmproj left out)")
    def _():
        mark = len(hub_requests)
        f = client.model_facts("acme/vision-chat-GGUF:Q8_0")
        expect(f == {"config": None, "weightsBytes": GGUF_SIZES["vision-chat-Q8_0.gguf"],
                     "model": "acme/vision-chat-GGUF:Q8_0"}, f)
        if backend == "stdlib":
            pages = [p for _, p, _, _ in hub_since(mark) if "/tree/" in p]
            expect(len(pages) >= 3, "the tree listing's pages were not all read: %s" % pages)
        expect(client.model_facts("acme/vision-chat-GGUF:q8_0")["weightsBytes"] == GGUF_SIZES["vision-chat-Q8_0.gguf"],
               "lower case")
        f16 = GGUF_SIZES["F16/vision-chat-F16-00001-of-00002.gguf"] + GGUF_SIZES["F16/vision-chat-F16-00002-of-00002.gguf"]
        expect(client.model_facts("acme/vision-chat-GGUF:F16")["weightsBytes"] == f16, "F16 shards")
        q4 = client.model_facts("acme/vision-chat-GGUF:Q4_K_M")["weightsBytes"]
        expect(q4 == GGUF_SIZES["vision-chat-UD-Q4_K_M.gguf"], "Q4_K_M: the larger of two matches, not Q4_K_XL: %s" % q4)

    @check(tag + "a GGUF repo that publishes config.json: read too")
    def _():
        f = client.model_facts("acme/chat-GGUF:Q4_K_M")
        expect(f == {"config": QWEN_CONFIG, "weightsBytes": CHAT_GGUF_BYTES, "model": "acme/chat-GGUF:Q4_K_M"}, f)

    @check(tag + "a quantization no .gguf file has: the error lists the files")
    def _():
        e = error_of(client.model_facts, "acme/vision-chat-GGUF:IQ2_XXS")
        expect("IQ2_XXS" in str(e) and "vision-chat-Q8_0.gguf" in str(e), str(e))

    @check(tag + "a repo with neither config.json nor weights: the error says so and names ':QUANT'")
    def _():
        e = error_of(client.model_facts, "acme/empty-repo")
        expect("neither config.json nor model.safetensors" in str(e) and ":Q4_K_M" in str(e), str(e))

    @check(tag + "an endpoint= that cannot be reached: the error names the URL")
    def _():
        dead = "http://127.0.0.1:%d" % free_port()
        # a repo never fetched: huggingface_hub would answer a fetched one from its disk cache
        e = error_of(client.model_facts, "acme/never-fetched", endpoint=dead)
        expect(e.status is None and dead + "/acme/never-fetched/resolve/main/config.json" in str(e), str(e))

    if backend == "stdlib":
        @check(tag + "a redirect loop ends with an error naming the URL")
        def _():
            e = error_of(client.model_facts, "acme/redirect-loop")
            expect("more than 10 redirects" in str(e) and "acme/redirect-loop" in str(e), str(e))


for b in backends:
    hub_checks(b)
client._import_hf_hub = real_import
client._facts_cache.clear()


@check("names neither a model folder nor a Hub id: a clear error, no request")
def _():
    mark = len(hub_requests)
    for name in ("not a model id!", "a/b/c", "owner/name:", "C:\\models\\x"):
        e = error_of(client.model_facts, name)
        expect("neither a local model folder" in str(e), "%r: %s" % (name, e))
    with tempfile.TemporaryDirectory() as tmp:
        e = error_of(client.model_facts, tmp)
        expect("folder without config.json" in str(e), str(e))
    expect(not hub_since(mark), hub_since(mark))


WORK = tempfile.TemporaryDirectory(prefix="check-hub-")


def folder(name, files):
    path = os.path.join(WORK.name, name)
    os.makedirs(path)
    for file, content in files.items():
        with open(os.path.join(path, file), "wb") as f:
            f.write(content if isinstance(content, bytes) else b"\0" * content)
    return path


@check("a local folder with an index: its total_size, and the id sent for it")
def _():
    path = folder("tiny llama (v2)!", dict({"config.json": js(TINY_CONFIG),
                                             "model.safetensors.index.json": js(index(TINY_BYTES, 2))},
                                            **{n: 1000 for n in shards(TINY_BYTES, 2)}))
    f = client.model_facts(path)
    expect(f == {"config": TINY_CONFIG, "weightsBytes": TINY_BYTES, "model": "local/tiny-llama--v2--"}, f)
    expect(client.model_facts(path + os.sep)["model"] == "local/tiny-llama--v2--", "trailing separator")


@check("a local folder without an index: the sum of its *.safetensors")
def _():
    path = folder("plain", {"config.json": js(QWEN_CONFIG), "model-00001-of-00002.safetensors": 3000,
                            "model-00002-of-00002.safetensors": 4321, "tokenizer.json": 999})
    f = client.model_facts(path)
    expect(f == {"config": QWEN_CONFIG, "weightsBytes": 7321, "model": "local/plain"}, f)


@check("a local GGUF folder: the .gguf size (mmproj left out); leading '.' stripped from the id")
def _():
    path = folder(".hidden.gguf-model", {"config.json": js(QWEN_CONFIG), "model-Q4_K_M.gguf": 5000,
                                         "mmproj-model-f16.gguf": 9000})
    f = client.model_facts(path)
    expect(f["weightsBytes"] == 5000 and f["model"] == "local/hidden.gguf-model", f)


@check("a local folder with config.json only: weightsBytes None")
def _():
    f = client.model_facts(folder("config-only", {"config.json": js(QWEN_CONFIG)}))
    expect(f == {"config": QWEN_CONFIG, "weightsBytes": None, "model": "local/config-only"}, f)


@check("local ids: at most 96 characters, 'local/model' when nothing is left, non-ASCII replaced")
def _():
    long_name = "Ab" * 60
    f = client.model_facts(folder(long_name, {"config.json": js(QWEN_CONFIG)}))
    expect(f["model"] == "local/" + long_name[:96], f["model"])
    expect(client.model_facts(folder("-.(!)", {"config.json": b"{}"}))["model"] == "local/model", "empty name")
    expect(client.model_facts(folder("modèle ü", {"config.json": b"{}"}))["model"] == "local/mod-le--", "non-ASCII")


@check("a local folder is read anew at each call")
def _():
    path = folder("growing", {"config.json": js(QWEN_CONFIG), "model.safetensors": 100})
    expect(client.model_facts(path)["weightsBytes"] == 100, "first read")
    with open(os.path.join(path, "model.safetensors"), "ab") as f:
        f.write(b"\0" * 50)
    expect(client.model_facts(path)["weightsBytes"] == 150, "not read anew")


@check("a local folder whose config.json is not JSON: a clear error")
def _():
    e = error_of(client.model_facts, folder("broken", {"config.json": b"{not json"}))
    expect("cannot read" in str(e) and "config.json" in str(e), str(e))


# ---- decide() and get_gpu_config() against the fake service ------------------------------------

svc = GpuConfigClient(FAKE_SERVICE)


def use_default(url):
    os.environ["GPU_CONFIG_URL"] = url
    client._default = None


@check("decide() of a model the service knows: one request, no facts read")
def _():
    s, h = len(service_requests), len(hub_requests)
    a = svc.decide("meta-llama/Llama-3.1-8B-Instruct", contextLength=8192)
    expect(a["profile"]["sizeSource"] == "catalog", a)
    expect(service_requests[s:] == [{"model": "meta-llama/Llama-3.1-8B-Instruct", "contextLength": 8192}],
           service_requests[s:])
    expect(not hub_since(h), hub_since(h))


@check("decide() after 422 'Model size unknown': asked again with config and weightsBytes")
def _():
    s = len(service_requests)
    a = svc.decide("acme/tiny-llama", context_length=4096)
    expect(a["profile"]["sizeSource"] == "config", a)
    sent = service_requests[s:]
    expect(len(sent) == 2 and "config" not in sent[0], sent)
    expect(sent[1] == {"model": "acme/tiny-llama", "contextLength": 4096, "config": TINY_CONFIG,
                       "weightsBytes": TINY_BYTES}, sent[1])


@check("decide() with the caller's config: sent as given, its error not retried, no facts read")
def _():
    s, h = len(service_requests), len(hub_requests)
    e = error_of(svc.decide, "acme/solo-qwen", config={"model_type": "qwen2"}, weights_bytes=123)
    expect(e.status == 400 and "hidden_size" in str(e), str(e))
    expect(service_requests[s:] == [{"model": "acme/solo-qwen", "config": {"model_type": "qwen2"},
                                     "weightsBytes": 123}], service_requests[s:])
    expect(not hub_since(h), hub_since(h))


@check("decide() of a local folder: sent at once with its facts, as local/<name>")
def _():
    path = folder("My Model (v2)", {"config.json": js(QWEN_CONFIG), "model.safetensors": 4096})
    s = len(service_requests)
    a = svc.decide(path)
    expect(a["model"] == "local/My-Model--v2-", a)
    expect(service_requests[s:] == [{"model": "local/My-Model--v2-", "config": QWEN_CONFIG, "weightsBytes": 4096}],
           service_requests[s:])


@check("decide(fetch_config=True): the facts sent from the start, no 422 round trip")
def _():
    client._facts_cache.clear()
    s = len(service_requests)
    with Env(HF_TOKEN=TOKEN):
        svc.decide("acme/support-bot-v3", fetch_config=True)
    expect(service_requests[s:] == [{"model": "acme/support-bot-v3", "config": SUPPORT_CONFIG,
                                     "weightsBytes": SUPPORT_BYTES}], service_requests[s:])


@check("get_gpu_config() of a private model the service cannot size: (gpu, utilization)")
def _():
    use_default(FAKE_SERVICE)
    client._facts_cache.clear()
    with Env(HF_TOKEN=TOKEN):
        result = client.get_gpu_config("acme/support-bot-v3")
    expect(result == ("L4", 0.9), result)


@check("get_gpu_config() when the facts cannot be found: GpuConfigError (422) saying why")
def _():
    use_default(FAKE_SERVICE)
    with Env(HF_TOKEN=TOKEN):
        e = error_of(client.get_gpu_config, "acme/no-such-model")
    expect(e.status == 422 and "cannot be sized" in str(e) and "does not exist" in str(e), str(e))
    e = error_of(client.get_gpu_config, "mystery-model")
    expect(e.status == 422 and "neither a local model folder" in str(e), str(e))
    e = error_of(client.get_gpu_config, "acme/gated-llama")  # never fetched: no disk cache of huggingface_hub
    expect(e.status == 422 and "set HF_TOKEN" in str(e), str(e))


@check("decide() of a GGUF id without config.json: asked again with weightsBytes alone")
def _():
    use_default(FAKE_SERVICE)
    s = len(service_requests)
    a = client.decide("acme/vision-chat-GGUF:Q8_0")
    expect(a["profile"]["sizeSource"] == "weights", a)
    expect(service_requests[s:][1:] == [{"model": "acme/vision-chat-GGUF:Q8_0",
                                         "weightsBytes": GGUF_SIZES["vision-chat-Q8_0.gguf"]}], service_requests[s:])


@check("decide() whose second answer is an error too: the error says the facts were sent")
def _():
    use_default(FAKE_SERVICE)
    e = error_of(client.decide, "acme/odd-config")
    expect(e.status == 400 and "asked again with its facts" in str(e) and "hidden_size" in str(e), str(e))


# ---- against the real service ------------------------------------------------------------------

if SERVICE:
    service = GpuConfigClient(SERVICE, timeout=30)

    @check("service: decide() of an unknown private model is answered from its config.json (sizeSource config)")
    def _():
        client._facts_cache.clear()
        mark = len(hub_requests)
        with Env(HF_TOKEN=TOKEN):
            a = service.decide("acme/support-bot-v3")
        expect(a["profile"]["sizeSource"] == "config", a.get("profile"))
        expect(abs(a["profile"]["totalParamsBillions"] - 8.03) < 0.05, a["profile"])
        paths = [p for _, p, _, _ in hub_since(mark)]
        expect("/acme/support-bot-v3/resolve/main/config.json" in paths, "config.json not read: %s" % paths)

    @check("service: get_gpu_config() of a repo the Hub does not have raises GpuConfigError")
    def _():
        use_default(SERVICE)
        with Env(HF_TOKEN=TOKEN):
            e = error_of(client.get_gpu_config, "acme/unknown-thing")
        expect("does not exist" in str(e) and "acme/unknown-thing" in str(e), str(e))

    @check("service: start_args() inside a container: the arguments for the GPUs it got")
    def _():
        d = service.decide("meta-llama/Llama-3.1-8B-Instruct")
        device = {"name": "NVIDIA A100-SXM4-80GB", "totalMiB": 81920, "freeMiB": 81000, "count": 2}
        args, env = client.start_args(d, device, client=service)
        expect(args["tensor_parallel_size"] == 2, args)
        expect("PYTORCH_CUDA_ALLOC_CONF" in env, env)

hub.shutdown()
fake.shutdown()
WORK.cleanup()
HF_HOME.cleanup()
for what in skipped:
    print("SKIP", what)
for name, ok in results:
    if not ok:
        print("failed: %s" % name, file=sys.stderr)
passed = sum(1 for _, ok in results if ok)
failed = len(results) - passed
print("%d passed, %d failed%s" % (passed, failed, ", %d skipped" % len(skipped) if skipped else ""))
sys.exit(0 if failed == 0 else 1)
