"""Hugging Face Hub downloads (--model-config org/name), cached under $XDG_CACHE_HOME/sizing/hub.
"""

import os
import re

from sizer.fileio import write_files_atomically
from sizer.inputs import MAX_JSON_FILE_BYTES, _os_reason
from sizer.numbers import InputError, printable
from sizer import __version__


# A Hugging Face model id: organisation/name, as the Hub spells them.
HUB_MODEL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*", re.ASCII)
HUB_TIMEOUT_S = 30


def model_config_path(value):
    """A local config.json: the path given, or the Hub's copy of a model id's config.json
    (with its model.safetensors.index.json, when the model has one) in the user's cache.

    Downloads as huggingface_hub does: {HF_ENDPOINT}/{id}/resolve/main/{file}, with the
    HF_TOKEN as a bearer token when it is set.
    """
    if os.path.exists(value) or not HUB_MODEL_ID.fullmatch(value):
        return value
    folder = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
                          "sizing", "hub", value.replace("/", "--"))
    config = os.path.join(folder, "config.json")
    if not os.path.exists(config):
        _hub_download(value, "config.json", folder, required=True)
        _hub_download(value, SAFETENSORS_INDEX, folder, required=False)
    return config


def _hub_download(model_id, filename, folder, required):
    import urllib.error
    import urllib.request
    endpoint = (os.environ.get("HF_ENDPOINT") or "https://huggingface.co").rstrip("/")
    request = urllib.request.Request("%s/%s/resolve/main/%s" % (endpoint, model_id, filename),
                                     headers={"User-Agent": "sizing/%s" % __version__})
    if os.environ.get("HF_TOKEN"):
        request.add_header("Authorization", "Bearer %s" % os.environ["HF_TOKEN"])
    try:
        with urllib.request.urlopen(request, timeout=HUB_TIMEOUT_S) as response:
            data = response.read(MAX_JSON_FILE_BYTES + 1)
    except urllib.error.HTTPError as error:
        if error.code == 404 and not required:
            return
        if error.code in (401, 403):
            raise InputError("err.hub_gated", model=model_id, endpoint=endpoint, code=error.code)
        if error.code == 404:
            raise InputError("err.hub_missing", model=model_id, endpoint=endpoint)
        raise InputError("err.hub_http", model=model_id, endpoint=endpoint, code=error.code)
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise InputError("err.hub_unreachable", endpoint=endpoint, reason=str(getattr(error, "reason", error)))
    if len(data) > MAX_JSON_FILE_BYTES:
        raise InputError("err.file_too_large", path=request.full_url, limit_mib=MAX_JSON_FILE_BYTES // 2 ** 20)
    try:
        os.makedirs(folder, exist_ok=True)
        write_files_atomically([("--model-config", os.path.join(folder, filename), data)])
    except OSError as error:
        raise InputError("err.file_unreadable", path=folder, reason=_os_reason(error))


def _printable_name(path):
    """A model's name from its config path; bytes that were not UTF-8 shown escaped."""
    return printable(os.path.splitext(os.path.basename(path))[0])


SAFETENSORS_INDEX = "model.safetensors.index.json"
