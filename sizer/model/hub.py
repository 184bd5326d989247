"""Hugging Face Hub downloads (--model-config org/name), cached under $XDG_CACHE_HOME/sizing/hub, and
the files a --model-config value makes a run read.
"""

import os
import re

from sizer.fileio import write_files_atomically
from sizer.inputs import MAX_JSON_FILE_BYTES, _os_reason, parse_json_bytes
from sizer.numbers import InputError, printable
from sizer.vocab import T
from sizer import __version__


# A Hugging Face model id: organisation/name, as the Hub spells them.
HUB_MODEL_ID = r"(?a)[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*"      # compiled when first used
# Each socket operation waits at most HUB_TIMEOUT_S; a whole file (connect, headers, body) at most
# HUB_DEADLINE_S, so that a server sending one byte every few seconds cannot hold the run.
HUB_TIMEOUT_S = 30
HUB_DEADLINE_S = 60
SAFETENSORS_INDEX = "model.safetensors.index.json"
CONFIG = "config.json"
# Beside a cached config whose model has no safetensors index (the Hub answered 404): the index is then
# not asked for again. Without it or the index, the index is downloaded again on the next run.
NO_INDEX_MARK = SAFETENSORS_INDEX + ".404"


def model_config_path(value):
    """A local config.json: the path given, `DIR/config.json` for a folder (a checkpoint's folder, as
    vLLM is given one), or the Hub's copy of a model id's config.json (with its
    model.safetensors.index.json, when the model has one) in the user's cache.

    Downloads as huggingface_hub does: {HF_ENDPOINT}/{id}/resolve/main/{file}, with the
    HF_TOKEN as a bearer token when it is set. A download is stored only whole and valid (a JSON
    object), so a failed or partial one never poisons a later run.
    """
    if os.path.isdir(value):
        return os.path.join(value, CONFIG)
    if os.path.exists(value) or not re.fullmatch(HUB_MODEL_ID, value):
        return value
    folder = hub_cache_folder(value)
    config, index, mark = (os.path.join(folder, name) for name in (CONFIG, SAFETENSORS_INDEX, NO_INDEX_MARK))
    if os.path.exists(config) and (os.path.exists(index) or os.path.exists(mark)):
        return config
    endpoint = hub_endpoint()
    files = []
    if not os.path.exists(config):
        files.append((config, _checked(_hub_download(endpoint, value, CONFIG, required=True), endpoint, value,
                                       CONFIG)))
    data = _hub_download(endpoint, value, SAFETENSORS_INDEX, required=False)
    if data is None:
        files.insert(0, (mark, b""))
    else:
        files.insert(0, (index, _checked(data, endpoint, value, SAFETENSORS_INDEX)))
    try:
        os.makedirs(folder, exist_ok=True)
        # The index (or its mark) first, the config last: a config in the cache means both are there.
        write_files_atomically([("--model-config", path, data) for path, data in files])
    except (OSError, InputError) as error:
        raise InputError("err.file_unreadable", path=folder, reason=getattr(error, "text", None) or
                         _os_reason(error))
    return config


def hub_cache_folder(model_id):
    return os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
                        "sizing", "hub", model_id.replace("/", "--"))


def model_config_inputs(value):
    """Every file a --model-config value makes the run read (an output file may be none of them): the
    path given, the config.json of a folder or of the Hub's cache, and the safetensors index beside it."""
    if not value:
        return []
    paths = [value]
    if os.path.isdir(value):
        paths.append(os.path.join(value, CONFIG))
    elif not os.path.exists(value) and re.fullmatch(HUB_MODEL_ID, value):
        paths.append(os.path.join(hub_cache_folder(value), CONFIG))
    paths.append(os.path.join(os.path.dirname(paths[-1]), SAFETENSORS_INDEX))
    return paths


def model_config_name(value, path):
    """The model's name: a model id's or a folder's last part, else the config file's name."""
    if path != value:
        return printable(value.replace("\\", "/").rstrip("/").split("/")[-1])
    return _printable_name(path)


def hub_endpoint():
    """HF_ENDPOINT (or the Hub), checked: an http(s) address with a host."""
    import urllib.parse
    endpoint = (os.environ.get("HF_ENDPOINT") or "https://huggingface.co").rstrip("/")
    try:
        parts = urllib.parse.urlsplit(endpoint)
        parts.port      # a port that is not a number raises here
        valid = parts.scheme in ("http", "https") and parts.hostname
    except ValueError as error:
        raise InputError("err.hub_endpoint", endpoint=printable(endpoint), reason=printable(error))
    if not valid:
        raise InputError("err.hub_endpoint", endpoint=printable(endpoint), reason=T("err.hub_endpoint_form"))
    return endpoint


def _hub_download(endpoint, model_id, filename, required):
    """The bytes of one file, or None when it is optional and the Hub has none (404). The download runs in
    a worker thread so that the whole of it, not each read, has a deadline."""
    import threading
    import urllib.request
    url = "%s/%s/resolve/main/%s" % (endpoint, model_id, filename)
    try:
        request = urllib.request.Request(url, headers={"User-Agent": "sizing/%s" % __version__})
    except ValueError as error:
        raise InputError("err.hub_endpoint", endpoint=printable(endpoint), reason=printable(error))
    if os.environ.get("HF_TOKEN"):
        request.add_header("Authorization", "Bearer %s" % os.environ["HF_TOKEN"])
    outcome = []
    worker = threading.Thread(target=_fetch, args=(request, outcome), daemon=True)
    worker.start()
    worker.join(HUB_DEADLINE_S)
    if not outcome:
        raise InputError("err.hub_timeout", endpoint=endpoint, model=model_id, file=filename, seconds=HUB_DEADLINE_S)
    kind, value = outcome[0]
    if kind == "data":
        return value
    return _download_error(value, endpoint, model_id, filename, required)


def _fetch(request, outcome):
    """Worker: ("data", bytes) or ("error", the exception); a body over the size limit is an error."""
    import urllib.request
    try:
        with urllib.request.urlopen(request, timeout=HUB_TIMEOUT_S) as response:
            data = response.read(MAX_JSON_FILE_BYTES + 1)
            length = response.headers.get("Content-Length")
        if len(data) > MAX_JSON_FILE_BYTES:
            outcome.append(("error", _TooLarge()))
        elif length is not None and length.strip().isdigit() and int(length) != len(data):
            outcome.append(("error", _Truncated()))
        else:
            outcome.append(("data", data))
    except Exception as error:      # every failure is reported by the main thread, as one line
        # Kept without its traceback (whose frames hold the socket) and with its response closed.
        if hasattr(error, "close"):
            error.close()
        error.__traceback__ = error.__context__ = None
        outcome.append(("error", error))


class _TooLarge(Exception):
    pass


class _Truncated(Exception):
    pass


def _download_error(error, endpoint, model_id, filename, required):
    """The one-line error for a failed download (None: an optional file the Hub does not have)."""
    import http.client
    import urllib.error
    if isinstance(error, urllib.error.HTTPError):
        if error.code == 404 and not required:
            return None
        if error.code in (401, 403):
            raise InputError("err.hub_gated", model=model_id, endpoint=endpoint, code=error.code)
        if error.code == 404:
            raise InputError("err.hub_missing", model=model_id, endpoint=endpoint)
        raise InputError("err.hub_http", model=model_id, endpoint=endpoint, code=error.code)
    if isinstance(error, _TooLarge):
        raise InputError("err.file_too_large", path="%s/%s/resolve/main/%s" % (endpoint, model_id, filename),
                         limit_mib=MAX_JSON_FILE_BYTES // 2 ** 20)
    if isinstance(error, (_Truncated, http.client.IncompleteRead)):
        raise InputError("err.hub_bad_body", endpoint=endpoint, model=model_id, file=filename,
                         reason=T("err.hub_body_truncated"))
    if isinstance(error, (http.client.HTTPException, ValueError)):     # a status line, header or chunk malformed
        raise InputError("err.hub_protocol", endpoint=endpoint, model=model_id, file=filename,
                         reason=printable(type(error).__name__ + (": %s" % error if str(error) else ""))[:200])
    reason = getattr(error, "reason", None) or error
    raise InputError("err.hub_unreachable", endpoint=endpoint, reason=printable(reason)[:200])


def _checked(data, endpoint, model_id, filename):
    """The downloaded bytes when they are a JSON object (a config, an index); anything else (empty, an
    HTML page, an array, cut short) is refused before it reaches the cache."""
    reason = None
    if not data.strip():
        reason = T("err.hub_body_empty")
    else:
        try:
            parsed = parse_json_bytes(data, filename, allow_constants=filename == CONFIG)
        except InputError as error:
            reason = error.text
        else:
            if not isinstance(parsed, dict):
                reason = T("err.hub_body_not_object", kind=type(parsed).__name__)
    if reason is not None:
        raise InputError("err.hub_bad_body", endpoint=endpoint, model=model_id, file=filename, reason=reason)
    return data


def _printable_name(path):
    """A model's name from its config path (or folder, or Hub id); bytes that were not UTF-8 shown escaped."""
    return printable(os.path.splitext(os.path.basename(path.rstrip("/" + os.sep) or path))[0])


# -- model names compared across spellings (a log's model, the catalog's, the Hub's) --

VARIANT_SUFFIXES = ("-fp8", "-fp8-dynamic", "-awq", "-gptq", "-int4", "-int8", "-fp4", "-nvfp4", "-w8a8", "-mxfp4",
                    "-it", "-instruct", "-chat", "-base", "-hf", "-quantized")


def last_part(name):
    return name.replace("\\", "/").rstrip("/").split("/")[-1]


def model_name_key(name):
    """A model name compared across spellings: 'meta-llama/Llama-3.1-70B-Instruct',
    '/mnt/models/models--meta-llama--llama-3-1-70b-instruct' and 'Llama-3.1-70B' all give 'llama-3-1-70b'."""
    key = last_part(name).lower()
    if key.startswith("models--") and key.count("--") >= 2:         # a Hugging Face cache folder
        key = key.split("--", 2)[2]
    if key.endswith(".json"):
        key = key[:-5]
    key = re.sub(r"[._ ]+", "-", key)
    for _ in range(3):
        for suffix in VARIANT_SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                key = key[:-len(suffix)]
    return key


HUB_URL_ID = r"(?a)huggingface\.co/([A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*)"


def hub_id(model):
    """The model's Hugging Face id when its source names one and it is another model name than the one
    shown ('opt-oss-120b', the guide's name, is openai/gpt-oss-120b); None otherwise."""
    match = re.search(HUB_URL_ID, model.source or "")
    if match is None or model_name_key(match.group(1)) == model_name_key(model.name):
        return None
    return match.group(1)
