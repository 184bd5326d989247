"""Calibration (--calibrate-from): an engine's startup log -> one typed EngineLog, and the options
it sets.
"""

import os
import re
from fractions import Fraction

from sizer.engines.registry import ENGINES
from sizer.inputs import read_regular_file
from sizer.numbers import InputError, MAX_INPUT, printable
from sizer.vocab import Basis, DEFAULTS, NEWEST_VLLM, _replace, record


# Calibration (--calibrate-from): what a vLLM startup log says about one real deployment.
# Each entry: (field, pattern, converter). The first line that matches sets the field; the
# line itself is kept, so that every figure derived from it can quote it.
_LOG_NUMBER = r"([0-9][0-9,]*)"
VLLM_LOG_PATTERNS = (
    ("version", r"LLM engine \(v([0-9]+\.[0-9]+)", lambda m: tuple(int(x) for x in m.split("."))),
    ("model", r"with config: model='([^']+)'", str),
    ("model", r"'model': '([^']+)'", str),
    ("model", r"vllm serve (?!--)(\S+)", str),
    ("tensor_parallel", r"tensor_parallel_size[=:' ]+([0-9]+)", int),
    ("tensor_parallel", r"(?:--tensor-parallel-size|-tp)[= ]([0-9]+)", int),
    ("pipeline_parallel", r"pipeline_parallel_size[=:' ]+([0-9]+)", int),
    ("pipeline_parallel", r"(?:--pipeline-parallel-size|-pp)[= ]([0-9]+)", int),
    ("max_model_len", r"max_seq_len=([0-9]+)", int),
    ("max_model_len", r"'max_model_len': ([0-9]+)", int),
    ("max_model_len", r"--max-model-len[= ]([0-9]+)", int),
    ("kv_cache_dtype", r"kv_cache_dtype[=:' ]+'?([a-z0-9_]+)", str),
    ("kv_cache_dtype", r"--kv-cache-dtype[= ]([a-z0-9_]+)", str),
    ("model_dtype", r"dtype=torch\.([a-z0-9]+)", str),
    ("block_size", r"'block_size': ([0-9]+)", int),
    ("block_size", r"--block-size[= ]([0-9]+)", int),
    ("available_kv_gib", r"Available KV cache memory: ([0-9.]+) GiB", Fraction),
    ("gpu_blocks", r"# GPU blocks: " + _LOG_NUMBER, lambda m: int(m.replace(",", ""))),
    ("kv_cache_tokens", r"GPU KV cache size: " + _LOG_NUMBER + " tokens", lambda m: int(m.replace(",", ""))),
    ("concurrency_tokens", r"Maximum concurrency for " + _LOG_NUMBER + " tokens per request",
     lambda m: int(m.replace(",", ""))),
    ("max_concurrency", r"Maximum concurrency for [0-9,]+ tokens per request: ([0-9.]+)x", Fraction),
)
# SGLang's startup log (model_runner: "KV Cache is allocated. #tokens: N, K size: X GB, V size: Y GB",
# whose "GB" are GiB; "max_total_num_tokens=N"; with hybrid SWA, "full_layer_tokens=N,
# swa_layer_tokens=M"), and its launch arguments.
SGLANG_LOG_PATTERNS = (
    ("model", r"model_path='([^']+)'", str),
    ("model", r"--model(?:-path)?[= ](?!--)(\S+)", str),
    ("tensor_parallel", r"\btp_size=([0-9]+)", int),
    ("tensor_parallel", r"(?:--tp-size|--tp)[= ]([0-9]+)", int),
    ("kv_cache_dtype", r"kv_cache_dtype='([a-z0-9_]+)'", str),
    ("kv_cache_dtype", r"--kv-cache-dtype[= ]([a-z0-9_]+)", str),
    ("page_size", r"\bpage_size=([0-9]+)", int),
    ("page_size", r"--page-size[= ]([0-9]+)", int),
    ("max_model_len", r"\bcontext_len=([0-9]+)", int),
    ("max_model_len", r"--context-length[= ]([0-9]+)", int),
    ("kv_cache_tokens", r"KV Cache is allocated\. #tokens: ([0-9]+)", int),
    ("kv_cache_tokens", r"max_total_num_tokens=([0-9]+)", int),
    ("k_gib", r"K size: ([0-9.]+) GB", Fraction),
    ("v_gib", r"V size: ([0-9.]+) GB", Fraction),
    ("full_tokens", r"full_layer_tokens=([0-9]+)", int),
    ("swa_tokens", r"swa_layer_tokens=([0-9]+)", int),
)
# TensorRT-LLM's (KVCacheManager: "Max KV cache blocks per sequence: B [window size=W], tokens per
# block=T, primary blocks=N"; "[MemUsageChange] Allocated X GiB for max tokens in paged KV cache (N)").
TRTLLM_LOG_PATTERNS = (
    ("gpu_blocks", r"primary blocks=([0-9]+)", int),
    ("gpu_blocks", r"Number of blocks in KV cache primary pool: ([0-9]+)", int),
    ("block_size", r"tokens per block=([0-9]+)", int),
    ("block_size", r"Number of tokens per block: ([0-9]+)", int),
    ("allocated_kv_gib", r"Allocated ([0-9.]+) GiB for max tokens in paged KV cache", Fraction),
    ("kv_cache_tokens", r"max tokens in paged KV cache \(([0-9]+)\)", int),
    ("tensor_parallel", r"tensor_parallel_size[=:' ]+([0-9]+)", int),
    ("tensor_parallel", r"(?:--tp_size|--tp-size)[= ]([0-9]+)", int),
    ("model", r"(?:--model|--model_dir|--model-path)[= ](?!--)(\S+)", str),
)
# What tells one engine's log from another's, and the lines each must have.
LOG_ENGINES = ((Basis.SGLANG, r"KV Cache is allocated|max_total_num_tokens|full_layer_tokens=|sglang", SGLANG_LOG_PATTERNS,
                ("kv_cache_tokens", "full_tokens")),
               (Basis.TRTLLM, r"TensorRT-LLM|paged KV cache", TRTLLM_LOG_PATTERNS, ("gpu_blocks", "kv_cache_tokens")))
# vLLM's --kv-cache-dtype values -> the tool's KV precisions ('auto' is the model dtype).
LOG_KV_DTYPES = {"fp8": "fp8", "fp8_e4m3": "fp8", "fp8_e5m2": "fp8", "bfloat16": "bf16", "float16": "fp16",
                 "half": "fp16", "float32": "fp32"}
MAX_LOG_FILE_BYTES = 64 * 2 ** 20


@record
class EngineLog:
    """The facts one vLLM startup log gives, each with the line it came from."""
    path: str
    values: tuple               # ((field, value), ...)
    lines: tuple                # ((field, the log line), ...)

    def get(self, field):
        return dict(self.values).get(field)

    def line(self, field):
        return dict(self.lines).get(field)

    def kv_precision(self, model_precision):
        """The KV precision the deployment ran: its --kv-cache-dtype, where 'auto' (vLLM's
        default, also when the log does not say) is the model dtype."""
        dtype = self.get("kv_cache_dtype")
        if dtype in (None, "auto"):
            return LOG_KV_DTYPES.get(self.get("model_dtype"), model_precision)
        return LOG_KV_DTYPES.get(dtype)


def parse_engine_log(text, path):
    """The EngineLog of a vLLM, SGLang or TensorRT-LLM startup log (told apart by their own lines);
    a log with no KV figure is an error."""
    for engine, marker, patterns, needed in LOG_ENGINES:
        if re.search(marker, text):
            values, lines = _log_values(text, patterns)
            if not any(field in values for field in needed):
                raise InputError("err.log_no_pool", path=path, engine=ENGINES[engine].display_name)
            values["engine"] = engine
            return EngineLog(path, tuple(sorted(values.items())), tuple(sorted(lines.items())))
    return parse_vllm_log(text, path)


def _log_values(text, patterns):
    """Each field's first match in the log, and the line it came from (numbers outside (0, 10^15]
    are skipped, as a value no deployment has)."""
    values, lines = {}, {}
    for line in text.splitlines():
        for field, pattern, convert in patterns:
            if field in values:
                continue
            match = re.search(pattern, line)
            if match:
                try:
                    value = convert(match.group(1))
                except (ValueError, ZeroDivisionError):
                    continue
                if isinstance(value, (int, Fraction)) and not 0 < value <= MAX_INPUT:
                    continue
                values[field], lines[field] = value, printable(line.strip())[:300]
    return values, lines


def parse_vllm_log(text, path):
    """The EngineLog of a vLLM startup log; a log with no KV figure is an error."""
    values, lines = _log_values(text, VLLM_LOG_PATTERNS)
    if not any(field in values for field in ("available_kv_gib", "gpu_blocks", "kv_cache_tokens")):
        raise InputError("err.log_no_kv", path=path)
    return EngineLog(path, tuple(sorted(values.items())), tuple(sorted(lines.items())))


def load_engine_log(path):
    raw = read_regular_file(path, MAX_LOG_FILE_BYTES)
    return parse_engine_log(raw.decode("utf-8", "replace"), path)


def check_log_model(log, model, options):
    """The log must be of the model being sized: its last path component is the catalog name,
    an alias, or the config's name (case aside)."""
    logged = log.get("model")
    if logged is None:
        return
    names = {model.name.lower(), (options.model or "").lower()}
    if options.model_config is not None:
        base = options.model_config.replace("\\", "/").rstrip("/").split("/")[-1].lower()
        names |= {base, base[:-5] if base.endswith(".json") else base}
        parent = os.path.basename(os.path.dirname(os.path.abspath(options.model_config))).lower()
        if base == "config.json":
            names.add(parent)
    base = logged.rstrip("/").split("/")[-1].lower()
    # A quantized or tuned checkpoint (Qwen3-235B-A22B-FP8, gemma-3-27b-it) has its model's layers and KV.
    for _ in range(2):
        for suffix in VARIANT_SUFFIXES:
            if base.endswith(suffix):
                base = base[:-len(suffix)] if base not in names else base
    if base not in names:
        raise InputError("err.log_model", path=log.path, logged=printable(logged), model=model.name)


VARIANT_SUFFIXES = ("-fp8", "-fp8-dynamic", "-awq", "-gptq", "-int4", "-int8", "-fp4", "-nvfp4", "-w8a8", "-mxfp4",
                    "-it", "-instruct", "-chat", "-base")


def calibrated_options(options, log, model):
    """The log's deployment as defaults: its TP, PP, KV dtype, block size and release apply
    unless the option was given with another value than the tool's default. A log that does
    not print its TP ran vLLM's default, 1."""
    changes = {}
    engine = log.get("engine")
    if engine is not None:
        if options.kv_accounting == DEFAULTS["kv_accounting"]:
            changes["kv_accounting"] = engine
        if engine == Basis.SGLANG and log.get("page_size") and options.page_size == DEFAULTS["page_size"]:
            changes["page_size"] = log.get("page_size")
        if engine == Basis.TRTLLM and log.get("block_size") and options.tokens_per_block == DEFAULTS["tokens_per_block"]:
            changes["tokens_per_block"] = log.get("block_size")
    if options.tensor_parallel is None:
        changes["tensor_parallel"] = log.get("tensor_parallel") or 1
    if options.pipeline_parallel == 1 and log.get("pipeline_parallel"):
        changes["pipeline_parallel"] = log.get("pipeline_parallel")
    model_precision = model.checkpoint_scheme.base if model.checkpoint_scheme else "bf16"
    if options.kv_precision == DEFAULTS["kv_precision"] and log.kv_precision(model_precision):
        changes["kv_precision"] = log.kv_precision(model_precision)
    if options.block_size == DEFAULTS["block_size"] and log.get("block_size") and engine is None:
        changes["block_size"] = log.get("block_size")
    version = log.get("version")
    if options.vllm_version == NEWEST_VLLM and version is not None:
        changes["vllm_version"] = min(max(version, (0, 1)), NEWEST_VLLM)
    return _replace(options, calibration=log, **changes)
