"""Client for the GPU configuration service (standard library only, Python 3.9+).

Replaces the seed's local ``get_gpu_config(model_name)`` with calls to the service
described in ``api.md``: the service decides the GPU, the vLLM engine arguments and
the environment; this module only talks HTTP and shapes the answers for Modal.

Usage in a Modal app (the ``gpu=`` value must exist when the decorator runs, so the
decision is taken at deploy/import time, before the decorator)::

    import modal
    from gpu_config_client import decide, modal_gpu
    app = modal.App("chat")
    cfg = decide("Qwen/Qwen3-30B-A3B-FP8", contextLength=32768)  # runs at deploy time
    @app.function(gpu=modal_gpu(cfg, with_fallbacks=True))
    def serve(prompt: str): ...  # start vLLM with cfg["engineArgs"] and cfg["env"]

Modal imports the module again inside each container, so that container also calls
the service (set ``GPU_CONFIG_URL`` there, or guard the call with ``modal.is_local()``).

The service URL comes from the ``base_url`` argument, else ``GPU_CONFIG_URL``, else
``http://localhost:8080``. Every failure (timeout, connection error, non-JSON answer,
HTTP 4xx/5xx) raises :class:`GpuConfigError`.

Models the service's catalog does not know (a private fine-tune, a new release): the service
answers 422 "Model size unknown" rather than guess, and :func:`decide` then sends the model's
own ``config.json`` and the bytes of its weights, which :func:`model_facts` finds:

* for a Hugging Face id, on the Hub at ``HF_ENDPOINT`` (default ``https://huggingface.co``),
  with ``HF_TOKEN`` for gated and private repositories and ``HF_REVISION`` (default ``main``):
  ``config.json``, and ``metadata.total_size`` of ``model.safetensors.index.json``, else the
  size of ``model.safetensors``, else (a ``:QUANT`` GGUF id) of the matching ``.gguf`` file;
* for a local model folder (a path holding ``config.json``), from the files on disk. The model
  sent to the service is then ``local/<folder name>`` (characters outside ``[A-Za-z0-9._-]``
  become ``-``, at most 96), a valid model id.

Facts are cached in the process. ``decide(model, fetch_config=True)`` sends them for any model.
Inside a container, :func:`start_args` returns the engine arguments and environment to start
vLLM with on the GPUs that container got (through ``POST /v1/diagnostics``).
"""

import http.client
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from typing import Any, Dict, List, Optional, Tuple, Union

__all__ = [
    "GpuConfigError",
    "model_facts",
    "start_args",
    "GpuConfigClient",
    "get_gpu_config",
    "decide",
    "recover",
    "diagnose",
    "modal_gpu",
    "detect_device",
    "default_client",
]

DEFAULT_URL = "http://localhost:8080"

# camelCase override keys of a decide request, and the snake_case aliases accepted in Python.
_OVERRIDE_KEYS = ("contextLength", "paramsBillions", "quantization", "sharded", "gpu", "config", "weightsBytes")
_ALIASES = {"context_length": "contextLength", "params_billions": "paramsBillions"}


class GpuConfigError(Exception):
    """Any failure talking to the service.

    Attributes: ``status`` (HTTP status, or None when no HTTP answer arrived),
    ``title`` and ``detail`` (from the problem+json body when present),
    ``problem`` (the parsed problem+json dict, or None), ``url``, and
    ``retry_after`` (seconds the service asked to wait before retrying, or None).
    """

    def __init__(
        self,
        message: str,
        status: Optional[int] = None,
        title: Optional[str] = None,
        detail: Optional[str] = None,
        problem: Optional[Dict[str, Any]] = None,
        url: Optional[str] = None,
        retry_after: Optional[float] = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.title = title
        self.detail = detail
        self.problem = problem
        self.url = url
        self.retry_after = retry_after


def _normalize_request(model: Any, overrides: Dict[str, Any], where: str = "decide()") -> Dict[str, Any]:
    """Build a decide request body; TypeError for an unknown or doubled key. None values are omitted."""
    body: Dict[str, Any] = {"model": model}
    for key, value in overrides.items():
        name = _ALIASES.get(key, key)
        if name not in _OVERRIDE_KEYS:
            allowed = ", ".join(_OVERRIDE_KEYS + tuple(_ALIASES))
            raise TypeError("%s got an unexpected keyword argument %r (allowed: %s)" % (where, key, allowed))
        if name in body:
            raise TypeError("%s got %r twice (as %s and its alias)" % (where, name, name))
        if value is not None:
            body[name] = value
    return body


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class GpuConfigClient:
    """HTTP client for one service instance.

    ``base_url``: the service root (argument, else env ``GPU_CONFIG_URL``, else
    ``http://localhost:8080``); ``timeout``: seconds per request.
    """

    def __init__(self, base_url: Optional[str] = None, timeout: float = 10.0) -> None:
        url = base_url or os.environ.get("GPU_CONFIG_URL") or DEFAULT_URL
        self.base_url = url.strip().rstrip("/")
        self.timeout = timeout

    def __repr__(self) -> str:
        return "GpuConfigClient(base_url=%r, timeout=%r)" % (self.base_url, self.timeout)

    # ---- HTTP -------------------------------------------------------------------------

    def _request(self, method: str, path: str, body: Any = None) -> Any:
        """Send one request and return the parsed JSON answer, or raise GpuConfigError."""
        url = self.base_url + path
        what = "%s %s" % (method, url)
        headers = {"Accept": "application/json"}
        data = None
        if body is not None or method == "POST":
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        req = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                status = resp.status
                raw = resp.read()
        except urllib.error.HTTPError as e:  # 4xx/5xx: before URLError, it is a subclass
            raise self._http_error(what, url, e) from None
        except urllib.error.URLError as e:
            reason = e.reason
            if isinstance(reason, (socket.timeout, TimeoutError)):
                raise GpuConfigError("%s failed: timed out after %ss" % (what, self.timeout), url=url) from e
            raise GpuConfigError("%s failed: cannot connect (%s)" % (what, reason), url=url) from e
        except (socket.timeout, TimeoutError) as e:
            raise GpuConfigError("%s failed: timed out after %ss" % (what, self.timeout), url=url) from e
        except (OSError, ValueError) as e:  # reset connections, bad URLs
            raise GpuConfigError("%s failed: %s: %s" % (what, type(e).__name__, e), url=url) from e
        except http.client.HTTPException as e:  # IncompleteRead, BadStatusLine, ...
            raise GpuConfigError("%s failed: %s: %s" % (what, type(e).__name__, e), url=url) from e
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise GpuConfigError(
                "%s failed: HTTP %d answer is not JSON: %r" % (what, status, _short(raw.decode("utf-8", "replace"))),
                status=status,
                url=url,
            ) from None

    @staticmethod
    def _http_error(what: str, url: str, e: urllib.error.HTTPError) -> GpuConfigError:
        try:
            raw = e.read()
        except Exception:
            raw = b""
        problem = None
        try:
            parsed = json.loads(raw.decode("utf-8")) if raw else None
            if isinstance(parsed, dict):
                problem = parsed
        except (UnicodeDecodeError, ValueError):
            pass
        if problem is not None:
            title = problem.get("title")
            detail = problem.get("detail")
        else:
            title = e.reason if isinstance(e.reason, str) else None
            text = raw.decode("utf-8", "replace").strip()
            detail = _short(text) if text else None
        message = "%s failed: HTTP %d" % (what, e.code)
        if title:
            message += " %s" % title
        if detail:
            message += ": %s" % detail
        retry_after = None
        try:
            retry_after = float(e.headers.get("Retry-After")) if e.headers and e.headers.get("Retry-After") else None
        except ValueError:  # an HTTP date: not sent by the service
            pass
        return GpuConfigError(message, status=e.code, title=title, detail=detail, problem=problem, url=url,
                              retry_after=retry_after)

    # ---- API --------------------------------------------------------------------------

    def decide(self, model: str, fetch_config: bool = False, **overrides: Any) -> Dict[str, Any]:
        """POST /v1/gpu-config: the decision for ``model``.

        Overrides: contextLength (alias context_length), paramsBillions (alias
        params_billions), quantization, sharded, gpu, config, weightsBytes. Any other key
        raises TypeError before a request is sent. A local model folder is sent with its
        facts; a model the service cannot size (422 "Model size unknown") is asked again with
        the facts :func:`model_facts` finds; ``fetch_config=True`` sends them from the start.
        """
        if isinstance(model, str) and (fetch_config or _is_local_model(model)) and "config" not in overrides:
            model, overrides = _with_facts(model, overrides)
        try:
            return self._request("POST", "/v1/gpu-config", _normalize_request(model, overrides))
        except GpuConfigError as e:
            if e.status != 422 or e.title != "Model size unknown" or "config" in overrides:
                raise
        model, overrides = _with_facts(model, overrides)
        return self._request("POST", "/v1/gpu-config", _normalize_request(model, overrides))

    def decide_batch(self, requests: List[Union[str, Dict[str, Any]]], retries: int = 3) -> List[Dict[str, Any]]:
        """POST /v1/gpu-config/batch: one answer per item, same order.

        Items are model ids or decide request dicts (snake_case aliases allowed). An
        invalid item comes back as a problem dict (with ``status``), not an exception.
        A 503 (the service busy with other batches, or no rule set active yet) is
        retried up to ``retries`` times, after the ``Retry-After`` the service sends.
        """
        body = []
        for i, item in enumerate(requests):
            if isinstance(item, str):
                body.append({"model": item})
            elif isinstance(item, dict):
                rest = {k: v for k, v in item.items() if k != "model"}
                body.append(_normalize_request(item.get("model"), rest, "decide_batch() item %d" % i))
            else:
                raise TypeError("decide_batch() item %d must be a str or dict, not %s" % (i, type(item).__name__))
        attempt = 0
        while True:
            try:
                return self._request("POST", "/v1/gpu-config/batch", body)
            except GpuConfigError as e:
                if e.status != 503 or attempt >= retries:
                    raise
                attempt += 1
                time.sleep(min(max(e.retry_after if e.retry_after is not None else 1.0, 0.0), 30.0))

    def recover(self, decision: Dict[str, Any], error_text: str, attempt: int = 1) -> Dict[str, Any]:
        """POST /v1/oom after a failure: ``{"action", "next", "alternatives", "reason"}``."""
        body = {"decision": decision, "error": error_text, "attempt": attempt}
        return self._request("POST", "/v1/oom", body)

    def diagnose(self, decision: Dict[str, Any], device: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """POST /v1/diagnostics at container start: ``{"ok", "memoryUtilization", "warnings", "summary"}``.

        Without ``device`` the first GPU is read through nvidia-smi; when that is
        impossible GpuConfigError is raised without calling the service.
        """
        if device is None:
            device = detect_device()
            if device is None:
                if shutil.which("nvidia-smi") is None:
                    raise GpuConfigError("no device: nvidia-smi not found; pass device=...")
                raise GpuConfigError("no device: nvidia-smi failed; pass device=...")
        return self._request("POST", "/v1/diagnostics", {"decision": decision, "device": device})

    def gpus(self) -> List[Dict[str, Any]]:
        """GET /v1/gpus: the GPU catalog in force."""
        return self._request("GET", "/v1/gpus")

    def rules(self) -> Dict[str, Any]:
        """GET /v1/rules: the active rule set and the last load attempt."""
        return self._request("GET", "/v1/rules")


# ---- a model's own facts: config.json and weight bytes, from the Hub or a folder ------

_facts_cache: Dict[Tuple[str, str, str], Dict[str, Any]] = {}
_facts_lock = threading.Lock()


def _is_local_model(model: str) -> bool:
    return os.path.isfile(os.path.join(os.path.expanduser(model), "config.json"))


def _with_facts(model: str, overrides: Dict[str, Any]) -> Tuple[str, Dict[str, Any]]:
    facts = model_facts(model)
    merged = dict(overrides)
    merged["config"] = facts["config"]
    if facts["weightsBytes"] is not None:
        merged["weightsBytes"] = facts["weightsBytes"]
    return facts["model"], merged


def model_facts(model: str, revision: Optional[str] = None, token: Optional[str] = None,
                endpoint: Optional[str] = None) -> Dict[str, Any]:
    """``{"model", "config", "weightsBytes"}`` of a Hub id or a local model folder.

    ``model``: the id to send to the service (``local/<folder name>`` for a folder, see the
    module's docstring); ``config``: the parsed config.json; ``weightsBytes``: the bytes of the
    weight files, or None when no index, safetensors or GGUF size is found. Hub access uses
    ``endpoint`` (else ``HF_ENDPOINT``, else the public Hub), ``token`` (else ``HF_TOKEN`` or
    ``HUGGING_FACE_HUB_TOKEN``) and ``revision`` (else ``HF_REVISION``, else ``main``). Cached in
    the process. Raises GpuConfigError saying what failed (a gated or private repository without a
    token, a repository or revision that does not exist, a URL that cannot be reached).
    """
    if _is_local_model(model):
        folder = os.path.abspath(os.path.expanduser(model))
        key = ("local", folder, "")
    else:
        endpoint = (endpoint or os.environ.get("HF_ENDPOINT") or "https://huggingface.co").rstrip("/")
        revision = revision or os.environ.get("HF_REVISION") or "main"
        key = (model, revision, endpoint)
    with _facts_lock:
        if key in _facts_cache:
            return _facts_cache[key]
    if key[0] == "local":
        facts = _local_facts(key[1])
    else:
        token = token or os.environ.get("HF_TOKEN") or os.environ.get("HUGGING_FACE_HUB_TOKEN")
        facts = _hub_facts(model, revision, token, endpoint)
    with _facts_lock:
        _facts_cache[key] = facts
    return facts


def _local_facts(folder: str) -> Dict[str, Any]:
    with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    index = os.path.join(folder, "model.safetensors.index.json")
    size = None
    if os.path.isfile(index):
        with open(index, encoding="utf-8") as f:
            size = (json.load(f).get("metadata") or {}).get("total_size")
    if size is None:
        files = sorted(os.listdir(folder))
        weights = [n for n in files if n.endswith(".safetensors")] or [n for n in files if n.endswith(".gguf")][:1]
        size = sum(os.path.getsize(os.path.join(folder, n)) for n in weights) or None
    name = "".join(c if c.isalnum() or c in "._-" else "-" for c in os.path.basename(folder.rstrip(os.sep)))
    name = name.lstrip(".-")[:96] or "model"
    return {"model": "local/" + name, "config": config, "weightsBytes": int(size) if size else None}


def _hub_facts(model: str, revision: str, token: Optional[str], endpoint: str) -> Dict[str, Any]:
    repo, _, quant = model.partition(":")
    base = "%s/%s/resolve/%s/" % (endpoint, repo, revision)
    config = json.loads(_hub_get(base + "config.json", token, repo, revision))
    size = None
    try:
        size = (json.loads(_hub_get(base + "model.safetensors.index.json", token, repo, revision)).get("metadata") or {}).get("total_size")
    except _NotFound:
        pass
    if size is None and not quant:
        try:
            size = _hub_size(base + "model.safetensors", token, repo, revision)
        except _NotFound:
            pass
    if size is None and quant:
        tree = json.loads(_hub_get("%s/api/models/%s/tree/%s" % (endpoint, repo, revision), token, repo, revision))
        for entry in tree if isinstance(tree, list) else []:
            path = str(entry.get("path", ""))
            if path.endswith(".gguf") and quant.lower() in path.lower():
                size = entry.get("size")
                break
    return {"model": model, "config": config, "weightsBytes": int(size) if size else None}


class _NotFound(Exception):
    pass


def _hub_request(url: str, token: Optional[str], repo: str, revision: str, method: str = "GET"):
    headers = {"User-Agent": "gpu-config-client"}
    if token:
        headers["Authorization"] = "Bearer " + token
    try:
        return urllib.request.urlopen(urllib.request.Request(url, headers=headers, method=method), timeout=30)
    except urllib.error.HTTPError as e:
        if e.code in (401, 403):
            raise GpuConfigError("%s on the Hugging Face Hub is gated or private: set HF_TOKEN to a token that may read it"
                                 " (%s answered %d)" % (repo, url, e.code), status=e.code, url=url) from None
        if e.code == 404:
            raise _NotFound(url) from None
        raise GpuConfigError("%s answered HTTP %d" % (url, e.code), status=e.code, url=url) from None
    except (urllib.error.URLError, OSError) as e:
        raise GpuConfigError("cannot reach %s: %s" % (url, e), url=url) from e


def _hub_get(url: str, token: Optional[str], repo: str, revision: str) -> bytes:
    try:
        with _hub_request(url, token, repo, revision) as resp:
            return resp.read()
    except _NotFound:
        if url.endswith("/config.json"):
            raise GpuConfigError("%s has no config.json at revision %s on the Hub (%s): the repository or revision does not"
                                 " exist" % (repo, revision, url), status=404, url=url) from None
        raise


def _hub_size(url: str, token: Optional[str], repo: str, revision: str) -> Optional[int]:
    with _hub_request(url, token, repo, revision, method="HEAD") as resp:
        size = resp.headers.get("X-Linked-Size") or resp.headers.get("Content-Length")
        return int(size) if size else None


# ---- device detection ---------------------------------------------------------------


def detect_device(timeout: float = 10.0) -> Optional[Dict[str, Any]]:
    """The first GPU as ``{"name", "totalMiB", "freeMiB", "driver"[, "cuda"]}``, or None.

    Reads ``nvidia-smi``; None when it is not on PATH, fails, or prints nothing usable.
    """
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return None
    query = "--query-gpu=name,memory.total,memory.free,driver_version"
    try:
        out = subprocess.run(
            [exe, query, "--format=csv,noheader,nounits"],
            capture_output=True, text=True, timeout=timeout, check=True,
        ).stdout
        line = next(l for l in out.splitlines() if l.strip())
        name, total, free, driver = [p.strip() for p in line.split(",")][:4]
        device: Dict[str, Any] = {
            "name": name, "totalMiB": int(float(total)), "freeMiB": int(float(free)), "driver": driver,
            "count": len([l for l in out.splitlines() if l.strip()]),
        }
    except (OSError, subprocess.SubprocessError, StopIteration, ValueError):
        return None
    try:  # optional: "CUDA Version: 12.4" in the header of plain nvidia-smi
        header = subprocess.run([exe], capture_output=True, text=True, timeout=timeout).stdout
        marker = "CUDA Version:"
        if marker in header:
            cuda = header.split(marker, 1)[1].split()[0].strip("|")
            if cuda:
                device["cuda"] = cuda
    except (OSError, subprocess.SubprocessError, IndexError):
        pass
    return device


# ---- Modal helpers (no network) -----------------------------------------------------


def _modal_name(entry: Dict[str, Any]) -> str:
    gpu = entry.get("gpu") if isinstance(entry, dict) else None
    if not gpu:
        raise ValueError("not a GPU configuration (no 'gpu'): %r" % (entry,))
    count = int(entry.get("gpuCount") or 1)
    return gpu if count == 1 else "%s:%d" % (gpu, count)


def modal_gpu(decision: Dict[str, Any], with_fallbacks: bool = False) -> Union[str, List[str]]:
    """Modal's ``gpu=`` value for a decision: ``"H100"``, or ``"H100:2"`` for two GPUs.

    With ``with_fallbacks=True``: an ordered list, the chosen GPU first, then each of
    ``decision["fallbacks"]`` in order, without duplicates.
    """
    first = _modal_name(decision)
    if not with_fallbacks:
        return first
    names = [first]
    for fb in decision.get("fallbacks") or []:
        name = _modal_name(fb)
        if name not in names:
            names.append(name)
    return names


# ---- module-level API with a default client -----------------------------------------

_default: Optional[GpuConfigClient] = None
_default_lock = threading.Lock()


def default_client() -> GpuConfigClient:
    """The shared client, created on first use from ``GPU_CONFIG_URL``."""
    global _default
    with _default_lock:
        if _default is None:
            _default = GpuConfigClient()
        return _default


def get_gpu_config(model_name: str) -> Tuple[str, float]:
    """The seed's function: ``(gpu, memory_utilization)`` for a model name."""
    answer = default_client().decide(model_name)
    return str(answer["gpu"]), float(answer["memoryUtilization"])


def decide(model: str, **overrides: Any) -> Dict[str, Any]:
    """:meth:`GpuConfigClient.decide` on the default client."""
    return default_client().decide(model, **overrides)


def recover(decision: Dict[str, Any], error_text: str, attempt: int = 1) -> Dict[str, Any]:
    """:meth:`GpuConfigClient.recover` on the default client."""
    return default_client().recover(decision, error_text, attempt)


def diagnose(decision: Dict[str, Any], device: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """:meth:`GpuConfigClient.diagnose` on the default client."""
    return default_client().diagnose(decision, device)


def start_args(decision: Dict[str, Any], device: Optional[Dict[str, Any]] = None,
               client: Optional[GpuConfigClient] = None) -> Tuple[Dict[str, Any], Dict[str, str]]:
    """Inside the container: ``(engine_args, env)`` to start vLLM with on the GPUs it got.

    Asks ``POST /v1/diagnostics`` with the device (nvidia-smi's first GPU and the count of GPUs
    when ``device`` is None), so a container Modal started on a fallback, or on two GPUs, gets
    arguments for exactly those. Raises GpuConfigError with the service's summary when the
    model does not run there (the answer's ``smallestFit`` says where it does).
    """
    answer = (client or default_client()).diagnose(decision, device)
    if not answer.get("ok"):
        raise GpuConfigError("the model does not run on this container's GPUs: %s" % answer.get("summary"), problem=answer)
    return dict(answer["engineArgs"]), dict(answer.get("env") or {})
