"""Client for the GPU configuration service (standard library only, Python 3.9+; uses
``huggingface_hub`` for Hub requests when it is installed).

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
answers 422 "Model size unknown" rather than guess, and :func:`decide` (so :func:`get_gpu_config`
too) then asks again with the model's own ``config`` (its config.json) and ``weightsBytes`` (the
bytes of its weight files), which :func:`model_facts` finds::

    # in the environment: HF_TOKEN=hf_... for gated and private repositories
    cfg = decide("acme/support-bot-v3")               # 422 -> asked again with its facts
    cfg = decide("acme/support-bot-v3", fetch_config=True)  # facts first, no 422 round trip
    cfg = decide("bartowski/Llama-3.2-3B-Instruct-GGUF:Q4_K_M")  # that quantization's .gguf file
    cfg = decide("/models/my-fine-tune")              # a local folder holding config.json
    gpu, util = get_gpu_config("acme/support-bot-v3")  # GpuConfigError saying why if it cannot be sized

* A Hugging Face id ``owner/name`` (``owner/name:QUANT`` for a GGUF file) is read on the Hub at
  ``HF_ENDPOINT`` (default ``https://huggingface.co``; a mirror or a private Hub), with
  ``HF_TOKEN`` (or ``HUGGING_FACE_HUB_TOKEN``) for gated and private repositories, at revision
  ``HF_REVISION`` (a branch, tag or commit; default ``main``); :func:`model_facts` takes the
  three as arguments too. It reads ``config.json``, and ``metadata.total_size`` of
  ``model.safetensors.index.json``, else the size of ``model.safetensors``, or for ``:QUANT``
  the size of the matching ``.gguf`` file(s) in the repository's file tree. When the
  ``huggingface_hub`` package is installed it makes these requests (with its disk cache);
  otherwise the standard library does. Facts from the Hub are kept for the life of the
  process, keyed by model, revision and endpoint.
* A local model folder (a path to a directory holding ``config.json``) is read from disk at
  each call and always sent with its facts, under the id ``"local/" + name``: the folder's
  base name with each character outside ``[A-Za-z0-9._-]`` replaced by ``-``, leading ``.``
  and ``-`` stripped, at most 96 characters (``"local/model"`` if nothing is left), so
  ``/data/My Model (v2)`` is sent as ``local/My-Model--v2-``. The path never leaves the machine.

Inside a container, :func:`start_args` returns the engine arguments and environment to start
vLLM with on the GPUs that container got (through ``POST /v1/diagnostics``).
"""

import copy
import http.client
import json
import os
import posixpath
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
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
_ALIASES = {"context_length": "contextLength", "params_billions": "paramsBillions", "weights_bytes": "weightsBytes"}


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
        params_billions), quantization, sharded, gpu, config (a config.json dict),
        weightsBytes (alias weights_bytes). Any other key raises TypeError before a request
        is sent.

        A local model folder is always sent with its facts (as ``local/<name>``, see
        :func:`model_facts`); ``fetch_config=True`` sends the facts of a Hub id from the
        start. Otherwise, when the service answers 422 "Model size unknown" and no
        ``config`` was given, the facts are read and the question asked once more. When the
        facts cannot be read the GpuConfigError (status 422) says why; when the second answer
        is an error too, its GpuConfigError (the service's status) says the facts were sent.
        """
        body = _normalize_request(model, overrides)
        facts = None
        if _is_local_model(model) or (fetch_config and "config" not in body):
            facts = model_facts(model)
            body = _with_facts(body, facts)
        try:
            return self._request("POST", "/v1/gpu-config", body)
        except GpuConfigError as e:
            if facts is not None or "config" in body or not _size_unknown(e):
                raise
            unknown = e
        try:
            facts = model_facts(model)
        except GpuConfigError as e:
            raise GpuConfigError(
                "%r cannot be sized: the service does not know its size (HTTP %s %s) and its config.json and"
                " weight bytes could not be read: %s" % (model, unknown.status, unknown.title, e),
                status=unknown.status, title=unknown.title, detail=unknown.detail, problem=unknown.problem,
                url=unknown.url,
            ) from e
        try:
            return self._request("POST", "/v1/gpu-config", _with_facts(body, facts))
        except GpuConfigError as e:
            raise GpuConfigError(
                "%r was asked again with its facts (config.json: %s, weightsBytes: %s) and the service answered: %s"
                % (model, "sent" if facts["config"] is not None else "none published", facts["weightsBytes"], e),
                status=e.status, title=e.title, detail=e.detail, problem=e.problem, url=e.url,
                retry_after=e.retry_after,
            ) from e

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

    def report_started(self, decision: Dict[str, Any], kv_cache_tokens: Optional[int] = None,
                       gpu_blocks: Optional[int] = None) -> Dict[str, Any]:
        """POST /v1/outcomes once vLLM started: the decision that started and the KV cache it reported.

        The service remembers it: a KV cache smaller than its estimate corrects the estimate for
        the model's next decisions, on every replica. ``kv_cache_tokens_from_log`` reads both
        figures from vLLM's start-up log.
        """
        body: Dict[str, Any] = {"decision": decision}
        if kv_cache_tokens is not None:
            body["kvCacheTokens"] = int(kv_cache_tokens)
        if gpu_blocks is not None:
            body["gpuBlocks"] = int(gpu_blocks)
        return self._request("POST", "/v1/outcomes", body)

    def failures(self, model: Optional[str] = None, limit: int = 50) -> Dict[str, Any]:
        """GET /v1/failures: the failures the service remembers, newest first (one page)."""
        query = {"limit": str(limit)}
        if model is not None:
            query["model"] = model
        return self._request("GET", "/v1/failures?" + urllib.parse.urlencode(query))

    def gpus(self) -> List[Dict[str, Any]]:
        """GET /v1/gpus: the GPU catalog in force."""
        return self._request("GET", "/v1/gpus")

    def rules(self) -> Dict[str, Any]:
        """GET /v1/rules: the active rule set and the last load attempt."""
        return self._request("GET", "/v1/rules")


# ---- a model's own facts: config.json and weight bytes, from the Hub or a folder ------

DEFAULT_HUB = "https://huggingface.co"
HUB_TIMEOUT = 30.0  # seconds per Hub request of the standard-library path
LOCAL_NAME_MAX = 96  # characters of a local folder's name in "local/<name>"

_facts_cache: Dict[Tuple[str, str, str], Dict[str, Any]] = {}  # (model, revision, endpoint) -> facts
_facts_lock = threading.Lock()
_HUB_REPO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")
_HUB_QUANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_GGUF_SHARD = re.compile(r"-\d{5}-of-\d{5}(?=\.gguf$)", re.IGNORECASE)
_REDIRECTS = (301, 302, 303, 307, 308)


def _is_local_model(model: Any) -> bool:
    """True for a path to a folder holding config.json."""
    return (isinstance(model, str) and bool(model.strip())
            and os.path.isfile(os.path.join(os.path.expanduser(model), "config.json")))


def _local_id(folder: str) -> str:
    """``local/<name>``: the folder's base name reduced to [A-Za-z0-9._-], see the module docstring."""
    name = re.sub(r"[^A-Za-z0-9._-]", "-", os.path.basename(os.path.normpath(folder)))
    return "local/" + (name.lstrip(".-")[:LOCAL_NAME_MAX] or "model")


def _with_facts(body: Dict[str, Any], facts: Dict[str, Any]) -> Dict[str, Any]:
    """The request with the facts' model id, and their config and weightsBytes unless given."""
    merged = dict(body)
    merged["model"] = facts["model"]
    for key, value in (("config", facts.get("config")), ("weightsBytes", facts.get("weightsBytes"))):
        if value is not None:
            merged.setdefault(key, value)
    return merged


def _size_unknown(error: GpuConfigError) -> bool:
    return error.status == 422 and (error.title or "").strip().lower() == "model size unknown"


def model_facts(model: str, revision: Optional[str] = None, token: Optional[str] = None,
                endpoint: Optional[str] = None) -> Dict[str, Any]:
    """``{"config", "weightsBytes", "model"}``: what the service needs to size ``model``.

    ``config`` is the model's config.json as published (None for a GGUF repository that
    publishes none); ``weightsBytes`` the total bytes of the weight files, or None when none
    is found; ``model`` the id to send to the service.

    * A local folder (a path to a directory holding config.json): config.json, and
      ``metadata.total_size`` of model.safetensors.index.json, else the sum of the
      ``*.safetensors`` sizes, else the size of the ``*.gguf`` file (``mmproj*`` ignored;
      shards ``-00001-of-0000N`` added up; of several models the largest). The id sent is
      ``"local/" + name``: the folder's base name with each character outside
      ``[A-Za-z0-9._-]`` replaced by ``-``, leading ``.``/``-`` stripped, at most 96
      characters, ``"model"`` when nothing is left. Read anew at each call.
    * A Hugging Face Hub id ``owner/name``, or ``owner/name:QUANT`` for the GGUF file of that
      quantization (``:QUANT`` is not part of the repository; the id is sent as given).
      ``endpoint``: argument, else ``HF_ENDPOINT``, else https://huggingface.co; ``token``:
      argument, else ``HF_TOKEN``, else ``HUGGING_FACE_HUB_TOKEN``; ``revision``: argument,
      else ``HF_REVISION``, else ``main``. config.json from ``{endpoint}/{repo}/resolve/
      {revision}/config.json``; weightsBytes from ``metadata.total_size`` of
      model.safetensors.index.json, else the size of model.safetensors (``X-Linked-Size``
      of a HEAD, else its Content-Length), or for ``:QUANT`` the size of the ``.gguf``
      file(s) matching QUANT (case-insensitive, a whole word of the path) in
      ``{endpoint}/api/models/{repo}/tree/{revision}``. With ``huggingface_hub`` installed
      the same is read through it (hf_hub_download, HfApi.get_paths_info, HfApi.model_info),
      whose disk cache answers for the files it holds when the Hub cannot.
      Kept for the life of the process, keyed by (model, revision, endpoint); errors are not.

    Raises GpuConfigError saying what failed: a gated or private repository (HTTP 401/403:
    set HF_TOKEN, or the token has no access), a repository or revision that does not exist
    (404), the URL that could not be reached, a repository with neither config.json nor
    weights, a ``:QUANT`` that no .gguf file matches.
    """
    if _is_local_model(model):
        return _local_facts(os.path.abspath(os.path.expanduser(model)))
    repo, quant = _hub_repo(model)
    endpoint = (endpoint or os.environ.get("HF_ENDPOINT") or DEFAULT_HUB).strip().rstrip("/")
    revision = revision or os.environ.get("HF_REVISION") or "main"
    key = (model, revision, endpoint)
    with _facts_lock:
        cached = _facts_cache.get(key)
    if cached is not None:
        return copy.deepcopy(cached)
    token = token or os.environ.get("HF_TOKEN") or os.environ.get("HUGGING_FACE_HUB_TOKEN") or None
    hf = _import_hf_hub()
    hub = _HfHub(hf, endpoint, repo, revision, token) if hf is not None else _UrllibHub(endpoint, repo, revision, token)
    facts = _hub_facts(hub, model, quant)
    with _facts_lock:
        _facts_cache[key] = facts
    return copy.deepcopy(facts)


def _import_hf_hub() -> Any:
    """The ``huggingface_hub`` module, or None when it is not installed."""
    try:
        import huggingface_hub
    except ImportError:
        return None
    return huggingface_hub


def _hub_repo(model: Any) -> Tuple[str, Optional[str]]:
    """``(owner/name, QUANT or None)`` of a Hub id, else GpuConfigError."""
    text = model.strip() if isinstance(model, str) else ""
    repo, colon, quant = text.partition(":")
    if not _HUB_REPO.match(repo) or (colon and not _HUB_QUANT.match(quant)):
        if isinstance(model, str) and os.path.isdir(os.path.expanduser(model)):
            raise GpuConfigError("%r is a folder without config.json, not a model folder" % (model,))
        raise GpuConfigError("%r is neither a local model folder (holding config.json) nor a Hugging Face id"
                             " 'owner/name' (or 'owner/name:QUANT' for a GGUF file)" % (model,))
    return repo, quant or None


def _hub_facts(hub: Any, model: str, quant: Optional[str]) -> Dict[str, Any]:
    where = "%s at revision %s on %s" % (hub.repo, hub.revision, hub.endpoint)
    if quant:
        files = hub.files()
        config = hub.json("config.json", "entry") if any(p == "config.json" for p, _ in files) else None
        weights = _gguf_bytes(files, quant)
        if weights is None:
            ggufs = sorted(p for p, _ in files if p.lower().endswith(".gguf"))
            raise GpuConfigError("no .gguf file of %s matches %r (its .gguf files: %s)"
                                 % (where, quant, ", ".join(ggufs) or "none"))
    else:
        config = hub.json("config.json", "entry")
        weights = _total_size(hub.json("model.safetensors.index.json", "any"))
        if weights is None:
            weights = hub.file_size("model.safetensors")
        if config is None and weights is None:
            raise GpuConfigError("%s publishes neither config.json nor model.safetensors(.index.json); for a GGUF"
                                 " repository name the file's quantization: '%s:Q4_K_M'" % (where, hub.repo))
    if config is not None and not isinstance(config, dict):
        raise GpuConfigError("config.json of %s is not a JSON object" % where)
    return {"config": config, "weightsBytes": weights, "model": model}


def _total_size(index: Any) -> Optional[int]:
    """``metadata.total_size`` of a model.safetensors.index.json, or None."""
    meta = index.get("metadata") if isinstance(index, dict) else None
    total = meta.get("total_size") if isinstance(meta, dict) else None
    if isinstance(total, (int, float)) and not isinstance(total, bool) and total > 0:
        return int(total)
    return None


def _gguf_bytes(files: List[Tuple[str, Any]], quant: Optional[str]) -> Optional[int]:
    """Bytes of the GGUF model among ``(path, size)``: shards added up, the largest model if several."""
    word = re.compile(r"(?<![A-Za-z0-9])%s(?![A-Za-z0-9_])" % re.escape(quant), re.IGNORECASE) if quant else None
    models: Dict[str, int] = {}
    for path, size in files:
        name = posixpath.basename(path).lower()
        if not name.endswith(".gguf") or name.startswith("mmproj") or (word is not None and not word.search(path)):
            continue
        key = _GGUF_SHARD.sub("", path)
        models[key] = models.get(key, 0) + int(size or 0)
    return (max(models.values()) or None) if models else None


def _local_facts(folder: str) -> Dict[str, Any]:
    config = _read_json_file(os.path.join(folder, "config.json"))
    if not isinstance(config, dict):
        raise GpuConfigError("%s is not a JSON object" % os.path.join(folder, "config.json"))
    names = sorted(os.listdir(folder))
    sizes = {n: os.path.getsize(os.path.join(folder, n)) for n in names if os.path.isfile(os.path.join(folder, n))}
    weights = None
    if "model.safetensors.index.json" in sizes:
        weights = _total_size(_read_json_file(os.path.join(folder, "model.safetensors.index.json")))
    if weights is None:
        weights = sum(s for n, s in sizes.items() if n.endswith(".safetensors")) or None
    if weights is None:
        weights = _gguf_bytes(list(sizes.items()), None)
    return {"config": config, "weightsBytes": weights, "model": _local_id(folder)}


def _read_json_file(path: str) -> Any:
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise GpuConfigError("cannot read %s: %s" % (path, e)) from e


def _hub_failure(status: int, code: Optional[str], message: Optional[str], url: str, repo: str, revision: str,
                 token: Optional[str]) -> GpuConfigError:
    """The GpuConfigError for an HTTP error of the Hub (X-Error-Code/-Message as the Hub sends them)."""
    if status in (401, 403):
        if token and message == "Invalid credentials in Authorization header":
            why = "the token in HF_TOKEN is not valid (mistyped, expired or revoked)"
        elif token:
            why = ("the token in HF_TOKEN has no access to it: for a gated repository accept its terms on its Hub page"
                   " with the token's account, for a private one use a token of an account that can read it")
        else:
            why = ("set HF_TOKEN to a token with read access to it (without a token the Hub answers the same for a"
                   " repository that does not exist)")
        text = "Hugging Face repository %s is gated or private: %s (HTTP %d for %s)" % (repo, why, status, url)
    elif status == 404 and code == "RevisionNotFound":
        text = "revision %r of Hugging Face repository %s does not exist (HTTP 404 for %s)" % (revision, repo, url)
    elif status == 404:
        text = ("Hugging Face repository %s or its revision %r does not exist (HTTP 404 for %s)"
                % (repo, revision, url))
    else:
        text = "the Hugging Face Hub answered HTTP %d%s for %s" % (status, ": %s" % message if message else "", url)
    return GpuConfigError(text, status=status, url=url)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hands 3xx answers back: the redirects are followed by hand, reading X-Linked-Size on the way."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102
        return None


_hub_opener = urllib.request.build_opener(_NoRedirect)


def _hub_http(method: str, url: str, token: Optional[str]) -> Tuple[int, List[Any], bytes, str]:
    """``(status, headers of each answer, body, final url)``; redirects followed (Authorization
    dropped on another host, as a signed CDN URL needs), but not past the answer to a HEAD that
    carries X-Linked-Size (the size wanted); GpuConfigError naming the URL when no HTTP answer
    arrives."""
    headers = {"User-Agent": "gpu-config-client", "Accept-Encoding": "identity"}
    if token:
        headers["Authorization"] = "Bearer " + token
    chain: List[Any] = []
    for _ in range(10):
        try:
            try:
                answer = _hub_opener.open(urllib.request.Request(url, headers=headers, method=method),
                                          timeout=HUB_TIMEOUT)
            except urllib.error.HTTPError as e:
                answer = e
            with answer:
                status = answer.getcode()
                chain.append(answer.headers)
                location = answer.headers.get("Location")
                if status in _REDIRECTS and location and not (method == "HEAD" and answer.headers.get("X-Linked-Size")):
                    target = urllib.parse.urljoin(url, location)
                    if urllib.parse.urlsplit(target).netloc != urllib.parse.urlsplit(url).netloc:
                        headers.pop("Authorization", None)
                    url = target
                    continue
                body = answer.read() if method == "GET" else b""
            return status, chain, body, url
        except urllib.error.URLError as e:
            raise GpuConfigError("Hugging Face Hub request failed: %s %s: %s" % (method, url, e.reason), url=url) from e
        except (OSError, ValueError, http.client.HTTPException) as e:
            raise GpuConfigError("Hugging Face Hub request failed: %s %s: %s: %s"
                                 % (method, url, type(e).__name__, e), url=url) from e
    raise GpuConfigError("Hugging Face Hub request failed: %s %s: more than 10 redirects" % (method, url), url=url)


def _parse_json(body: bytes, url: str) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise GpuConfigError("the answer of %s is not JSON: %r" % (url, _short(body.decode("utf-8", "replace"))),
                             url=url) from None


class _UrllibHub:
    """The Hub through the standard library."""

    def __init__(self, endpoint: str, repo: str, revision: str, token: Optional[str]) -> None:
        self.endpoint, self.repo, self.revision, self.token = endpoint, repo, revision, token

    def _url(self, filename: str) -> str:
        return "%s/%s/resolve/%s/%s" % (self.endpoint, self.repo, urllib.parse.quote(self.revision, safe=""),
                                        urllib.parse.quote(filename))

    def _get(self, method: str, url: str, missing: Optional[str]) -> Optional[Tuple[List[Any], bytes]]:
        """``(headers chain, body)``; None for a 404 that ``missing`` allows ("any", or "entry":
        only the Hub's EntryNotFound, a file the repository lacks)."""
        status, chain, body, _ = _hub_http(method, url, self.token)
        code = chain[-1].get("X-Error-Code")
        if status == 404 and (missing == "any" or (missing == "entry" and code == "EntryNotFound")):
            return None
        if status >= 400:
            raise _hub_failure(status, code, chain[-1].get("X-Error-Message"), url, self.repo, self.revision,
                               self.token)
        return chain, body

    def json(self, filename: str, missing: str) -> Any:
        url = self._url(filename)
        got = self._get("GET", url, missing)
        return None if got is None else _parse_json(got[1], url)

    def file_size(self, filename: str) -> Optional[int]:
        got = self._get("HEAD", self._url(filename), "any")
        if got is None:
            return None
        for headers in got[0]:
            if headers.get("X-Linked-Size"):
                return int(headers["X-Linked-Size"])
        length = got[0][-1].get("Content-Length")
        return int(length) if length else None

    def files(self) -> List[Tuple[str, Any]]:
        """``(path, size)`` of every file, through the paged tree listing."""
        url: Optional[str] = "%s/api/models/%s/tree/%s?recursive=true" % (
            self.endpoint, self.repo, urllib.parse.quote(self.revision, safe=""))
        out: List[Tuple[str, Any]] = []
        while url:
            chain, body = self._get("GET", url, None)  # type: ignore[misc]
            entries = _parse_json(body, url)
            if not isinstance(entries, list):
                raise GpuConfigError("the answer of %s is not a list of files" % url, url=url)
            out.extend((str(e.get("path")), e.get("size")) for e in entries
                       if isinstance(e, dict) and e.get("type") == "file")
            link = re.search(r'<([^>]+)>\s*;\s*rel="?next"?', chain[-1].get("Link") or "")
            url = urllib.parse.urljoin(url, link.group(1)) if link else None
        return out


class _HfHub:
    """The Hub through ``huggingface_hub`` (its errors mapped to GpuConfigError like the Hub's answers)."""

    def __init__(self, hf: Any, endpoint: str, repo: str, revision: str, token: Optional[str]) -> None:
        self.hf, self.endpoint, self.repo, self.revision, self.token = hf, endpoint, repo, revision, token
        self.api = hf.HfApi(endpoint=endpoint, token=token)

    def _call(self, url: str, missing: Optional[str], fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as e:  # the library's exception classes differ between its versions
            status, code, message = _hf_response(e)
            if status is None:
                raise GpuConfigError("Hugging Face Hub request failed: %s: %s: %s"
                                     % (url, type(e).__name__, _short(str(e))), url=url) from e
            if status == 404 and (missing == "any" or (missing == "entry" and code == "EntryNotFound")):
                return None
            raise _hub_failure(status, code, message, url, self.repo, self.revision, self.token) from None

    def json(self, filename: str, missing: str) -> Any:
        url = "%s/%s/resolve/%s/%s" % (self.endpoint, self.repo, self.revision, filename)
        path = self._call(url, missing, self.hf.hf_hub_download, self.repo, filename, revision=self.revision,
                          token=self.token, endpoint=self.endpoint)
        return None if path is None else _read_json_file(path)

    def file_size(self, filename: str) -> Optional[int]:
        url = "%s/api/models/%s/paths-info/%s" % (self.endpoint, self.repo, self.revision)
        infos = self._call(url, "any", self.api.get_paths_info, self.repo, [filename], revision=self.revision)
        for info in infos or []:
            if getattr(info, "path", None) == filename and getattr(info, "size", None):
                return int(info.size)
        return None

    def files(self) -> List[Tuple[str, Any]]:
        url = "%s/api/models/%s/revision/%s" % (self.endpoint, self.repo, self.revision)
        info = self._call(url, None, self.api.model_info, self.repo, revision=self.revision, files_metadata=True)
        return [(s.rfilename, s.size) for s in (info.siblings or [])]


def _hf_response(error: BaseException) -> Tuple[Optional[int], Optional[str], Optional[str]]:
    """``(status, X-Error-Code, X-Error-Message)`` of the HTTP answer behind a huggingface_hub error."""
    pending: List[Optional[BaseException]] = [error]
    seen = set()
    while pending:
        e = pending.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        response = getattr(e, "response", None)
        status = getattr(response, "status_code", None)
        if isinstance(status, int):
            headers = getattr(response, "headers", None) or {}
            return status, headers.get("X-Error-Code"), headers.get("X-Error-Message")
        pending.extend((e.__cause__, e.__context__))
    return None, None, None


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
    """The seed's function: ``(gpu, memory_utilization)`` for a model name.

    A model the service cannot size is asked again with its facts (see :func:`decide`);
    GpuConfigError says why when they cannot be found (a repository that does not exist, a
    gated or private one without HF_TOKEN, a name that is neither a Hub id nor a folder).
    """
    answer = default_client().decide(model_name)
    return str(answer["gpu"]), float(answer["memoryUtilization"])


def decide(model: str, fetch_config: bool = False, **overrides: Any) -> Dict[str, Any]:
    """:meth:`GpuConfigClient.decide` on the default client."""
    return default_client().decide(model, fetch_config=fetch_config, **overrides)


def recover(decision: Dict[str, Any], error_text: str, attempt: int = 1) -> Dict[str, Any]:
    """:meth:`GpuConfigClient.recover` on the default client."""
    return default_client().recover(decision, error_text, attempt)


def diagnose(decision: Dict[str, Any], device: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """:meth:`GpuConfigClient.diagnose` on the default client."""
    return default_client().diagnose(decision, device)


_KV_TOKENS = re.compile(r"GPU KV cache size:\s*([\d,]+)\s*tokens")
_GPU_BLOCKS = re.compile(r"# GPU blocks:\s*(\d+)")


def kv_cache_from_log(text: str) -> Tuple[Optional[int], Optional[int]]:
    """``(kv_cache_tokens, gpu_blocks)`` from vLLM's start-up log; ``None`` for what it did not print.

    vLLM prints ``GPU KV cache size: 123,456 tokens`` (V1 engine) or ``# GPU blocks: 7716``
    (older releases); the last figure of each counts.
    """
    tokens = _KV_TOKENS.findall(text or "")
    blocks = _GPU_BLOCKS.findall(text or "")
    return (int(tokens[-1].replace(",", "")) if tokens else None, int(blocks[-1]) if blocks else None)


def report_started(decision: Dict[str, Any], kv_cache_tokens: Optional[int] = None,
                   gpu_blocks: Optional[int] = None) -> Dict[str, Any]:
    """:meth:`GpuConfigClient.report_started` on the default client."""
    return default_client().report_started(decision, kv_cache_tokens, gpu_blocks)


def start_decision(decision: Dict[str, Any], device: Optional[Dict[str, Any]] = None,
                   client: Optional[GpuConfigClient] = None) -> Dict[str, Any]:
    """Inside the container: the decision as it starts on the GPUs this container got.

    ``decision`` with ``gpu``, ``gpuCount``, ``memoryUtilization``, ``engineArgs`` and ``env``
    from ``POST /v1/diagnostics`` (see :func:`start_args`). Report this one: to
    :func:`report_started` once vLLM is up, to :func:`recover` when it fails.
    """
    answer = (client or default_client()).diagnose(decision, device)
    if not answer.get("ok"):
        raise GpuConfigError("the model does not run on this container's GPUs: %s" % answer.get("summary"), problem=answer)
    started = dict(decision)
    for field in ("gpu", "gpuCount", "memoryUtilization", "engineArgs", "env"):
        if answer.get(field) is not None:
            started[field] = answer[field]
    return started


def start_args(decision: Dict[str, Any], device: Optional[Dict[str, Any]] = None,
               client: Optional[GpuConfigClient] = None) -> Tuple[Dict[str, Any], Dict[str, str]]:
    """Inside the container: ``(engine_args, env)`` to start vLLM with on the GPUs it got.

    Asks ``POST /v1/diagnostics`` with the device (nvidia-smi's first GPU and the count of GPUs
    when ``device`` is None), so a container Modal started on a fallback, or on two GPUs, gets
    arguments for exactly those. Raises GpuConfigError with the service's summary when the
    model does not run there (the answer's ``smallestFit`` says where it does).
    """
    started = start_decision(decision, device, client)
    return dict(started["engineArgs"]), dict(started.get("env") or {})
