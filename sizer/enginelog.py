"""Calibration (--calibrate-from): an engine's startup log -> one typed EngineLog, and the options
it sets.
"""

from __future__ import annotations      # record annotations stay text (3.8 reads `X | None`)

import os
import re
from fractions import Fraction

from sizer.engines.registry import ENGINES
from sizer.frozen import record, replace
from sizer.inputs import read_regular_file
from sizer.model.hub import last_part, model_name_key
from sizer.numbers import InputError, MAX_INPUT, printable
from sizer.vocab import Basis, DEFAULTS, NEWEST_VLLM


# Calibration (--calibrate-from): what a vLLM startup log says about one real deployment.
# Each entry: (field, anchor, pattern, converter). The anchor is literal text every match holds: the log
# is searched for it (at C speed) and only the lines holding it are tried, so a large log of other lines
# costs little. The first line that matches sets the field; the line itself is kept, so that every
# figure derived from it can quote it.
_LOG_NUMBER = r"([0-9][0-9,]*)"


def _count(text):
    return int(text.replace(",", ""))


VLLM_LOG_PATTERNS = (
    ("version", "LLM engine (v", r"LLM engine \(v([0-9]+\.[0-9]+)", lambda m: tuple(int(x) for x in m.split("."))),
    ("model", "with config: model='", r"with config: model='([^']+)'", str),
    ("model", "'model': '", r"'model': '([^']+)'", str),
    ("model", "vllm serve ", r"vllm serve (?!--)(\S+)", str),
    ("tensor_parallel", "tensor_parallel_size", r"tensor_parallel_size[=:' ]+([0-9]+)", int),
    ("tensor_parallel", "--tensor-parallel-size", r"--tensor-parallel-size[= ]([0-9]+)", int),
    ("tensor_parallel", "-tp", r"-tp[= ]([0-9]+)", int),
    ("pipeline_parallel", "pipeline_parallel_size", r"pipeline_parallel_size[=:' ]+([0-9]+)", int),
    ("pipeline_parallel", "--pipeline-parallel-size", r"--pipeline-parallel-size[= ]([0-9]+)", int),
    ("pipeline_parallel", "-pp", r"-pp[= ]([0-9]+)", int),
    ("max_model_len", "max_seq_len=", r"max_seq_len=([0-9]+)", int),
    ("max_model_len", "'max_model_len': ", r"'max_model_len': ([0-9]+)", int),
    ("max_model_len", "--max-model-len", r"--max-model-len[= ]([0-9]+)", int),
    ("kv_cache_dtype", "kv_cache_dtype", r"kv_cache_dtype[=:' ]+'?([a-z0-9_]+)", str),
    ("kv_cache_dtype", "--kv-cache-dtype", r"--kv-cache-dtype[= ]([a-z0-9_]+)", str),
    ("model_dtype", "dtype=torch.", r"dtype=torch\.([a-z0-9]+)", str),
    ("block_size", "'block_size': ", r"'block_size': ([0-9]+)", int),
    ("block_size", "--block-size", r"--block-size[= ]([0-9]+)", int),
    ("available_kv_gib", "Available KV cache memory: ", r"Available KV cache memory: ([0-9.]+) GiB", Fraction),
    ("available_kv_gib", "reserved for KV Cache is ", r"reserved for KV Cache is ([0-9.]+) ?GiB", Fraction),
    ("gpu_blocks", "# GPU blocks: ", r"# GPU blocks: " + _LOG_NUMBER, _count),
    ("gpu_blocks", "# CUDA blocks: ", r"# CUDA blocks: " + _LOG_NUMBER, _count),
    ("gpu_blocks", "# cuda blocks: ", r"# cuda blocks: " + _LOG_NUMBER, _count),
    ("kv_cache_tokens", "GPU KV cache size: ", r"GPU KV cache size: " + _LOG_NUMBER + " tokens", _count),
    ("concurrency_tokens", "Maximum concurrency for ", r"Maximum concurrency for " + _LOG_NUMBER + " tokens per request",
     _count),
    ("max_concurrency", "Maximum concurrency for ", r"Maximum concurrency for [0-9,]+ tokens per request: ([0-9.]+)x",
     Fraction),
    # What the deployment's GPUs held, for a run on other GPUs or another TP (see calibration_layout):
    # vLLM's memory profile (V0 from 0.6: "total_gpu_memory (79.22GiB) x gpu_memory_utilization (0.90)";
    # V1's "Free memory on device (F/T GiB) on startup. Desired GPU memory utilization is (U, R GiB)"),
    # the launch's --gpu-memory-utilization, and the weights each GPU loaded.
    ("gpu_memory_gib", "total_gpu_memory (", r"total_gpu_memory \(([0-9.]+) ?GiB\)", Fraction),
    ("gpu_memory_gib", "Free memory on device (", r"Free memory on device \([0-9.]+/([0-9.]+) GiB\)", Fraction),
    ("gpu_memory_utilization", "gpu_memory_utilization", r"gpu_memory_utilization[=:' (]+([0-9.]+)", Fraction),
    ("gpu_memory_utilization", "--gpu-memory-utilization", r"--gpu-memory-utilization[= ]([0-9.]+)", Fraction),
    ("gpu_memory_utilization", "Desired GPU memory utilization is (",
     r"Desired GPU memory utilization is \(([0-9.]+)", Fraction),
    ("weights_gib", "Model loading took ", r"Model loading took ([0-9.]+) ?GiB", Fraction),
    # vLLM before 0.6.4 printed GiB with the word "GB" (float(bytes) / 2**30).
    ("weights_gib", "Loading model weights took ", r"Loading model weights took ([0-9.]+) ?GB", Fraction),
    ("weights_gib", "model weights take ", r"model weights take ([0-9.]+) ?GiB", Fraction),
)
# SGLang's startup log (model_runner: "KV Cache is allocated. #tokens: N, K size: X GB, V size: Y GB",
# whose "GB" are GiB; "max_total_num_tokens=N"; with hybrid SWA, "full_layer_tokens=N,
# swa_layer_tokens=M"), and its launch arguments.
SGLANG_LOG_PATTERNS = (
    ("model", "model_path='", r"model_path='([^']+)'", str),
    ("model", "--model", r"--model(?:-path)?[= ](?!--)(\S+)", str),
    ("tensor_parallel", "tp_size=", r"\btp_size=([0-9]+)", int),
    ("tensor_parallel", "--tp", r"(?:--tp-size|--tp)[= ]([0-9]+)", int),
    ("kv_cache_dtype", "kv_cache_dtype='", r"kv_cache_dtype='([a-z0-9_]+)'", str),
    ("kv_cache_dtype", "--kv-cache-dtype", r"--kv-cache-dtype[= ]([a-z0-9_]+)", str),
    ("page_size", "page_size=", r"\bpage_size=([0-9]+)", int),
    ("page_size", "--page-size", r"--page-size[= ]([0-9]+)", int),
    ("max_model_len", "context_len=", r"\bcontext_len=([0-9]+)", int),
    ("max_model_len", "--context-length", r"--context-length[= ]([0-9]+)", int),
    ("kv_cache_tokens", "KV Cache is allocated. #tokens: ", r"KV Cache is allocated\. #tokens: ([0-9]+)", int),
    ("kv_cache_tokens", "max_total_num_tokens=", r"max_total_num_tokens=([0-9]+)", int),
    ("k_gib", "K size: ", r"K size: ([0-9.]+) GB", Fraction),
    ("v_gib", "V size: ", r"V size: ([0-9.]+) GB", Fraction),
    ("full_tokens", "full_layer_tokens=", r"full_layer_tokens=([0-9]+)", int),
    ("swa_tokens", "swa_layer_tokens=", r"swa_layer_tokens=([0-9]+)", int),
)
# TensorRT-LLM's (KVCacheManager: "Max KV cache blocks per sequence: B [window size=W], tokens per
# block=T, primary blocks=N"; "[MemUsageChange] Allocated X GiB for max tokens in paged KV cache (N)").
TRTLLM_LOG_PATTERNS = (
    ("gpu_blocks", "primary blocks=", r"primary blocks=([0-9]+)", int),
    ("gpu_blocks", "Number of blocks in KV cache primary pool: ",
     r"Number of blocks in KV cache primary pool: ([0-9]+)", int),
    ("block_size", "tokens per block=", r"tokens per block=([0-9]+)", int),
    ("block_size", "Number of tokens per block: ", r"Number of tokens per block: ([0-9]+)", int),
    ("allocated_kv_gib", " GiB for max tokens in paged KV cache",
     r"Allocated ([0-9.]+) GiB for max tokens in paged KV cache", Fraction),
    ("kv_cache_tokens", "max tokens in paged KV cache (", r"max tokens in paged KV cache \(([0-9]+)\)", int),
    ("tensor_parallel", "tensor_parallel_size", r"tensor_parallel_size[=:' ]+([0-9]+)", int),
    ("tensor_parallel", "--tp", r"(?:--tp_size|--tp-size)[= ]([0-9]+)", int),
    ("model", "--model", r"(?:--model|--model_dir|--model-path)[= ](?!--)(\S+)", str),
)
# What tells one engine's log from another's (any of these texts), and the lines each must have.
LOG_ENGINES = ((Basis.SGLANG, ("KV Cache is allocated", "max_total_num_tokens", "full_layer_tokens=", "sglang"),
                SGLANG_LOG_PATTERNS, ("kv_cache_tokens", "full_tokens")),
               (Basis.TRTLLM, ("TensorRT-LLM", "paged KV cache"), TRTLLM_LOG_PATTERNS, ("gpu_blocks", "kv_cache_tokens")))
# vLLM's --kv-cache-dtype values -> the tool's KV precisions ('auto' is the model dtype).
LOG_KV_DTYPES = {"fp8": "fp8", "fp8_e4m3": "fp8", "fp8_e5m2": "fp8", "bfloat16": "bf16", "float16": "fp16",
                 "half": "fp16", "float32": "fp32"}
MAX_LOG_FILE_BYTES = 64 * 2 ** 20
# The work a log costs is bounded too, not only its size: each pattern is tried on at most this many lines
# that hold its anchor, each within this many characters either side of the anchor (a match is a few
# hundred characters; a startup log's longest line, the config, a few KB).
MAX_CANDIDATE_LINES = 1000
LINE_WINDOW_CHARS = 4096


@record
class EngineLog:
    """The facts one engine's startup log gives (None: the log does not say), each with the line it
    came from (`line(field)`)."""
    path: str
    lines: tuple[tuple[str, str], ...]                        # ((field, the log line), ...)
    engine: str | None = None               # Basis.SGLANG or TRTLLM; None: vLLM
    version: tuple[int, ...] | None = None              # vLLM's release, (major, minor)
    model: str | None = None
    model_dtype: str | None = None
    kv_cache_dtype: str | None = None
    max_model_len: int | None = None
    block_size: int | None = None           # vLLM's block or TensorRT-LLM's tokens_per_block
    page_size: int | None = None            # SGLang's --page-size
    tensor_parallel: int | None = None
    pipeline_parallel: int | None = None
    gpu_memory_utilization: Fraction | None = None
    gpu_memory_gib: Fraction | None = None       # the GPU's memory as the log states it
    weights_gib: Fraction | None = None
    available_kv_gib: Fraction | None = None
    allocated_kv_gib: Fraction | None = None
    k_gib: Fraction | None = None
    v_gib: Fraction | None = None
    gpu_blocks: int | None = None
    kv_cache_tokens: int | None = None
    full_tokens: int | None = None
    swa_tokens: int | None = None
    concurrency_tokens: int | None = None
    max_concurrency: Fraction | None = None
    unmatched_model: str | None = None      # the log's model name when it is not this model's (matched by its KV)

    def line(self, field):
        return dict(self.lines).get(field)

    def kv_precision(self, model_precision):
        """The KV precision the deployment ran: its --kv-cache-dtype, where 'auto' (vLLM's
        default, also when the log does not say) is the model dtype."""
        dtype = self.kv_cache_dtype
        if dtype in (None, "auto"):
            return LOG_KV_DTYPES.get(self.model_dtype, model_precision)
        return LOG_KV_DTYPES.get(dtype)


def parse_engine_log(text, path):
    """The EngineLog of a vLLM, SGLang or TensorRT-LLM startup log (told apart by their own lines);
    a log with no KV figure is an error."""
    for engine, markers, patterns, needed in LOG_ENGINES:
        if any(marker in text for marker in markers):
            values, lines = _log_values(text, patterns)
            if not any(field in values for field in needed):
                raise InputError("err.log_no_pool", path=path, engine=ENGINES[engine].display_name)
            return EngineLog(path, tuple(sorted(lines.items())), engine=engine, **values)
    return parse_vllm_log(text, path)


def _log_values(text, patterns):
    """Each field's first match in the log (the earliest line any of its patterns matches), and the
    line it came from (numbers outside (0, 10^15] are skipped, as a value no deployment has)."""
    found = {}
    for order, (field, anchor, pattern, convert) in enumerate(patterns):
        hit = _first_match(text, anchor, re.compile(pattern), convert)
        if hit is not None and (field not in found or (hit[0], order) < found[field][:2]):
            found[field] = (hit[0], order) + hit[1:]
    values = {field: hit[2] for field, hit in found.items()}
    lines = {field: printable(hit[3].strip())[:300] for field, hit in found.items()}
    return values, lines


def _first_match(text, anchor, pattern, convert):
    """(position of its line, value, line) of the first line holding `anchor` where `pattern` matches
    and its value converts, trying at most MAX_CANDIDATE_LINES lines; None when there is none."""
    start = 0
    for _ in range(MAX_CANDIDATE_LINES):
        at = text.find(anchor, start)
        if at < 0:
            return None
        low, high = max(0, at - LINE_WINDOW_CHARS), at + LINE_WINDOW_CHARS
        first = max(text.rfind("\n", low, at), text.rfind("\r", low, at), low - 1) + 1
        ends = [end for end in (text.find("\n", at, high), text.find("\r", at, high)) if end >= 0]
        last = min(ends) if ends else min(len(text), high)
        start = max(last, at + 1)
        line = text[first:last]
        match = pattern.search(line)
        if match:
            try:
                value = convert(match.group(1))
            except (ValueError, ZeroDivisionError):
                continue
            if isinstance(value, (int, Fraction)) and not 0 < value <= MAX_INPUT:
                continue
            return first, value, line
    return None


def parse_vllm_log(text, path):
    """The EngineLog of a vLLM startup log; a log with no KV figure is an error."""
    values, lines = _log_values(text, VLLM_LOG_PATTERNS)
    if not any(field in values for field in ("available_kv_gib", "gpu_blocks", "kv_cache_tokens")):
        raise InputError("err.log_no_kv", path=path)
    return EngineLog(path, tuple(sorted(lines.items())), **values)


def load_engine_log(path):
    raw = read_regular_file(path, MAX_LOG_FILE_BYTES)
    return parse_engine_log(raw.decode("utf-8", "replace"), path)


def check_log_model(log, model, options):
    """The log of the model being sized: its model's name (the last path component, a Hugging Face cache
    folder's name, an id's name; case, '.', '_' and a variant suffix such as -Instruct or -FP8 aside) is
    the catalog name, an alias, or the config's (file or folder) name. Another name is taken only when the
    log shows the same KV bytes per token as this model (checked with the pool: `unmatched_model`, warned);
    a log that cannot show it is refused, saying how to give its own config."""
    logged = log.model
    if logged is None:
        return log
    names = {model.name, options.model or ""} | set(model.aliases or ())
    if options.model_config is not None:
        path = options.model_config.replace("\\", "/").rstrip("/")
        base = path.split("/")[-1]
        names |= {base, base[:-5] if base.lower().endswith(".json") else base}
        if base.lower() == "config.json":
            names.add(os.path.basename(os.path.dirname(os.path.abspath(options.model_config))))
    if model_name_key(logged) in {model_name_key(name) for name in names if name}:
        return log
    if log.engine is None and not (log.available_kv_gib is not None and
                                          (log.gpu_blocks or log.kv_cache_tokens)) \
            or log.engine is not None and log.k_gib is None and log.allocated_kv_gib is None:
        raise InputError("err.log_model_unverified", path=log.path, logged=printable(logged), model=model.name,
                         base=printable(last_part(logged)))
    return replace(log, unmatched_model=printable(logged))


def calibrated_options(options, log, model):
    """The log's deployment as defaults: its TP, PP, KV dtype, block size and release apply
    unless the option was given with another value than the tool's default. A log that does
    not print its TP ran vLLM's default, 1."""
    changes = {}
    engine = log.engine
    if engine is not None:
        if options.kv_accounting == DEFAULTS["kv_accounting"]:
            changes["kv_accounting"] = engine
        if engine == Basis.SGLANG and log.page_size and options.page_size == DEFAULTS["page_size"]:
            changes["page_size"] = log.page_size
        if engine == Basis.TRTLLM and log.block_size and options.tokens_per_block == DEFAULTS["tokens_per_block"]:
            changes["tokens_per_block"] = log.block_size
    if options.tensor_parallel is None:
        changes["tensor_parallel"] = log.tensor_parallel or 1
    if options.pipeline_parallel == 1 and log.pipeline_parallel:
        changes["pipeline_parallel"] = log.pipeline_parallel
    model_precision = model.checkpoint_scheme.base if model.checkpoint_scheme else "bf16"
    if options.kv_precision == DEFAULTS["kv_precision"] and log.kv_precision(model_precision):
        changes["kv_precision"] = log.kv_precision(model_precision)
        changes["kv_precision_default"] = False         # the deployment's, not the tool's assumption
    if options.block_size == DEFAULTS["block_size"] and log.block_size and engine is None:
        changes["block_size"] = log.block_size
    version = log.version
    if options.vllm_version == NEWEST_VLLM and version is not None:
        changes["vllm_version"] = min(max(version, (0, 1)), NEWEST_VLLM)
    return replace(options, calibration=log, **changes)
