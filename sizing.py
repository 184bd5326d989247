#!/usr/bin/env python3
"""sizing: how many GPU servers an LLM deployment needs.

Data flows down this file and never back:

 0. header       version, schema version and its history, unit constants
 1. vocabulary   units, levels, bases, bounds; scenarios and precisions (numbers only); defaults
 2. input        InputError, exact number parsing, JSON files, field checks
 3. records      frozen Server, Storage, Options (each built by one function)
 4. layer kinds  one frozen class per attention kind, each computing its own tokens and blocks
 5. model        config.json or catalog entry -> frozen Model, one function per rule
 6. compute      Figure, ScenarioResult, Report: pure functions, no sentences
 7. alerts       a registry of short rules: code, level, threshold, predicate
 8. messages     every user-facing string, in pt-BR and en, and the function that renders one
 9. display      number formatting and rounding, in one place
10. outline      the report as neutral blocks (headings, bullets, tables, figures)
11. renderers    text, Markdown, summary and JSON, in a registry; a comparison's table in
                 text, Markdown (with a Mermaid chart), JSON and CSV
12. cli          argparse (messages from the table), safe file writing, main(argv) -> int

Every figure is built from the same variables as its formula, so a value and its
rationale cannot drift; its words come from the message table at render time.
"""

import sys

# Checked before anything else is imported or defined, so older Pythons get one
# line instead of a traceback (this file keeps to syntax that 3.6 still parses).
if sys.version_info < (3, 8):
    sys.stderr.write("sizing: error: requer Python 3.8 ou mais novo (este é %d.%d) / "
                     "requires Python 3.8 or newer\n" % sys.version_info[:2])
    sys.exit(2)

import difflib
import itertools
import json
import os
import re
import stat
import string
from dataclasses import dataclass, field as dataclass_field
from fractions import Fraction

__version__ = "2.3.0"
# JSON schema history (the README keeps the same list):
#   2.0  the guide's document: inputs, parameter_dictionary, scenarios, alerts.
#   2.1  adds top-level `status` (ok | infeasible) and `language`, and per scenario
#        `units` (figure key -> unit code) beside `results`; messages, labels and
#        explanations follow --lang. No key of 2.0 was removed or renamed.
#   2.2  adds top-level `solve` (question, nodes, answers per scenario) with --solve; inputs `vllm_version`, `calibrate_from`, `decode_mfu`, `input_tokens` and
#        `output_tokens`; the limits `prefill`
#        and `vllm_would_not_start`; the units "%" (calibration gaps) and "instance-s/s"
#        (prefill demand); state layer kinds `mamba` and `linear_attention`
#        in model_details.layer_groups. No key of 2.1 was removed or renamed.
#   2.3  kv_accounting takes `sglang` and `trtllm`; results `engine_pool_tokens` and
#        `engine_swa_tokens` (unit "tokens") on those bases; inputs `page_size`,
#        `swa_full_tokens_ratio`, `tokens_per_block`, `disaggregated` and `kv_transfer_gb_s`;
#        with traffic in tokens `decode_demand_tokens_per_s`, `nodes_decode` and the limit
#        `decode`; with a TPOT target the goodput figures; with --disaggregated the pools,
#        `nodes_aggregated`, `kv_transfer_s` and `ttft_disaggregated_s`; with a price or a
#        power `monthly_cost_usd`, `power_kw`, `cost_per_million_tokens_usd`; and a separate
#        document for comparisons (`comparison`, `varying`, `fixed`, `order_by`, `currency`).
#        No key of 2.2 was removed or renamed.
SCHEMA_VERSION = "2.3"

GIB_BYTES = 2 ** 30          # GiB = 2^30 bytes
GB_BYTES = 10 ** 9           # GB  = 10^9 bytes (vendor HBM figures)
HERE = os.path.dirname(os.path.abspath(__file__))


# ---------------------------------------------------------------------------
# 1. Vocabulary: codes compared in logic (never display words), and tables
# ---------------------------------------------------------------------------

class Unit:
    """Unit codes of figures; the JSON carries them, the message table names them."""
    BYTES, GIB, SECONDS, MS = "bytes", "GiB", "s", "ms"
    TOKENS_PER_S, SESSIONS_PER_S = "tokens/s", "sessions/s"
    NODES, SESSIONS = "nodes", "sessions"
    BLOCKS, TIMES, PERCENT = "blocks", "x", "%"
    INSTANCE_S_PER_S = "instance-s/s"
    TOKENS = "tokens"
    USD_PER_MONTH, USD_PER_MTOK, KW = "USD/month", "USD/Mtok", "kW"


# Decimal places shown for each unit (rounding happens only in section 9).
UNIT_PLACES = {Unit.GIB: 2, Unit.SECONDS: 3, Unit.MS: 2, Unit.TOKENS_PER_S: 1, Unit.SESSIONS_PER_S: 2,
               Unit.TIMES: 2, Unit.PERCENT: 2, Unit.INSTANCE_S_PER_S: 2, Unit.USD_PER_MONTH: 2,
               Unit.USD_PER_MTOK: 4, Unit.KW: 1}


class Level:
    ERROR, WARNING, INFO = "error", "warning", "info"


class Basis:
    SPEC, VLLM, SGLANG, TRTLLM = "spec", "vllm", "sglang", "trtllm"
    ALL = (SPEC, VLLM, SGLANG, TRTLLM)
    TOKEN_POOLS = (SGLANG, TRTLLM)      # engines whose pool is counted in tokens of every layer


# The engines' own names, shown as they spell them (not translated), and the option that sets
# the tokens of a page or block in each.
ENGINE_NAMES = {Basis.VLLM: "vLLM", Basis.SGLANG: "SGLang", Basis.TRTLLM: "TensorRT-LLM"}
ENGINE_PAGE_OPTIONS = {Basis.VLLM: "block_size", Basis.SGLANG: "page_size", Basis.TRTLLM: "tokens_per_block"}


class Bound:
    """What limits the sessions an instance holds, or keeps every scenario from running."""
    MEMORY, TPOT, TTFT, MAX_NUM_SEQS = "memory", "tpot", "ttft", "max_num_seqs"
    WEIGHTS_EXCEED_INSTANCE = "weights_exceed_instance"
    OVERHEAD_EXCEEDS_HBM = "overhead_exceeds_hbm"
    OVERHEAD_BELOW_WEIGHTS = "overhead_below_weights"
    ENGINE_NO_MEMORY = "engine_no_memory"
    VLLM_WOULD_NOT_START = "vllm_would_not_start"     # one scenario's pool cannot start vLLM
    PREFILL = "prefill"                               # the traffic's prefill needs more nodes than memory
    DECODE = "decode"                                 # the traffic's output tokens need more nodes still


class Status:
    OK, INFEASIBLE = "ok", "infeasible"


LANGUAGES = ("pt-BR", "en")
DEFAULT_LANGUAGE = "pt-BR"

# Bytes per KV element. nvfp4 packs two 4-bit values per byte plus one fp8
# scale per 16 values: 1/2 + 1/16 = 9/16 byte per element (vLLM
# vllm/v1/kv_cache_interface.py, FullAttentionSpec.real_page_size_bytes:
# head_size//2 data bytes + head_size//16 scale bytes per head).
KV_PRECISIONS = {"fp8": Fraction(1), "fp16": Fraction(2), "bf16": Fraction(2), "fp32": Fraction(4),
                 "int8": Fraction(1), "nvfp4": Fraction(9, 16)}
HIGH_KV_PRECISIONS = ("fp16", "bf16", "fp32")

# Bytes per weight parameter. mxfp4: 4-bit values plus one 8-bit (E8M0) scale per
# 32 values = 1/2 + 1/32 = 17/32 byte (OCP Microscaling Formats spec v1.0). nvfp4:
# 4-bit values plus one fp8 scale per 16 = 9/16 (NVIDIA's NVFP4). int4: AWQ/GPTQ with
# groups of 128, each with an fp16 scale and a packed 4-bit zero point: 1/2 + 2/128 +
# 1/256 = 133/256 byte (AutoAWQ's qweight, scales and qzeros tensors). fp8 and int8:
# one byte, their per-channel or per-tensor scales negligible (block scales are
# counted apart when a checkpoint states them, as DeepSeek-V3 does).
WEIGHT_PRECISIONS = {
    "fp32": Fraction(4), "bf16": Fraction(2), "fp16": Fraction(2),
    "fp8": Fraction(1), "int8": Fraction(1), "int4": Fraction(133, 256),
    "mxfp4": Fraction(17, 32), "nvfp4": Fraction(9, 16),
}
# Weights in these precisions run their GEMMs on fp8 tensor cores (or faster).
LOW_WEIGHT_PRECISIONS = ("fp8", "int8", "int4", "mxfp4", "nvfp4")


@dataclass(frozen=True)
class Scenario:
    """One row of the guide's scenario table. headroom: the user's ratio when
    `use_headroom`, at least `headroom_floor`; budget: the user's ratio, at most
    `budget_cap`."""
    key: str
    use_headroom: bool
    headroom_floor: object
    ha_extra_nodes: int
    budget_cap: object
    recommended: bool = False


SCENARIOS = (
    Scenario("minimum", use_headroom=False, headroom_floor=None, ha_extra_nodes=0, budget_cap=None),
    Scenario("recommended", use_headroom=True, headroom_floor=None, ha_extra_nodes=1, budget_cap=None,
             recommended=True),
    Scenario("ideal", use_headroom=True, headroom_floor=Fraction(3, 10), ha_extra_nodes=2,
             budget_cap=Fraction(65, 100)),
)
RECOMMENDED = "recommended"

DEFAULTS = {
    "kv_precision": "fp8",
    "kv_budget_ratio": Fraction(70, 100),
    "runtime_overhead_gib": Fraction(120),
    "peak_headroom_ratio": Fraction(20, 100),
    "storage": "profile_default",
    "kv_accounting": Basis.SPEC,
    "block_size": 16,
    # SGLang's --page-size (server_args.py: 1 unless the attention backend needs larger pages) and
    # --swa-full-tokens-ratio (0.8); TensorRT-LLM's KvCacheConfig.tokens_per_block (llm_args.py: 32).
    "page_size": 1,
    "swa_full_tokens_ratio": Fraction(8, 10),
    "tokens_per_block": 32,
    # Disaggregated serving: one request's KV crosses from a prefill node to a decode node once. 50 GB/s
    # is one 400 Gb/s NIC (ConnectX-7, as on DGX H100/H200/B200); a transfer striped over every GPU's
    # NIC of the node reaches up to 8x that.
    "kv_transfer_gb_s": Fraction(50),
    # A bought node's price is spread over this many months (three years, a common depreciation).
    "amortization_months": 36,
    "max_num_batched_tokens": 8192,
    "max_num_seqs": 1024,
    # Roofline: memory-bound decode kernels reach about 80% of peak HBM
    # bandwidth; prefill typically reaches 30-50% of dense peak FLOPS (MFU).
    "hbm_efficiency": Fraction(80, 100),
    "mfu": Fraction(40, 100),
    # Decode GEMMs past the bandwidth knee reach about 65% of dense peak: measured on one H100,
    # a dense 8192^3 GEMM reaches 0.65 of peak in bf16 and in fp8 (shared/facts/gpu-measurements.md);
    # with it the decode step below lands within 25% of all seven measured Llama-3.1-8B steps.
    "decode_mfu": Fraction(65, 100),
    "lang": DEFAULT_LANGUAGE,
}


# The vLLM rules that change a count, by release (the README has the table and sources):
# - from 0.26, sliding and chunked layers reserve for max_in_flight_tokens =
#   max_concurrent_batches x max_num_batched_tokens (tenstorrent/tt-xla PR #5908 on the
#   0.26.0 uplift; vllm/config/vllm.py in 0.33.0), with async scheduling on by default
#   (vLLM PR #47728: "async scheduling (now default)"); before, max_num_batched_tokens;
# - in 0.33, the pool holds one null block back, and the startup check plans against the
#   rest (kv_cache_planning.py, check_enough_kv_cache_memory); earlier releases were not
#   checked for it;
# - before 0.9, the printed concurrency was num_blocks x block_size / max_model_len;
# - from 0.3, vLLM refuses to start when one request of max_model_len does not fit the
#   KV memory (PR #2163, released in 0.2.7: "Raise error when max_model_len is larger
#   than KV cache size"), and from 0.9 its error gives estimate_max_model_len (PR #16168,
#   first released in 0.8.5, so 0.8 here is taken without it);
# - in 0.33, with multi-module MTP (min(num_nextn_predict_layers, num_speculative_tokens)
#   > 1), sliding windows retain num_speculative_tokens - 1 more tokens
#   (kv_cache_planning.py, extra_retained_tokens; earlier releases not checked);
# - in 0.33, prefix caching (on by default) runs state layers in 'align' mode, two pages per
#   request (model_executor/models/config.py, MambaModelConfig); earlier releases are taken
#   in 'none' mode, one page, as the published hybrid logs show (not checked release by release).
VLLM_RELEASES = {"in_flight": (0, 26), "null_block": (0, 33), "grouped_concurrency": (0, 9),
                 "refuses_long_requests": (0, 3), "estimates_max_model_len": (0, 9),
                 "mtp_retained_tokens": (0, 33), "mamba_align": (0, 33)}
NEWEST_VLLM = (0, 33)

# The parameter dictionary: (parameter, origin). What it is, why it matters and
# the common mistake live in the message table as dict.<parameter>.{what,why,mistake}.
PARAMETER_DICTIONARY = (
    ("num_hidden_layers", "model"), ("num_attention_heads", "model"), ("num_key_value_heads", "model"),
    ("head_dim", "model"), ("max_position_embeddings", "model"), ("sliding_window", "model"),
    ("attention_pattern", "model"), ("effective_context", "nfr"), ("concurrency", "nfr"),
    ("kv_precision", "runtime"), ("kv_budget_ratio", "runtime"), ("runtime_overhead_gib", "runtime"),
    ("peak_headroom_ratio", "nfr"), ("ha_extra_nodes", "nfr"), ("total_hbm_gb", "hardware"),
    ("storage_profile", "hardware"),
)


# ---------------------------------------------------------------------------
# 2. Input: errors, exact numbers, JSON files, field checks
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Text:
    """Words to show, not yet in any language: a message id and its parameters.

    Parameter values are numbers (exact), identifiers, other Texts, or Joins.
    """
    id: str
    params: tuple = ()


def T(message_id, **params):
    return Text(message_id, tuple(params.items()))


@dataclass(frozen=True)
class Join:
    """A list shown as one parameter, its items rendered and joined by `separator`."""
    items: tuple
    separator: str = ", "


class InputError(Exception):
    """Bad input or environment: one line on stderr, exit status 2."""

    def __init__(self, message_id, **params):
        Exception.__init__(self, message_id)
        self.text = T(message_id, **params)


def printable(text):
    """Escape what would break a one-line message or an encoder.

    Control characters (a newline in a value) become \\n-style escapes; bytes that
    were not valid UTF-8 (surrogate escapes from the command line) become \\xNN.
    """
    out = []
    for char in str(text):
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:
            out.append("\\x%02x" % (code - 0xDC00))
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\\u%04x" % code)
        elif char in "\n\r\t":
            out.append(repr(char)[1:-1])
        elif code < 0x20 or 0x7F <= code < 0xA0:
            out.append("\\x%02x" % code)
        elif code in (0x2028, 0x2029):
            out.append("\\u%04x" % code)
        else:
            out.append(char)
    return "".join(out)


def cdiv(a, b):
    """Ceiling division for non-negative integers (or Fractions)."""
    return -(-a // b)


# Inputs beyond this magnitude are typos, and would overflow a float in the JSON.
MAX_INPUT = 10 ** 15
# Positive magnitudes below this are typos too, and would overflow a float once inverted.
MIN_POSITIVE = Fraction(1, 10 ** 15)
# Plain decimal notation in ASCII digits: 12, 0.7, .5, 1e3, 2.5E-2 (no '_', no
# fractions such as 1/3, no other scripts' digits). Exponents of two digits at most.
_DECIMAL_TEXT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,2})?", re.ASCII)
_INT_TEXT = re.compile(r"[+-]?[0-9]+", re.ASCII)
MIN_EFFICIENCY = Fraction(1, 100)        # --hbm-efficiency and --mfu: 1% at least


def _option_text(text):
    """argparse gives `--option=--` as a list on Python 3.8-3.12: the user typed '--'."""
    return "--" if isinstance(text, list) else str(text).strip()


def parse_int_option(text, option, minimum=1):
    """An integer option in plain ASCII digits ('12', '+12'); no '_', decimals, nan or inf."""
    value = _option_text(text)
    if not _INT_TEXT.fullmatch(value) or len(value.lstrip("+-")) > 16:
        raise InputError("err.not_integer", option=option, text=text, minimum=minimum)
    number = int(value)
    if number < minimum or number > MAX_INPUT:
        raise InputError("err.integer_range", option=option, text=text, minimum=minimum)
    return number


def _mamba_dtype_option(text, option):
    """A state dtype as vLLM names it; 'auto' (or nothing) leaves vLLM's default (None)."""
    if text is None or _option_text(text) == AUTO:
        return None
    return _choice(text, option, MAMBA_DTYPES)


def _speculative_tokens_option(args):
    if args.num_speculative_tokens is None:
        return None
    if args.speculative is None:
        raise InputError("err.num_speculative_tokens_alone")
    return parse_int_option(args.num_speculative_tokens, "--num-speculative-tokens")


def parse_fraction_option(text, option, minimum=None, minimum_inclusive=True, maximum=MAX_INPUT):
    """A decimal option as an exact Fraction ('0.70' -> 7/10); nan and inf are rejected."""
    value_text = _option_text(text)
    if not _DECIMAL_TEXT.fullmatch(value_text):
        raise InputError("err.not_number", option=option, text=text)
    value = Fraction(value_text)
    if minimum is not None and (value < minimum if minimum_inclusive else value <= minimum):
        raise InputError("err.number_min", option=option, sign=">=" if minimum_inclusive else ">",
                         minimum=minimum, text=text)
    if value > maximum:
        raise InputError("err.number_max", option=option, maximum=maximum, text=text)
    if 0 < abs(value) < MIN_POSITIVE:
        raise InputError("err.number_tiny", option=option, text=text)
    return value


def _json_decimal(text):
    """A JSON decimal as an exact Fraction; absurd exponents are refused, not computed."""
    exponent = text.lower().partition("e")[2]
    if exponent and abs(int(exponent)) > 400:
        raise InputError("err.json_number_range", text=text)
    return Fraction(text)


def _reject_constant(name):
    raise InputError("err.json_constant", name=name)


def _no_duplicate_keys(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise InputError("err.json_duplicate_key", key=key)
        result[key] = value
    return result


# Catalogs and configs are small (a config.json is a few KB, a safetensors index a
# few MB); anything larger is the wrong file, and reading it whole would be slow.
MAX_JSON_FILE_BYTES = 16 * 2 ** 20


def read_regular_file(path, limit=MAX_JSON_FILE_BYTES):
    """The bytes of a regular file of at most `limit` bytes; FIFOs and devices are refused.

    Opened non-blocking so that a FIFO cannot make the open itself wait for a writer.
    """
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (OSError, ValueError) as error:
        raise InputError("err.file_unreadable", path=path, reason=_os_reason(error))
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise InputError("err.file_not_regular", path=path)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(handle, 1 << 20)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            chunks.append(chunk)
        raise InputError("err.file_too_large", path=path, limit_mib=limit // 2 ** 20)
    except OSError as error:
        raise InputError("err.file_unreadable", path=path, reason=_os_reason(error))
    finally:
        os.close(handle)


def _os_reason(error):
    return getattr(error, "strerror", None) or str(error)


def load_json_file(path, allow_constants=False):
    """Read a JSON file with exact decimals (Fraction); errors name file and line:column."""
    raw = read_regular_file(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("err.file_not_utf8", path=path)
    try:
        return json.loads(
            text, parse_float=_json_decimal, object_pairs_hook=_no_duplicate_keys,
            parse_constant=(lambda name: float(name)) if allow_constants else _reject_constant)
    except InputError as error:
        raise InputError("err.json_invalid", path=path, reason=error.text)
    except json.JSONDecodeError as error:
        raise InputError("err.json_syntax", path=path, line=error.lineno, column=error.colno,
                         reason=error.msg)
    except RecursionError:
        raise InputError("err.json_invalid", path=path, reason=T("err.json_too_deep"))
    except ValueError as error:
        raise InputError("err.json_invalid", path=path, reason=str(error))


# Field checks shared by the catalogs and configs. Each error names file, entry and field.

def _where(path, entry, field):
    return T("err.where", path=path, entry=entry, field=field)


def _is_number(value):
    return isinstance(value, (int, Fraction)) and not isinstance(value, bool)


def require_positive_int(data, field, path, entry, default=None):
    value = data.get(field, default)
    if value is None:
        raise InputError("err.field_missing", where=_where(path, entry, field))
    if isinstance(value, Fraction) and value.denominator == 1 and value > 0:
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0 or value > MAX_INPUT:
        raise InputError("err.field_positive_int", where=_where(path, entry, field), value=_json_repr(value))
    return value


def optional_positive_int(data, field, path, entry):
    return None if data.get(field) is None else require_positive_int(data, field, path, entry)


def require_positive_number(data, field, path, entry, optional=False):
    value = data.get(field)
    if value is None:
        if optional:
            return None
        raise InputError("err.field_missing", where=_where(path, entry, field))
    if not _is_number(value) or value < MIN_POSITIVE or value > MAX_INPUT:
        raise InputError("err.field_positive_number", where=_where(path, entry, field),
                         value=_json_repr(value))
    return Fraction(value)


def require_text(data, field, path, entry, optional=False):
    value = data.get(field)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InputError("err.field_text", where=_where(path, entry, field))
    return value


def _json_repr(value):
    """A JSON value as the user wrote it, for an error message."""
    if isinstance(value, Fraction):
        return _plain(value) if value == 0 or abs(value) >= Fraction(1, 10 ** 6) else _sci(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def load_catalog(path, kind):
    data = load_json_file(path)
    if not isinstance(data, dict) or not data:
        raise InputError("err.catalog_not_object", path=path, kind=T("catalog." + kind))
    for name, entry in data.items():
        if not isinstance(entry, dict):
            raise InputError("err.entry_not_object", path=path, entry=name)
    return data


def resolve_name(names, requested, option, path):
    """The catalog name `requested` means: exact, else the one name equal to it case aside; an
    unknown name is an error that lists the closest names first (difflib's ratio)."""
    if requested in names:
        return requested
    folded = [name for name in names if name.lower() == requested.lower()]
    if len(folded) == 1:
        return folded[0]
    close = difflib.get_close_matches(requested.lower(), [name.lower() for name in names], n=3, cutoff=0.6)
    by_folded = {name.lower(): name for name in names}
    suggestion = (T("err.did_you_mean", names=Join(tuple("'%s'" % by_folded[c] for c in close)))
                  if close else "")
    raise InputError("err.unknown_name", option=option, name=requested, path=path, suggestion=suggestion,
                     names=Join(tuple(sorted(names))))


def pick_entry(catalog, name, option, path):
    return catalog[resolve_name(catalog, name, option, path)]


# ---------------------------------------------------------------------------
# 3. Records: validated, typed, frozen; everything below receives these
# ---------------------------------------------------------------------------

# Per-GPU facts for the roofline (optional: without them no latency figures).
# Cost and power of a whole node, each with its source in the catalog (cost_source, power_source).
SERVER_COST_FIELDS = ("node_cost_per_hour_usd", "node_price_usd", "node_power_kw")
SERVER_PERFORMANCE_FIELDS = ("hbm_bandwidth_tb_s", "bf16_dense_tflops", "fp8_dense_tflops",
                             "nvlink_per_gpu_gb_s")
STORAGE_NUMBER_FIELDS = ("read_iops", "write_iops", "read_throughput_gb_s", "write_throughput_gb_s",
                         "read_latency_p99_ms", "write_latency_p99_ms")


@dataclass(frozen=True)
class Server:
    name: str
    gpus: int
    hbm_per_gpu_gb: Fraction
    total_hbm_gb: Fraction
    nvlink_bandwidth_tbps: object
    hbm_bandwidth_tb_s: object = None
    bf16_dense_tflops: object = None
    fp8_dense_tflops: object = None
    nvlink_per_gpu_gb_s: object = None
    cuda_visible_bytes_per_gpu: object = None
    description: object = None
    source: object = None
    node_cost_per_hour_usd: object = None   # renting the whole node for an hour
    node_price_usd: object = None           # buying it
    node_power_kw: object = None            # its maximum input power
    cost_source: object = None
    power_source: object = None


@dataclass(frozen=True)
class Storage:
    name: str
    type: str
    read_iops: Fraction
    write_iops: Fraction
    read_throughput_gb_s: Fraction
    write_throughput_gb_s: Fraction
    read_latency_p99_ms: Fraction
    write_latency_p99_ms: Fraction
    description: object = None
    source: object = None


def server_from_entry(name, entry, path):
    gpus = require_positive_int(entry, "gpus", path, name)
    hbm_per_gpu_gb = require_positive_number(entry, "hbm_per_gpu_gb", path, name)
    total_hbm_gb = require_positive_number(entry, "total_hbm_gb", path, name, optional=True)
    if total_hbm_gb is None:
        total_hbm_gb = gpus * hbm_per_gpu_gb
    elif total_hbm_gb != gpus * hbm_per_gpu_gb:
        raise InputError("err.total_hbm", where=_where(path, name, "total_hbm_gb"), gpus=gpus,
                         per_gpu=hbm_per_gpu_gb, expected=gpus * hbm_per_gpu_gb, value=total_hbm_gb)
    performance = {field: require_positive_number(entry, field, path, name, optional=True)
                   for field in SERVER_PERFORMANCE_FIELDS + SERVER_COST_FIELDS}
    performance.update((field, require_text(entry, field, path, name, optional=True))
                       for field in ("cost_source", "power_source"))
    return Server(name=name, gpus=gpus, hbm_per_gpu_gb=hbm_per_gpu_gb, total_hbm_gb=total_hbm_gb,
                  nvlink_bandwidth_tbps=require_positive_number(entry, "nvlink_bandwidth_tbps", path, name,
                                                                optional=True),
                  cuda_visible_bytes_per_gpu=optional_positive_int(entry, "cuda_visible_bytes_per_gpu", path, name),
                  description=require_text(entry, "description", path, name, optional=True),
                  source=require_text(entry, "source", path, name, optional=True), **performance)


def storage_from_entry(name, entry, path):
    numbers = {field: require_positive_number(entry, field, path, name) for field in STORAGE_NUMBER_FIELDS}
    return Storage(name=name, type=require_text(entry, "type", path, name),
                   description=require_text(entry, "description", path, name, optional=True),
                   source=require_text(entry, "source", path, name, optional=True), **numbers)


@dataclass(frozen=True)
class Options:
    """Every option, validated, with exact numbers."""
    model: object
    model_config: object
    server: str
    storage: str
    concurrency: int
    requests_per_second: object
    mean_session_seconds: object
    tpot_slo_ms: object
    ttft_slo_ms: object
    hbm_efficiency: Fraction
    mfu: Fraction
    effective_context: int
    kv_precision: str
    kv_budget_ratio: Fraction
    runtime_overhead_gib: Fraction
    peak_headroom_ratio: Fraction
    tensor_parallel: object
    kv_accounting: str
    block_size: int
    max_num_batched_tokens: int
    max_num_seqs: int
    models_file: str
    servers_file: str
    storage_file: str
    lang: str = DEFAULT_LANGUAGE
    weight_precision: object = None         # None: the checkpoint's own
    pipeline_parallel: int = 1
    runtime_overhead_auto: bool = False
    data_parallel_attention: bool = False
    disable_hybrid_kv_cache_manager: bool = False
    vllm_version: tuple = NEWEST_VLLM
    async_scheduling: object = None         # None: the release's default
    speculative: object = None              # eagle, eagle3 or mtp: the draft's layers hold KV too
    mamba_cache_dtype: object = None        # state layers: conv state dtype (None: auto)
    mamba_ssm_cache_dtype: object = None    # state layers: SSM state dtype (None: auto)
    enable_prefix_caching: object = None    # None: the release's default
    num_speculative_tokens: object = None   # draft tokens per step (vLLM's default when None)
    gpu_memory_utilization: object = None   # engine memory: a share of the CUDA-visible bytes
    kv_cache_memory_bytes: object = None    # engine memory: KV bytes per GPU, as given
    calibration: object = None              # EngineLog of --calibrate-from
    decode_mfu: Fraction = DEFAULTS["decode_mfu"]   # share of dense FLOPS the decode GEMMs reach
    input_tokens: object = None             # mean prompt tokens per request (traffic)
    solve: object = None                    # --solve concurrency|context
    nodes: object = None                    # --nodes N for --solve
    output_tokens: object = None            # mean generated tokens per request (traffic)
    page_size: int = DEFAULTS["page_size"]                  # SGLang: tokens per page
    swa_full_tokens_ratio: Fraction = DEFAULTS["swa_full_tokens_ratio"]    # SGLang: SWA / full pool tokens
    tokens_per_block: int = DEFAULTS["tokens_per_block"]    # TensorRT-LLM: tokens per block
    node_cost_per_hour: object = None       # USD per node-hour, over the catalog's
    node_price: object = None               # USD per node bought: the cost is its amortization
    power_cost_per_kwh: object = None       # USD per kWh: the energy is added to the cost
    amortization_months: int = DEFAULTS["amortization_months"]
    disaggregated: bool = False             # prefill and decode in separate pools
    scenario_performance: bool = True       # the decode, failover and cost-per-token figures (a
                                            # comparison row shows none of them)
    kv_transfer_gb_s: Fraction = DEFAULTS["kv_transfer_gb_s"]  # KV from a prefill node to a decode node, GB/s


# ---------------------------------------------------------------------------
# 4. Layer kinds: one frozen class per attention kind, as vLLM's
#    vllm/v1/kv_cache_interface.py has one spec per kind. Each answers
#    "tokens held" (the guide's formula), "vLLM blocks reserved" and "attended
#    pairs", and writes its own term of the formula (identifiers and numbers).
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class AttentionElements:
    """What one token of one layer stores: factor x elements, per instance."""
    kv_factor: int              # 2 for K and V; 1 for an MLA latent
    elements_per_token: int     # per instance, replicas included
    elements_term: str          # e.g. "8 × 64"
    kv_heads_per_gpu: object    # None for MLA


@dataclass(frozen=True)
class FullAttentionLayers:
    """Layers that keep K/V for every token of the context."""
    count: int
    kind = "full_attention"
    short = "full"

    def spec_tokens(self, context_tokens):
        return context_tokens

    def spec_term(self, context_tokens):
        return "%d" % context_tokens

    def vllm_blocks(self, context_tokens, block_size, in_flight_tokens):
        # vLLM FullAttentionSpec.max_memory_usage_bytes: cdiv(max_model_len, block_size)
        return cdiv(context_tokens, block_size)

    # The tokens a layer attends to at most (a window or chunk), None for the whole context:
    # SGLang's SWA pool keeps that many per request for such layers.
    local_span = None

    def vllm_term(self, context_tokens, block_size, in_flight_tokens):
        return "cdiv(%d, %d)" % (context_tokens, block_size)

    def attended_pairs(self, tokens):
        """(query, key) pairs a causal prefill of `tokens` computes in one layer."""
        return tokens * (tokens + 1) // 2

    def elements(self, model, tensor_parallel):
        # KV heads are split across the instance's GPUs; with fewer heads than GPUs
        # each GPU still holds a whole head, so heads are replicated.
        per_gpu = cdiv(model.num_key_value_heads, tensor_parallel)
        heads = per_gpu * tensor_parallel
        return AttentionElements(2, heads * model.head_dim, "%d × %d" % (heads, model.head_dim), per_gpu)

    def describe(self):
        return T("layer.full", count=self.count)

    def details(self):
        return {"kind": self.kind, "count": self.count, "window": None, "chunk": None}


@dataclass(frozen=True)
class SlidingWindowLayers(FullAttentionLayers):
    """Layers that keep K/V for the last `window` tokens only."""
    window: int = 0
    retained_tokens: int = 0    # kept below the window for multi-module MTP (vLLM extra_retained_tokens)
    kind = "sliding_attention"
    short = "sliding"

    def spec_tokens(self, context_tokens):
        return min(self.window, context_tokens)

    @property
    def local_span(self):
        return self.window

    def spec_term(self, context_tokens):
        return "min(%d, %d)" % (self.window, context_tokens)

    def vllm_blocks(self, context_tokens, block_size, in_flight_tokens):
        # vLLM SlidingWindowSpec.max_admission_blocks_per_request: window - 1 computed
        # tokens plus the tokens still in flight, capped at max_model_len, + 1 block
        # because the window may not start at a block boundary.
        tokens = min(self.window - 1 + self.retained_tokens + in_flight_tokens, context_tokens)
        return cdiv(tokens, block_size) + 1

    def vllm_term(self, context_tokens, block_size, in_flight_tokens):
        retained = " + %d" % self.retained_tokens if self.retained_tokens else ""
        return "(cdiv(min(%d - 1%s + %d, %d), %d) + 1)" % (
            self.window, retained, in_flight_tokens, context_tokens, block_size)

    def attended_pairs(self, tokens):
        w = min(self.window, tokens)
        return w * (w + 1) // 2 + (tokens - w) * w

    def describe(self):
        return T("layer.sliding", count=self.count, window=self.window)

    def details(self):
        return {"kind": self.kind, "count": self.count, "window": self.window, "chunk": None}


@dataclass(frozen=True)
class ChunkedLocalLayers(FullAttentionLayers):
    """Layers that attend within fixed chunks of `chunk` tokens (Llama 4)."""
    chunk: int = 0
    kind = "chunked_attention"
    short = "chunked"

    def spec_tokens(self, context_tokens):
        return min(self.chunk, context_tokens)

    @property
    def local_span(self):
        return self.chunk

    def spec_term(self, context_tokens):
        return "min(%d, %d)" % (self.chunk, context_tokens)

    def vllm_blocks(self, context_tokens, block_size, in_flight_tokens):
        # vLLM ChunkedLocalAttentionSpec: chunk + tokens in flight, capped.
        tokens = min(self.chunk + in_flight_tokens, context_tokens)
        return cdiv(tokens, block_size)

    def vllm_term(self, context_tokens, block_size, in_flight_tokens):
        return "cdiv(min(%d + %d, %d), %d)" % (
            self.chunk, in_flight_tokens, context_tokens, block_size)

    def attended_pairs(self, tokens):
        whole, rest = divmod(tokens, self.chunk)
        return whole * self.chunk * (self.chunk + 1) // 2 + rest * (rest + 1) // 2

    def describe(self):
        return T("layer.chunked", count=self.count, chunk=self.chunk)

    def details(self):
        return {"kind": self.kind, "count": self.count, "window": None, "chunk": self.chunk}


@dataclass(frozen=True)
class MLALatentLayers(FullAttentionLayers):
    """Multi-head latent attention (DeepSeek): full context, but one compressed latent
    of kv_lora_rank + qk_rope_head_dim elements per token, with no K/V factor and no
    heads. vLLM's MLAAttentionSpec keeps it whole on every tensor-parallel GPU."""
    latent_dim: int = 0
    kind = "mla_attention"
    short = "mla"

    def elements(self, model, tensor_parallel):
        return AttentionElements(1, self.latent_dim * tensor_parallel,
                                 "%d × %d" % (self.latent_dim, tensor_parallel), None)

    def describe(self):
        return T("layer.mla", count=self.count)

    def details(self):
        return {"kind": self.kind, "count": self.count, "window": None, "chunk": None}


@dataclass(frozen=True)
class StateLayers(FullAttentionLayers):
    """Layers with a recurrent state of constant size per session instead of K/V per token
    (Mamba2, Gated DeltaNet). vLLM 0.33.0 MambaSpec: a page holds one conv state plus one SSM
    state (mamba_utils.py, MambaStateShapeCalculator), split across TP, padded to the attention
    page; a request holds 1 + num_speculative_tokens pages without prefix caching ('none' mode)
    and 2 + num_speculative_tokens with it ('align' mode)."""
    conv_base: int = 0          # conv channels before the group term (intermediate or GDN conv_dim)
    group_channels: int = 0     # conv channels per group (2 x ssm_state_size, Mamba2 only)
    groups: int = 0             # Mamba2 n_groups, extended so that every TP shard has whole groups
    conv_width: int = 0         # conv_kernel - 1
    ssm_heads: int = 0          # SSM heads, split across TP
    ssm_per_head: int = 0       # SSM elements per head (head_dim x state, or v_dim x k_dim)
    conv_bytes: object = 2      # bytes per element of the conv state (--mamba-cache-dtype)
    ssm_bytes: object = None    # bytes per element of the SSM state (--mamba-ssm-cache-dtype; None:
                                # as the conv state, resolved by with_state_options)
    state_blocks: int = 1       # pages a request holds in vLLM

    def spec_tokens(self, context_tokens):
        return 0

    def conv_channels(self, tensor_parallel):
        """vLLM extra_groups_for_head_shards: groups not divisible by TP grow by TP - groups."""
        groups = self.groups
        if groups and groups % tensor_parallel:
            groups += tensor_parallel - groups
        return self.conv_base + self.group_channels * groups

    def splits_evenly(self, tensor_parallel):
        return self.conv_channels(tensor_parallel) % tensor_parallel == 0 and self.ssm_heads % tensor_parallel == 0

    def state_bytes_gpu(self, tensor_parallel):
        """One session's state of one layer on one GPU: conv + SSM."""
        return (self.conv_channels(tensor_parallel) // tensor_parallel * self.conv_width * self.conv_bytes
                + self.ssm_heads // tensor_parallel * self.ssm_per_head * self.ssm_bytes)

    def vllm_blocks(self, context_tokens, block_size, in_flight_tokens):
        return self.state_blocks

    def vllm_term(self, context_tokens, block_size, in_flight_tokens):
        return "%d" % self.state_blocks

    def attended_pairs(self, tokens):
        return 0

    def describe(self):
        return T("layer.state", count=self.count, kind=T("layer_kind." + self.kind))


@dataclass(frozen=True)
class MambaLayers(StateLayers):
    kind = "mamba"
    short = "mamba"


@dataclass(frozen=True)
class LinearAttentionLayers(StateLayers):
    kind = "linear_attention"
    short = "linear"


# Layer kinds read from configs (layer_types and the patterns that expand to it).
LAYER_KINDS = {"full_attention": FullAttentionLayers, "sliding_attention": SlidingWindowLayers,
               "chunked_attention": ChunkedLocalLayers, "mamba": MambaLayers,
               "linear_attention": LinearAttentionLayers}


# ---------------------------------------------------------------------------
# 5. Model: a catalog entry or Hugging Face config.json -> one frozen Model.
#    The rules are tried in a documented order; each rule that applies is
#    recorded in `derivation`, which the KV figure's explanation repeats.
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Weights:
    """The bytes of one instance's weights, and how they were found."""
    weights_bytes: int
    formula: Text
    precision: str              # the precision of the linear layers, for the FLOPS they run at
    embedding_bytes: int = 0    # on the first pipeline stage (0 when not known apart)
    lm_head_bytes: int = 0      # on the last pipeline stage


@dataclass(frozen=True)
class ParameterCount:
    """Parameters a config describes, by where they live (what the checkpoint holds).

    The multi-token-prediction layers of DeepSeek-V3 (num_nextn_predict_layers, kept in
    `mtp_layers`) are left out: vLLM loads them only for speculative decoding.
    """
    embedding: int
    lm_head: int
    attention: int
    dense_mlp: int
    experts: int
    shared_experts: int
    router: int
    norms: int
    inactive_experts: int       # routed experts one token does not use
    mtp_layers: int = 0
    state_mixers: int = 0       # Mamba and linear-attention mixers of hybrid models

    @property
    def total(self):
        return (self.embedding + self.lm_head + self.attention + self.state_mixers + self.dense_mlp
                + self.experts + self.shared_experts + self.router + self.norms)

    @property
    def active(self):
        """Parameters one token's forward pass multiplies: every weight but the routed experts it
        skips and the input embedding table, which is a lookup (as OpenAI counts gpt-oss)."""
        return self.total - self.inactive_experts - self.embedding

    @property
    def linear(self):
        """The projections and MLPs: what a weight quantization converts."""
        return self.attention + self.state_mixers + self.dense_mlp + self.experts + self.shared_experts


@dataclass(frozen=True)
class Model:
    name: str
    model_type: object
    num_hidden_layers: int
    num_attention_heads: int
    num_key_value_heads: int
    head_dim: int
    max_position_embeddings: int
    layer_groups: tuple
    derivation: tuple
    layer_kinds: tuple = ()
    description: object = None
    source: object = None
    aliases: tuple = ()
    weights: object = None          # set by build_report, for the weight precision asked
    weights_bytes: object = None    # the checkpoint's bytes, from the catalog or the safetensors index
    weights_bytes_source: object = None
    weight_precision: object = None
    checkpoint_scheme: object = None
    total_parameters: object = None
    active_parameters: object = None
    num_local_experts: object = None
    num_experts_per_tok: object = None
    parameters: object = None
    hidden_size: object = None
    intermediate_size: object = None
    vocab_size: object = None

    @property
    def parameters_total(self):
        """The catalog's stated total, or the count from the config."""
        return self.total_parameters or (self.parameters.total if self.parameters else None)

    @property
    def parameters_active(self):
        return self.active_parameters or (self.parameters.active if self.parameters else None)

    def groups_for_layers(self, first, end):
        """The layer groups of layers first..end-1 (a pipeline stage)."""
        counts = {}
        for kind in (part for kind in self.layer_kinds[first:end] for part in kind_parts(kind)):
            counts[kind] = counts.get(kind, 0) + 1
        return tuple(_replace(group, count=counts[group.kind]) for group in self.layer_groups
                     if counts.get(group.kind))

    @property
    def sliding_window(self):
        windows = [g.window for g in self.layer_groups if isinstance(g, SlidingWindowLayers)]
        return windows[0] if windows else None

    @property
    def mla_latent_dim(self):
        latents = [g.latent_dim for g in self.layer_groups if isinstance(g, MLALatentLayers)]
        return latents[0] if latents else None

    @property
    def attention_pattern(self):
        shorts = [g.short for g in self.layer_groups]
        return shorts[0] if len(shorts) == 1 else "hybrid"


# Defaults of Hugging Face config classes for fields that published configs
# may omit (a config.json only stores values that differ from its class).
# gemma3_text: transformers Gemma3TextConfig (sliding_window_pattern=6,
# max_position_embeddings=131072, head_dim=256, num_key_value_heads=4,
# sliding_window=4096). llama4_text: Llama4TextConfig (no_rope_layer_interval
# =4: every 4th layer is global NoPE attention, the others chunked).
MODEL_TYPE_DEFAULTS = {
    "gemma3_text": {"sliding_window_pattern": 6, "max_position_embeddings": 131072,
                    "head_dim": 256, "num_key_value_heads": 4, "sliding_window": 4096},
    "llama4_text": {"no_rope_layer_interval": 4},
}
# Layers are listed one by one (pipeline stages split them in order); published models
# have a few hundred at most.
MAX_LAYERS = 10 ** 6
CONFIG_VIEW_FIELDS = ("num_hidden_layers", "num_attention_heads", "num_key_value_heads", "head_dim",
                      "max_position_embeddings", "sliding_window", "sliding_window_pattern",
                      "no_rope_layer_interval")


def model_from_config(name, raw, path, aliased_from=None):
    """A catalog entry or Hugging Face config -> a validated Model."""
    derivation = []
    if aliased_from is not None:
        derivation.append(T("rule.alias", alias=aliased_from, name=name))
    config = raw
    if isinstance(raw.get("text_config"), dict):
        config = dict(raw["text_config"])
        derivation.append(T("rule.text_config"))
    model_type = require_text(config, "model_type", path, name, optional=True)
    defaults = MODEL_TYPE_DEFAULTS.get(model_type, {})
    view = {}
    for key in CONFIG_VIEW_FIELDS:
        if key in config:
            view[key] = config[key]
        elif key in defaults:
            view[key] = defaults[key]
            derivation.append(T("rule.class_default", field=key, model_type=model_type, value=defaults[key]))
        else:
            view[key] = None
    layers = require_positive_int(view, "num_hidden_layers", path, name)
    if layers > MAX_LAYERS:
        raise InputError("err.too_many_layers", where=_where(path, name, "num_hidden_layers"), layers=layers,
                         maximum=MAX_LAYERS)
    heads = require_positive_int(view, "num_attention_heads", path, name)
    if view["num_key_value_heads"] is None:
        view["num_key_value_heads"] = heads
        derivation.append(T("rule.mha", heads=heads))
    kv_heads = require_positive_int(view, "num_key_value_heads", path, name)
    if kv_heads == 1:
        derivation.append(T("rule.mqa"))
    max_context = require_positive_int(view, "max_position_embeddings", path, name)
    latent = _mla_latent(config, view, path, name, derivation)
    head_dim = _model_head_dim(view, config, heads, path, name, derivation)
    kinds, field = _layer_kinds(name, config, view, layers, path, derivation)
    groups = _groups_from_kinds(name, kinds, config, view, path, field)
    if latent is not None:
        if any(not type(g) is FullAttentionLayers for g in groups):
            raise InputError("err.mla_with_window", where=_where(path, name, "kv_lora_rank"))
        groups = [MLALatentLayers(len([k for k in kinds if k != NO_STATE]), latent_dim=latent)]
        kinds = [MLALatentLayers.kind if k != NO_STATE else k for k in kinds]
    meta = _model_meta(raw, config, path, name)
    meta["parameters"] = count_parameters(config, name, path, layers, heads, kv_heads, head_dim, kinds)
    return Model(name=name, model_type=model_type, num_hidden_layers=layers, num_attention_heads=heads,
                 num_key_value_heads=kv_heads, head_dim=head_dim, max_position_embeddings=max_context,
                 layer_groups=tuple(groups), derivation=tuple(derivation), layer_kinds=tuple(kinds),
                 **meta)


def _mla_latent(config, view, path, name, derivation):
    """MLA: kv_lora_rank + qk_rope_head_dim elements per token per layer (DeepSeek V2/V3)."""
    if config.get("kv_lora_rank") is None:
        return None
    rank = require_positive_int(config, "kv_lora_rank", path, name)
    rope = require_positive_int(config, "qk_rope_head_dim", path, name)
    derivation.append(T("rule.mla", rank=rank, rope=rope, latent=rank + rope))
    if view["head_dim"] is None and config.get("qk_nope_head_dim") is not None:
        # The query/key head width; reported, but not used by the MLA cache.
        view["head_dim"] = require_positive_int(config, "qk_nope_head_dim", path, name) + rope
    return rank + rope


def _model_head_dim(view, config, heads, path, name, derivation):
    if view["head_dim"] is not None:
        return require_positive_int(view, "head_dim", path, name)
    if config.get("attention_head_dim") is not None:
        derivation.append(T("rule.attention_head_dim"))
        return require_positive_int(config, "attention_head_dim", path, name)
    hidden = require_positive_int(config, "hidden_size", path, name)
    if hidden % heads:
        raise InputError("err.head_dim_indivisible", where=_where(path, name, "head_dim"), hidden=hidden,
                         heads=heads)
    derivation.append(T("rule.head_dim_from_hidden", hidden=hidden, heads=heads, head_dim=hidden // heads))
    return hidden // heads


def _layer_kinds(name, config, view, layers, path, derivation):
    """The kind of every layer, in order, and the config field it came from (each rule is recorded).

    The order matters to pipeline parallelism, whose stages hold consecutive layers.
    """
    if config.get("attention_pattern") is not None:
        return _guide_pattern_kinds(name, config, view, layers, path), "attention_pattern"
    if config.get("layer_types") is not None:
        kinds = config["layer_types"]
        if (not isinstance(kinds, list) or len(kinds) != layers
                or not all(isinstance(kind, str) for kind in kinds)):
            raise InputError("err.layer_types", where=_where(path, name, "layer_types"), layers=layers)
        derivation.append(T("rule.layer_types"))
        if "attention" in kinds:
            # Granite 4.0 (granitemoehybrid) writes "attention" for full attention layers.
            derivation.append(T("rule.attention_is_full"))
            kinds = ["full_attention" if kind == "attention" else kind for kind in kinds]
        return list(kinds), "layer_types"
    if config.get("model_type") in PARALLEL_HYBRID_TYPES:
        # Falcon-H1 (vLLM FalconH1ParallelHybrid): every layer has an attention and a Mamba2 mixer.
        derivation.append(T("rule.parallel_hybrid"))
        return [PARALLEL_HYBRID] * layers, "model_type"
    if config.get("attn_layer_period") is not None:
        # Jamba (transformers JambaConfig.layers_block_type): attention where i % period == offset.
        period = require_positive_int(config, "attn_layer_period", path, name)
        offset = config.get("attn_layer_offset", 0)
        if not isinstance(offset, int) or isinstance(offset, bool) or not 0 <= offset < period:
            raise InputError("err.field_range", where=_where(path, name, "attn_layer_offset"), low=0, high=period - 1)
        derivation.append(T("rule.attn_layer_period", period=period, offset=offset))
        return (["full_attention" if i % period == offset else "mamba" for i in range(layers)],
                "attn_layer_period")
    if config.get("hybrid_override_pattern") is not None:
        text = require_text(config, "hybrid_override_pattern", path, name)
        symbols = {"*": "full_attention", "M": "mamba", "-": NO_STATE, "E": NO_STATE}
        if set(text) - set(symbols) or len(text) != layers:
            raise InputError("err.pattern_unknown", where=_where(path, name, "hybrid_override_pattern"))
        derivation.append(T("rule.hybrid_override_pattern"))
        return [symbols[c] for c in text], "hybrid_override_pattern"
    if config.get("full_attention_interval") is not None:
        interval = require_positive_int(config, "full_attention_interval", path, name)
        derivation.append(T("rule.full_attention_interval", interval=interval))
        return (["full_attention" if (i + 1) % interval == 0 else "linear_attention" for i in range(layers)],
                "full_attention_interval")
    if config.get("attention_chunk_size") is not None and view["no_rope_layer_interval"] is not None:
        interval = require_positive_int(view, "no_rope_layer_interval", path, name)
        derivation.append(T("rule.chunked_interval", interval=interval))
        return (["full_attention" if (i + 1) % interval == 0 else "chunked_attention" for i in range(layers)],
                "attention_chunk_size")
    window = view["sliding_window"]
    if window is not None and view["sliding_window_pattern"] is not None:
        every = require_positive_int(view, "sliding_window_pattern", path, name)
        derivation.append(T("rule.sliding_window_pattern", every=every))
        return (["full_attention" if (i + 1) % every == 0 else "sliding_attention" for i in range(layers)],
                "sliding_window_pattern")
    if window is not None:
        use_window = config.get("use_sliding_window")
        if use_window is not None and not isinstance(use_window, bool):
            raise InputError("err.field_bool", where=_where(path, name, "use_sliding_window"))
        if use_window is False:
            derivation.append(T("rule.use_sliding_window_false"))
            return ["full_attention"] * layers, "use_sliding_window"
        derivation.append(T("rule.sliding_every_layer"))
        return ["sliding_attention"] * layers, "sliding_window"
    derivation.append(T("rule.all_full"))
    return ["full_attention"] * layers, "num_hidden_layers"


# Layers with no per-session state (MLP or MoE blocks of hybrid patterns).
NO_STATE = "no_state"
# Models whose every layer runs attention and a Mamba mixer side by side (Falcon-H1, vLLM's
# FalconH1ParallelHybrid): such a layer holds two caches, a full-attention one and a Mamba state,
# and counts as one layer of each kind (vLLM registers both in its KV-cache groups).
PARALLEL_HYBRID_TYPES = ("falcon_h1",)
PARALLEL_HYBRID = "attention_and_mamba"


def kind_parts(kind):
    """The cache kinds one layer holds: its own kind, or both halves of a parallel hybrid layer."""
    return ("full_attention", "mamba") if kind == PARALLEL_HYBRID else (kind,)


def _guide_pattern_kinds(name, config, view, layers, path):
    """The guide's catalog form: attention_pattern with full/sliding layer counts.

    The form gives counts, not an order: sliding and full layers alternate, sliding
    first, as gpt-oss interleaves them (its layer_types), the rest at the end.
    """
    pattern = config.get("attention_pattern")
    where = _where(path, name, "attention_pattern")
    if pattern not in ("full", "sliding", "hybrid"):
        raise InputError("err.attention_pattern", where=where, value=_json_repr(pattern))
    defaults = {"full": (layers, 0), "sliding": (0, layers), "hybrid": (None, None)}[pattern]
    full = config.get("full_attention_layers", defaults[0])
    sliding = config.get("sliding_attention_layers", defaults[1])
    for field, value in (("full_attention_layers", full), ("sliding_attention_layers", sliding)):
        if value is None:
            raise InputError("err.pattern_field_required", where=_where(path, name, field), pattern=pattern)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise InputError("err.field_non_negative_int", where=_where(path, name, field),
                             value=_json_repr(value))
    if full + sliding != layers:
        raise InputError("err.pattern_sum", where=where, full=full, sliding=sliding, layers=layers)
    expected = {"full": (layers, 0), "sliding": (0, layers)}.get(pattern)
    if expected is not None and (full, sliding) != expected:
        raise InputError("err.pattern_counts", where=where, pattern=pattern, full=expected[0],
                         sliding=expected[1])
    pairs = min(full, sliding)
    return (["sliding_attention", "full_attention"] * pairs + ["full_attention"] * (full - pairs)
            + ["sliding_attention"] * (sliding - pairs))


def _groups_from_kinds(name, kinds, config, view, path, field):
    counts = {}
    for kind in (part for kind in kinds for part in kind_parts(kind)):
        if kind != NO_STATE:
            counts[kind] = counts.get(kind, 0) + 1
    unsizable = [kind for kind in counts if kind not in LAYER_KINDS]
    if unsizable:
        described = Join(tuple(T("err.unsizable_layers", count=counts[kind], kind=kind,
                                 what=T("layer_kind.unknown")) for kind in unsizable))
        raise InputError("err.unsizable", where=_where(path, name, field), layers=described)
    groups = []
    if counts.get("full_attention"):
        groups.append(FullAttentionLayers(counts["full_attention"]))
    if counts.get("sliding_attention"):
        groups.append(SlidingWindowLayers(counts["sliding_attention"],
                                          window=require_positive_int(view, "sliding_window", path, name)))
    if counts.get("chunked_attention"):
        groups.append(ChunkedLocalLayers(counts["chunked_attention"],
                                         chunk=require_positive_int(config, "attention_chunk_size", path, name)))
    if not groups:
        raise InputError("err.no_attention", where=_where(path, name, field))
    if counts.get("mamba"):
        groups.append(_mamba_layers(counts["mamba"], config, path, name))
    if counts.get("linear_attention"):
        groups.append(_linear_attention_layers(counts["linear_attention"], config, path, name))
    return groups


def _first_field(config, names, path, name, required=True):
    """The first of `names` the config holds (Nemotron-H and Granite-4.0-H name them differently)."""
    for field in names:
        if config.get(field) is not None:
            return require_positive_int(config, field, path, name)
    return require_positive_int(config, names[0], path, name) if required else None


def _state_dtype_bytes(config, path, name):
    """vLLM's defaults for the state dtypes: the conv state in the model dtype ('auto'); the SSM
    state as the conv state, except where vLLM reads the config (mamba_ssm_cache_dtype, Qwen3.5's
    mamba_ssm_dtype) or NemotronH's default of float32 (model_executor/models/config.py, 0.33.0)."""
    dtype = config.get("torch_dtype", config.get("dtype"))
    conv_bytes = MAMBA_DTYPES.get(dtype, 2) if isinstance(dtype, str) else 2
    ssm = config.get("mamba_ssm_cache_dtype", config.get("mamba_ssm_dtype"))
    if ssm is None and config.get("model_type") == "nemotron_h":
        ssm = "float32"
    if ssm is not None and (not isinstance(ssm, str) or ssm not in MAMBA_DTYPES):
        raise InputError("err.one_of", where=_where(path, name, "mamba_ssm_cache_dtype"),
                         choices=Join(tuple(sorted(MAMBA_DTYPES))))
    return conv_bytes, (MAMBA_DTYPES[ssm] if ssm is not None else None)


def _mamba_layers(count, config, path, name):
    """Mamba2 (vLLM mamba2_state_shape): conv over intermediate + 2 x n_groups x state channels,
    SSM of heads x head_dim x state. Mamba1 (Jamba; vLLM mamba1_state_shape): conv over
    mamba_expand x hidden channels, SSM of those channels x mamba_d_state."""
    if config.get("mamba_expand") is not None and config.get("mamba_d_state") is not None \
            and _first_field(config, ("mamba_num_heads", "mamba_n_heads"), path, name, required=False) is None:
        inner = require_positive_int(config, "mamba_expand", path, name) * require_positive_int(
            config, "hidden_size", path, name)
        kernel = require_positive_int(config, "mamba_d_conv", path, name)
        conv_bytes, ssm_bytes = _state_dtype_bytes(config, path, name)
        return MambaLayers(count, conv_base=inner, conv_width=kernel - 1, ssm_heads=inner,
                           ssm_per_head=require_positive_int(config, "mamba_d_state", path, name),
                           conv_bytes=conv_bytes, ssm_bytes=ssm_bytes)
    heads = _first_field(config, ("mamba_num_heads", "mamba_n_heads"), path, name)
    head_dim = _first_field(config, ("mamba_head_dim", "mamba_d_head"), path, name)
    state = _first_field(config, ("ssm_state_size", "mamba_d_state"), path, name)
    groups = _first_field(config, ("n_groups", "mamba_n_groups"), path, name)
    kernel = _first_field(config, ("conv_kernel", "mamba_d_conv"), path, name)
    conv_bytes, ssm_bytes = _state_dtype_bytes(config, path, name)
    # The mixer's width: Falcon-H1's mamba_d_ssm (vLLM falcon_h1.py), else heads x head_dim (nemotron_h.py).
    inner = _first_field(config, ("mamba_d_ssm",), path, name, required=False) or heads * head_dim
    return MambaLayers(count, conv_base=inner, group_channels=2 * state, groups=groups,
                       conv_width=kernel - 1, ssm_heads=heads, ssm_per_head=head_dim * state,
                       conv_bytes=conv_bytes, ssm_bytes=ssm_bytes)


def _linear_attention_layers(count, config, path, name):
    """Gated DeltaNet (vLLM gated_delta_net_state_shape): conv over 2 x key + value channels,
    SSM of value heads x value_dim x key_dim."""
    key_heads = require_positive_int(config, "linear_num_key_heads", path, name)
    value_heads = require_positive_int(config, "linear_num_value_heads", path, name)
    key_dim = require_positive_int(config, "linear_key_head_dim", path, name)
    value_dim = require_positive_int(config, "linear_value_head_dim", path, name)
    kernel = require_positive_int(config, "linear_conv_kernel_dim", path, name)
    conv_bytes, ssm_bytes = _state_dtype_bytes(config, path, name)
    return LinearAttentionLayers(count, conv_base=2 * key_heads * key_dim + value_heads * value_dim,
                                 conv_width=kernel - 1, ssm_heads=value_heads, ssm_per_head=value_dim * key_dim,
                                 conv_bytes=conv_bytes, ssm_bytes=ssm_bytes)


def _model_meta(raw, config, path, name):
    """Catalog-only fields (and expert counts a config may hold), each validated."""
    precision = raw.get("weight_precision")
    if precision is not None and (not isinstance(precision, str) or precision not in WEIGHT_PRECISIONS):
        raise InputError("err.one_of", where=_where(path, name, "weight_precision"),
                         choices=Join(tuple(sorted(WEIGHT_PRECISIONS))))
    meta = {"description": require_text(raw, "description", path, name, optional=True),
            "source": require_text(raw, "source", path, name, optional=True),
            "aliases": tuple(_aliases(raw, path, name)),
            "weight_precision": precision,
            "weights_bytes": optional_positive_int(raw, "weights_bytes", path, name),
            "checkpoint_scheme": _checkpoint_scheme(raw, config, precision, path, name)}
    if meta["weights_bytes"] is not None:
        meta["weights_bytes_source"] = "catalog"
    for key in ("total_parameters", "active_parameters", "num_experts_per_tok"):
        meta[key] = optional_positive_int(raw, key, path, name)
    meta["num_local_experts"] = _expert_count(raw, config, path, name)
    if meta["num_experts_per_tok"] is None:
        meta["num_experts_per_tok"] = (optional_positive_int(config, "num_experts_per_tok", path, name)
                                       or optional_positive_int(config, "experts_per_token", path, name))
    for key in ("hidden_size", "intermediate_size", "vocab_size"):
        meta[key] = optional_positive_int(config, key, path, name)
    for small, large in (("active_parameters", "total_parameters"),
                         ("num_experts_per_tok", "num_local_experts")):
        if meta[small] is not None and meta[large] is not None and meta[small] > meta[large]:
            raise InputError("err.not_above", where=_where(path, name, small), other=large)
    return meta


def _expert_count(raw, config, path, name):
    """Routed experts; 0 (as Granite writes it) means a dense model."""
    for data, key in ((raw, "num_local_experts"), (config, "num_local_experts"), (config, "num_experts"),
                      (config, "n_routed_experts")):
        if data.get(key) is not None:
            if data.get(key) == 0 and not isinstance(data.get(key), bool):
                return None
            return require_positive_int(data, key, path, name)
    return None


def _aliases(raw, path, name):
    aliases = raw.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
        raise InputError("err.aliases", where=_where(path, name, "aliases"))
    return aliases


@dataclass(frozen=True)
class PrecisionScheme:
    """How a checkpoint stores its weights: the linear layers (projections, MLPs, experts)
    in `linear`, plus `scale_bytes` per linear parameter for block scales; the embeddings,
    LM head, norms and router at `base`. With `attention_kept` the attention projections
    stay at `base` too (gpt-oss quantizes only its experts to mxfp4)."""
    linear: str
    base: str = "bf16"
    scale_bytes: Fraction = Fraction(0)
    attention_kept: bool = False


# Bytes per element of vLLM's --mamba-cache-dtype / --mamba-ssm-cache-dtype values.
MAMBA_DTYPES = {"float32": 4, "bfloat16": 2, "float16": 2}

# torch dtypes of config.json (torch_dtype, or dtype in newer transformers) -> precision.
TORCH_DTYPES = {"bfloat16": "bf16", "float16": "fp16", "float32": "fp32"}


def _checkpoint_scheme(raw, config, catalog_precision, path, name):
    """The checkpoint's precisions: the catalog's weight_precision, or the config's
    quantization_config and torch_dtype (bf16 when neither says)."""
    dtype = raw.get("torch_dtype", raw.get("dtype", config.get("torch_dtype", config.get("dtype"))))
    base = TORCH_DTYPES.get(dtype, "bf16") if isinstance(dtype, str) else "bf16"
    if catalog_precision is not None:
        return PrecisionScheme(catalog_precision, base)
    quantization = raw.get("quantization_config", config.get("quantization_config"))
    if not isinstance(quantization, dict):
        return PrecisionScheme(base, base)
    method = quantization.get("quant_method")
    if method == "fp8":
        # DeepSeek-V3: e4m3 weights with one fp32 scale per 128 x 128 block (weight_block_size).
        block = quantization.get("weight_block_size")
        scale = Fraction(0)
        if isinstance(block, list) and len(block) == 2 and all(_is_number(b) and b > 0 for b in block):
            scale = Fraction(4, int(block[0]) * int(block[1]))
        return PrecisionScheme("fp8", base, scale)
    if method == "mxfp4":
        kept = quantization.get("modules_to_not_convert") or []
        attention_kept = isinstance(kept, list) and any(isinstance(k, str) and "attn" in k for k in kept)
        return PrecisionScheme("mxfp4", base, attention_kept=attention_kept)
    if method in ("awq", "gptq") and quantization.get("bits") in (4, 8):
        return PrecisionScheme("int4" if quantization.get("bits") == 4 else "int8", base)
    return PrecisionScheme(base, base)


# Config fields a parameter count reads, with the class defaults a published config
# may omit (transformers Gemma3TextConfig: vocab_size 262208, tied embeddings).
PARAMETER_DEFAULTS = {"gemma3_text": {"vocab_size": 262208, "tie_word_embeddings": True}}
QK_NORM_MODEL_TYPES = ("qwen3", "qwen3_moe", "gemma3_text")     # q_norm and k_norm of head_dim each
GEMMA_NORMS_PER_LAYER = 4                                       # pre/post attention and MLP norms


def count_parameters(config, name, path, layers, heads, kv_heads, head_dim, kinds=()):
    """The parameters of the language model a config describes, or None when it lacks
    hidden_size, intermediate_size or vocab_size. Counted as transformers builds the
    model: embeddings and LM head (unless tied), attention projections (GQA, or MLA with
    its LoRA ranks), dense MLPs (gate, up, down), routed and shared experts with their
    router, and the RMSNorm weights. The vision tower of a multimodal checkpoint is not
    counted (it holds no KV cache)."""
    model_type = config.get("model_type")
    defaults = PARAMETER_DEFAULTS.get(model_type, {})

    def number(key):
        data = config if config.get(key) is not None else defaults
        return optional_positive_int(data, key, path, name)

    hidden, vocab, intermediate = number("hidden_size"), number("vocab_size"), number("intermediate_size")
    if None in (hidden, vocab, intermediate):
        return None
    tied = config.get("tie_word_embeddings", defaults.get("tie_word_embeddings", False))
    if not isinstance(tied, bool):
        raise InputError("err.field_bool", where=_where(path, name, "tie_word_embeddings"))
    attention = _attention_parameters(config, model_type, hidden, heads, kv_heads, head_dim, number)
    if attention is None:
        return None
    if any(kind in HYBRID_KINDS for kind in kinds):
        return _hybrid_parameters(config, model_type, kinds, hidden, vocab, intermediate, tied, attention, number,
                                  path, name)
    experts = _expert_count(config, config, path, name) or 0
    per_token = number("num_experts_per_tok") or number("experts_per_token") or 0
    moe_layers = _moe_layers(config, layers, experts, number)
    expert_width = number("moe_intermediate_size") or intermediate
    per_expert = 3 * hidden * expert_width
    router = hidden * experts
    if model_type == "gpt_oss":
        per_expert += 2 * expert_width + hidden         # gate_up and down biases
        router += experts                               # router bias
    if model_type == "deepseek_v3":
        router += experts                               # e_score_correction_bias
    shared = (number("n_shared_experts") or 0) * 3 * hidden * expert_width
    if number("shared_expert_intermediate_size"):       # Qwen2-MoE: one shared expert and its gate
        shared = 3 * hidden * number("shared_expert_intermediate_size") + hidden
    norms_per_layer = GEMMA_NORMS_PER_LAYER if model_type == "gemma3_text" else 2
    return ParameterCount(
        embedding=vocab * hidden, lm_head=0 if tied else vocab * hidden, attention=layers * attention,
        dense_mlp=(layers - moe_layers) * 3 * hidden * intermediate, experts=moe_layers * experts * per_expert,
        shared_experts=moe_layers * shared, router=moe_layers * router,
        norms=layers * norms_per_layer * hidden + hidden,
        inactive_experts=moe_layers * max(experts - per_token, 0) * per_expert,
        mtp_layers=number("num_nextn_predict_layers") or 0)


# Layer kinds that make a model hybrid: its layers are not all attention + MLP.
HYBRID_KINDS = ("mamba", "linear_attention", "no_state", PARALLEL_HYBRID)


def _hybrid_parameters(config, model_type, kinds, hidden, vocab, intermediate, tied, attention, number, path, name):
    """A hybrid model's parameters, layer by layer as transformers builds it, for the families whose
    layers are known (None for others: their weights are then unknown, not guessed):
    - nemotron_h: each layer is one block of hybrid_override_pattern: Mamba2 (M), attention (*), a
      squared-ReLU MLP of up and down projections (-) or such experts with a shared one (E), one norm each;
    - jamba: Mamba1 or attention, then an MLP, or experts every expert_layer_period-th layer;
    - qwen3_next: gated DeltaNet or gated attention, then experts with a gated shared expert."""
    experts = _expert_count(config, config, path, name) or 0
    per_token = number("num_experts_per_tok") or 0
    expert_width = number("moe_intermediate_size") or intermediate
    state = mlp = routed = shared = router = moe_layers = 0
    attention_layers = kinds.count("full_attention")
    if model_type == "nemotron_h":
        pattern = config.get("hybrid_override_pattern") or ""
        per_expert = 2 * hidden * expert_width
        for symbol in pattern:
            if symbol == "M":
                state += _mamba2_parameters(config, hidden, number)
            elif symbol == "-":
                mlp += 2 * hidden * intermediate
            elif symbol == "E":
                moe_layers += 1
                routed += experts * per_expert
                shared += 2 * hidden * (number("moe_shared_expert_intermediate_size") or 0)
                router += hidden * experts + experts            # gate and e_score_correction_bias
        norms = len(pattern) * hidden + hidden
    elif model_type == "jamba":
        per_expert = 3 * hidden * intermediate
        period, offset = number("expert_layer_period") or 1, config.get("expert_layer_offset") or 0
        for index, kind in enumerate(kinds):
            if kind == "mamba":
                state += _mamba1_parameters(config, hidden, number)
            if experts > 1 and index % period == offset:
                moe_layers += 1
                routed += experts * per_expert
                router += hidden * experts
            else:
                mlp += 3 * hidden * intermediate
        norms = 2 * len(kinds) * hidden + hidden
    elif model_type == "qwen3_next":
        per_expert = 3 * hidden * expert_width
        attention += number("num_attention_heads") * number("head_dim") * hidden   # the output gate half of q_proj
        for kind in kinds:
            if kind == "linear_attention":
                state += _gated_delta_net_parameters(config, hidden, number)
            moe_layers += 1
            routed += experts * per_expert
            shared += 3 * hidden * (number("shared_expert_intermediate_size") or 0) + hidden
            router += hidden * experts
        norms = 2 * len(kinds) * hidden + hidden
    else:
        return None
    return ParameterCount(
        embedding=vocab * hidden, lm_head=0 if tied else vocab * hidden, attention=attention_layers * attention,
        state_mixers=state, dense_mlp=mlp, experts=routed, shared_experts=shared, router=router, norms=norms,
        inactive_experts=moe_layers * max(experts - per_token, 0) * per_expert)


def _mamba2_parameters(config, hidden, number):
    """One Mamba2 mixer (transformers NemotronHMamba2Mixer): in_proj to z, x, B, C and dt; the
    depthwise conv over x, B and C; dt_bias, A_log and D per head; the gated norm; out_proj."""
    heads, head_dim = number("mamba_num_heads"), number("mamba_head_dim")
    groups, state, kernel = number("n_groups"), number("ssm_state_size"), number("conv_kernel")
    inner = heads * head_dim
    conv = inner + 2 * groups * state
    count = hidden * (inner + conv + heads) + conv * kernel + 3 * heads + inner + inner * hidden
    if config.get("use_conv_bias", True) is True:
        count += conv
    if config.get("use_bias") is True:
        count += inner + conv + heads + hidden
    return count


def _mamba1_parameters(config, hidden, number):
    """One Mamba1 mixer (transformers JambaMambaMixer): in_proj to x and z; the conv over x; x_proj
    to dt, B and C; dt_proj; A_log and D; out_proj; the dt, B and C norms."""
    inner = number("mamba_expand") * hidden
    state, kernel, rank = number("mamba_d_state"), number("mamba_d_conv"), number("mamba_dt_rank")
    count = (hidden * 2 * inner + inner * kernel + inner * (rank + 2 * state) + rank * inner + inner
             + inner * state + inner + inner * hidden + rank + 2 * state)
    if config.get("mamba_conv_bias", True) is True:
        count += inner
    if config.get("mamba_proj_bias") is True:
        count += 2 * inner + hidden
    return count


def _gated_delta_net_parameters(config, hidden, number):
    """One gated DeltaNet mixer (transformers Qwen3NextGatedDeltaNet): in_proj to q, k, v and z, and
    to b and a; the conv over q, k and v; dt_bias and A_log per value head; the gated norm; out_proj."""
    key = number("linear_num_key_heads") * number("linear_key_head_dim")
    value_heads = number("linear_num_value_heads")
    value = value_heads * number("linear_value_head_dim")
    conv = 2 * key + value
    return (hidden * (2 * key + 2 * value) + hidden * 2 * value_heads + conv * number("linear_conv_kernel_dim")
            + 2 * value_heads + number("linear_value_head_dim") + value * hidden)


def _attention_parameters(config, model_type, hidden, heads, kv_heads, head_dim, number):
    """Attention parameters of one layer."""
    if config.get("kv_lora_rank") is not None:
        # MLA (DeepSeek-V2/V3 modeling): q_a (+ norm) and q_b, or q_proj; kv_a_proj_with_mqa
        # (+ norm); kv_b; o_proj.
        rank, rope = number("kv_lora_rank"), number("qk_rope_head_dim")
        nope, value, q_rank = number("qk_nope_head_dim"), number("v_head_dim"), number("q_lora_rank")
        if None in (rope, nope, value):
            return None
        query = (hidden * q_rank + q_rank + q_rank * heads * (nope + rope)) if q_rank else hidden * heads * (nope + rope)
        return query + hidden * (rank + rope) + rank + rank * heads * (nope + value) + heads * value * hidden
    count = 2 * hidden * heads * head_dim + 2 * hidden * kv_heads * head_dim
    if config.get("attention_bias") is True:
        count += heads * head_dim + 2 * kv_heads * head_dim + hidden
    elif model_type == "qwen2":                         # Qwen2 has q, k and v biases
        count += heads * head_dim + 2 * kv_heads * head_dim
    if model_type in QK_NORM_MODEL_TYPES:
        count += 2 * head_dim
    if model_type == "gpt_oss":                         # one attention sink per head
        count += heads
    return count


def _moe_layers(config, layers, experts, number):
    """How many layers hold routed experts: all of them, but the first_k_dense_replace
    (DeepSeek) and the mlp_only_layers, every decoder_sparse_step-th (Qwen MoE)."""
    if not experts:
        return 0
    first_dense = number("first_k_dense_replace") or 0
    step = number("decoder_sparse_step") or 1
    dense_only = config.get("mlp_only_layers") or []
    if not isinstance(dense_only, list):
        dense_only = []
    return len([i for i in range(first_dense, layers) if (i + 1) % step == 0 and i not in dense_only])


def load_models(path):
    """The models catalog and its names: every entry name and alias, each exactly once."""
    catalog = load_catalog(path, "models")
    names = {name: name for name in catalog}
    for name, entry in catalog.items():
        for alias in _aliases(entry, path, name):
            if alias in names:
                raise InputError("err.alias_repeated", where=_where(path, name, "aliases"), alias=alias)
            names[alias] = name
    return catalog, names


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


def load_inputs(options):
    """The Model, Server and Storage; every catalog entry is validated, not only the chosen one."""
    if options.model_config is not None:
        path = model_config_path(options.model_config)
        raw = load_json_file(path, allow_constants=True)
        if not isinstance(raw, dict):
            raise InputError("err.config_not_object", path=path)
        name = options.model_config.split("/")[-1] if path != options.model_config else _printable_name(path)
        model = model_from_config(name, raw, path)
        if model.source is None:
            model = _replace(model, source=printable(options.model_config))
        model = _with_checkpoint_size(model, os.path.join(os.path.dirname(path), SAFETENSORS_INDEX))
    else:
        catalog, names = load_models(options.models_file)
        models = {name: model_from_config(name, entry, options.models_file) for name, entry in catalog.items()}
        requested = resolve_name(names, options.model, "--model", options.models_file)
        name = names[requested]
        model = models[name]
        if requested != name:
            model = model_from_config(name, catalog[name], options.models_file, aliased_from=requested)
    servers = {name: server_from_entry(name, entry, options.servers_file)
               for name, entry in load_catalog(options.servers_file, "servers").items()}
    storages = {name: storage_from_entry(name, entry, options.storage_file)
                for name, entry in load_catalog(options.storage_file, "storage").items()}
    return (model, pick_entry(servers, options.server, "--server", options.servers_file),
            pick_entry(storages, options.storage, "--storage", options.storage_file))


SAFETENSORS_INDEX = "model.safetensors.index.json"


def _with_checkpoint_size(model, index_path):
    """Totals from the parameter count, and the exact checkpoint bytes when the safetensors
    index (metadata.total_size) sits beside the config."""
    if model.weights_bytes is not None or not os.path.exists(index_path):
        return model
    index = load_json_file(index_path)
    metadata = index.get("metadata") if isinstance(index, dict) else None
    if not isinstance(metadata, dict):
        raise InputError("err.field_missing", where=_where(index_path, "metadata", "total_size"))
    size = require_positive_int(metadata, "total_size", index_path, "metadata")
    return _replace(model, weights_bytes=size, weights_bytes_source="index")


def _replace(record, **changes):
    import dataclasses
    return dataclasses.replace(record, **changes)


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
CALIBRATION_TOLERANCE_PERCENT = 1     # the issue's accuracy goal against published logs
CALIBRATION_CHECKS = ("calibration_memory_gap_percent", "calibration_concurrency_gap_percent")


@dataclass(frozen=True)
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
                raise InputError("err.log_no_pool", path=path, engine=ENGINE_NAMES[engine])
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


# ---------------------------------------------------------------------------
# 6. Compute: pure functions returning frozen records. A Figure holds its value,
#    its unit, its formula (identifiers with the values substituted) and its
#    explanation as message ids with parameters: no sentence is built here.
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Figure:
    key: str
    value: object               # int, Fraction or None (not applicable)
    unit: str                   # a Unit code
    formula: Text
    inputs: tuple               # (name, value) pairs
    explanation: tuple          # Texts, shown one after the other
    label: Text
    absent: object = None       # why the value is None, when it is (a Text)


def figure(key, value, unit, formula, inputs, explanation, label=None, absent=None):
    if isinstance(explanation, Text):
        explanation = (explanation,)
    return Figure(key, value, unit, formula, tuple(inputs.items()), tuple(explanation),
                  label or T("label." + key), absent)


def find(figures, key):
    """The value of the figure `key` among `figures` (None when absent)."""
    for item in figures:
        if item.key == key:
            return item.value
    return None


@dataclass(frozen=True)
class VllmRelease:
    version: tuple
    async_scheduling: bool

    def concurrent_batches(self, pipeline_parallel):
        """vLLM 0.33.0 VllmConfig.max_concurrent_batches: PP batches fill a pipeline; async
        scheduling overlaps one more (2 at PP 1; PP + 1 on the V2 model runner, the default)."""
        if self.version < VLLM_RELEASES["in_flight"]:
            return 1
        if self.async_scheduling:
            return pipeline_parallel + 1
        return pipeline_parallel

    @property
    def null_block(self):
        return self.version >= VLLM_RELEASES["null_block"]

    @property
    def tokens_concurrency(self):
        return self.version < VLLM_RELEASES["grouped_concurrency"]

    @property
    def refuses_long_requests(self):
        return self.version >= VLLM_RELEASES["refuses_long_requests"]

    @property
    def estimates_max_model_len(self):
        return self.version >= VLLM_RELEASES["estimates_max_model_len"]


@dataclass(frozen=True)
class VllmStage:
    """One pipeline stage's view of the pool (vLLM 0.33.0 get_kv_cache_configs): its bytes per
    block are the largest group's layers on that stage x one page (_get_kv_cache_bytes_per_block
    on the groups projected to the worker), and its startup check sums its own layers."""
    bytes_per_block_gpu: Fraction
    checked_groups: tuple       # the stage's layers as vLLM's startup check sums them, unpadded


@dataclass(frozen=True)
class VllmPool:
    """vLLM's KV-cache groups for one instance, and the block a request is charged per GPU.

    vLLM 0.33.0, vllm/v1/core/kv_cache_planning.py _get_kv_cache_groups_uniform_page_size:
    the layers of each attention kind go into groups of one common size g (the fewest
    layers of any kind, or the most when that is below 1.5 x the fewest); each kind fills
    cdiv(n, g) groups and the last is padded. Every group draws its blocks from one pool
    per GPU of floor(KV memory / (g x page)) blocks (get_kv_cache_config_from_groups), and
    a request needs the blocks of every group (get_max_concurrency_for_kv_cache_config).
    With pipeline parallelism the groups stay those of the whole model, each stage holds the
    part of each group that falls on its layers, and every stage takes the smallest stage's
    block count (get_kv_cache_configs: "Change the num_blocks of each rank to the smallest").
    """
    group_size: int
    charged: tuple              # layer groups with their padded layer counts
    padding_layers: int
    blocks_per_request: int
    context_tokens: int
    block_size: int
    page_bytes_gpu: Fraction    # one layer's page on one GPU
    in_flight_tokens: int
    stages: tuple               # VllmStage per pipeline stage (one without pipeline parallelism)

    @property
    def bytes_per_block_gpu(self):
        """The bytes of one block on the tightest stage's GPUs (g pages without pipeline parallelism)."""
        return max(stage.bytes_per_block_gpu for stage in self.stages)

    @property
    def block_layers(self):
        """Layers one block spans on the tightest stage (g without pipeline parallelism)."""
        return int(self.bytes_per_block_gpu / self.page_bytes_gpu)

    def blocks(self, bytes_per_gpu):
        """The pool's blocks on one GPU: floor(KV bytes / bytes per block), the tightest stage's."""
        return int(bytes_per_gpu // self.bytes_per_block_gpu) if bytes_per_gpu > 0 else 0

    def request_bytes_gpu(self, context_tokens, stage):
        """What one request of `context_tokens` needs per GPU of `stage`, layer by layer, as vLLM's
        startup check (check_enough_kv_cache_memory) sums it."""
        return sum(g.count * g.vllm_blocks(context_tokens, self.block_size, self.in_flight_tokens)
                   for g in stage.checked_groups) * self.page_bytes_gpu

    def estimated_max_model_len(self, available_bytes_gpu, stage):
        """vLLM's estimate_max_model_len: the longest max_model_len that fits, by binary search."""
        low, high, best = 1, self.context_tokens, 0
        while low <= high:
            middle = (low + high) // 2
            if self.request_bytes_gpu(middle, stage) <= available_bytes_gpu:
                best, low = middle, middle + 1
            else:
                high = middle - 1
        return best


def unified_groups(layer_groups, hybrid_manager):
    """With the hybrid KV-cache manager off (--disable-hybrid-kv-cache-manager, or a KV connector
    without hybrid support), sliding and chunked layers are charged as full attention
    (unify_hybrid_kv_cache_specs); state layers keep their own kind."""
    if hybrid_manager:
        return tuple(layer_groups)
    states = [g for g in layer_groups if isinstance(g, StateLayers)]
    attention = [g for g in layer_groups if not isinstance(g, StateLayers)]
    full = [g for g in attention if isinstance(g, MLALatentLayers)] or (
        [FullAttentionLayers(sum(g.count for g in attention))] if attention else [])
    return tuple(full + states)


def vllm_groups(layer_groups, hybrid_manager):
    """The layer kinds as vLLM groups them: (group size g, the kinds with padded counts)."""
    layer_groups = unified_groups(layer_groups, hybrid_manager)
    counts = [g.count for g in layer_groups]
    size = min(counts)
    if max(counts) < size * Fraction(3, 2):
        size = max(counts)
    charged = tuple(_replace(g, count=cdiv(g.count, size) * size) for g in layer_groups)
    return size, charged


def vllm_stages(model, stages, group_size, hybrid_manager, page_gpu):
    """Each pipeline stage's share of vLLM's groups. The i-th of a kind's n groups takes every
    layer of that kind whose rank is i modulo cdiv(n, g) (_get_kv_cache_groups_uniform_page_size:
    layers[i::num_groups], so that groups spread over the stages); a stage's block spans the
    most layers any one group has on it."""
    unified = {g.kind: (g.kind if hybrid_manager or isinstance(g, (StateLayers, MLALatentLayers))
                        else FullAttentionLayers.kind) for g in model.layer_groups}
    parts = [tuple(unified[part] for part in kind_parts(kind)) for kind in model.layer_kinds]
    totals = {}
    for kind in (kind for layer in parts for kind in layer):
        totals[kind] = totals.get(kind, 0) + 1
    seen, group_of = {}, []
    for layer in parts:
        groups = []
        for kind in layer:
            groups.append((kind, seen.get(kind, 0) % cdiv(totals[kind], group_size)))
            seen[kind] = seen.get(kind, 0) + 1
        group_of.append(groups)
    result = []
    for first, end in stages:
        counts = {}
        for group in (group for layer in group_of[first:end] for group in layer):
            counts[group] = counts.get(group, 0) + 1
        checked = unified_groups(model.groups_for_layers(first, end), hybrid_manager)
        result.append(VllmStage(max(counts.values()) * page_gpu, checked))
    return tuple(result)


def model_stages(model, layout):
    """The layers of each pipeline stage; a drafter's layers (appended last) run on the last stage."""
    stages = list(layout.stages)
    first, _ = stages[-1]
    stages[-1] = (first, max(len(model.layer_kinds), stages[-1][1]))
    return tuple(stages)


@dataclass(frozen=True)
class TokenStage:
    """One pipeline stage's bytes per token on one GPU: its full-context layers, and its windowed
    (sliding or chunked) layers, which SGLang keeps in a pool of their own."""
    full_token_bytes_gpu: Fraction
    window_token_bytes_gpu: Fraction


@dataclass(frozen=True)
class TokenPool:
    """SGLang's and TensorRT-LLM's KV pools: tokens of every layer of a GPU at once.

    SGLang (python/sglang/srt/model_executor/model_runner_kv_cache_mixin.py, profile_max_num_token
    and init_memory): max_total_num_tokens = int(KV memory) // cell_size, where cell_size is one
    token over every layer of the GPU, aligned down to whole pages. A model with sliding or chunked
    layers (hybrid SWA) splits that memory so the SWA pool has swa_full_tokens_ratio x the full
    pool's tokens (set_num_tokens_hybrid_swa); a request keeps its context in the full pool and at
    most its window in the SWA pool, since SGLang frees the tokens that leave the window.
    TensorRT-LLM (tensorrt_llm/_torch/pyexecutor/resource_manager.py, KVCacheManager): max_tokens =
    KV memory / bytes per token of every layer, blocks = ceil(max_tokens / tokens_per_block)
    (calculate_max_num_blocks); every layer keeps max_seq_len tokens unless
    kv_cache_config.max_attention_window is set, and a request needs cdiv(tokens, tokens_per_block)
    blocks (get_num_kv_blocks).
    """
    engine: str
    page_tokens: int              # SGLang page_size, TensorRT-LLM tokens_per_block
    request_full_tokens: int      # a request's tokens in the full pool, whole pages
    request_window_tokens: int    # its tokens in SGLang's SWA pool, whole pages (0: no such pool)
    window_ratio: Fraction        # SGLang swa_full_tokens_ratio
    stages: tuple                 # TokenStage per pipeline stage

    def capacity(self, bytes_per_gpu, stage):
        """(full pool tokens, SWA pool tokens) on one GPU of `stage`."""
        if bytes_per_gpu <= 0:
            return 0, 0
        page = self.page_tokens
        if self.engine == Basis.TRTLLM:
            return cdiv(Fraction(bytes_per_gpu) / stage.full_token_bytes_gpu, page) * page, 0
        full_bytes, window_bytes = stage.full_token_bytes_gpu, stage.window_token_bytes_gpu
        total = int(int(bytes_per_gpu) // (full_bytes + window_bytes))
        if not window_bytes:
            return total // page * page, 0
        if not full_bytes:
            return 0, total // page * page
        full = int(total * (full_bytes + window_bytes) / (full_bytes + self.window_ratio * window_bytes))
        return full // page * page, int(full * self.window_ratio) // page * page

    def stage_sessions(self, bytes_per_gpu, stage):
        full, window = self.capacity(bytes_per_gpu, stage)
        limits = []
        if stage.full_token_bytes_gpu:
            limits.append(full // self.request_full_tokens)
        if stage.window_token_bytes_gpu:
            limits.append(window // self.request_window_tokens)
        return min(limits)

    def tightest(self, bytes_per_gpu):
        """The stage that admits the fewest sessions."""
        return min(self.stages, key=lambda stage: self.stage_sessions(bytes_per_gpu, stage))

    def sessions(self, bytes_per_gpu):
        return self.stage_sessions(bytes_per_gpu, self.tightest(bytes_per_gpu))


def token_pool(engine, model, groups_by_stage, context_tokens, page, precision, tensor_parallel, ratio):
    """The pool of `engine` (SGLang or TensorRT-LLM) for one instance."""
    elements = [g for g in model.layer_groups if not isinstance(g, StateLayers)][0].elements(model, tensor_parallel)
    token_layer_bytes = Fraction(elements.kv_factor * elements.elements_per_token * KV_PRECISIONS[precision],
                                 tensor_parallel)
    windows = engine == Basis.SGLANG
    stages = tuple(TokenStage(
        sum(g.count for g in groups if not (windows and g.local_span)) * token_layer_bytes,
        sum(g.count for g in groups if windows and g.local_span) * token_layer_bytes) for groups in groups_by_stage)
    spans = [g.local_span for g in model.layer_groups if windows and g.local_span]
    window_tokens = cdiv(min(max(spans), context_tokens), page) * page if spans else 0
    return TokenPool(engine, page, cdiv(context_tokens, page) * page, window_tokens, ratio, stages)


@dataclass(frozen=True)
class KvPerSession:
    """KV bytes of one session on one instance, under one accounting basis."""
    bytes: int
    gib: Fraction
    figures: tuple
    pool: object = None         # VllmPool, for the vllm basis


def kv_per_session(model, context_tokens, precision, tensor_parallel, accounting, block_size,
                   max_num_batched_tokens, groups=None, hybrid_manager=True, in_flight_tokens=None,
                   requested_block_size=None, stages=None, window_ratio=None):
    """The KV of one session on one instance (or on the layers `groups` of one pipeline stage);
    `stages`, the (first, end) layers of each pipeline stage, shape vLLM's pool per stage."""
    groups = model.layer_groups if groups is None else groups
    bytes_per_element = KV_PRECISIONS[precision]
    # Every attention group of a model stores the same elements per token (MLA never mixes with
    # others); state layers (Mamba, linear attention) keep a constant state instead.
    attention = [g for g in groups if not isinstance(g, StateLayers)]
    elements = (attention or model.layer_groups)[0].elements(model, tensor_parallel)
    state_terms, state_bytes = [], 0
    pool = None
    in_flight_tokens = max_num_batched_tokens if in_flight_tokens is None else in_flight_tokens
    layers = sum(g.count for g in groups)
    original_groups = groups
    if accounting == Basis.VLLM:
        group_size, groups = vllm_groups(groups, hybrid_manager)
    terms, tokens_total, blocks_per_request = [], 0, 0
    for group in groups:
        if accounting == Basis.SPEC and isinstance(group, StateLayers):
            # The whole state of every layer, on every GPU of the instance.
            layer_bytes = group.state_bytes_gpu(tensor_parallel) * tensor_parallel
            state_bytes += group.count * layer_bytes
            state_terms.append("%d × %d" % (group.count, layer_bytes))
            continue
        if accounting == Basis.SPEC:
            tokens = group.spec_tokens(context_tokens)
            terms.append("%d × %s" % (group.count, group.spec_term(context_tokens)))
        elif accounting in Basis.TOKEN_POOLS:
            # SGLang keeps a windowed layer's window; TensorRT-LLM keeps max_seq_len in every layer.
            span = group.local_span if accounting == Basis.SGLANG else None
            held = "%d" % context_tokens if span is None else "min(%d, %d)" % (span, context_tokens)
            tokens = cdiv(context_tokens if span is None else min(span, context_tokens), block_size) * block_size
            terms.append("%d × %s" % (group.count, held if block_size == 1 else "cdiv(%s, %d) × %d" % (
                held, block_size, block_size)))
        else:
            blocks = group.vllm_blocks(context_tokens, block_size, in_flight_tokens)
            blocks_per_request += blocks * group.count // group_size
            tokens = blocks * block_size
            terms.append("%d × %s × %d" % (group.count, group.vllm_term(
                context_tokens, block_size, in_flight_tokens), block_size))
        tokens_total += group.count * tokens
    if accounting == Basis.VLLM:
        page_gpu = Fraction(elements.kv_factor * block_size * elements.elements_per_token * bytes_per_element,
                            tensor_parallel)
        if stages is None or len(stages) == 1:
            pool_stages = (VllmStage(group_size * page_gpu, tuple(original_groups if hybrid_manager else groups)),)
        else:
            pool_stages = vllm_stages(model, stages, group_size, hybrid_manager, page_gpu)
        pool = VllmPool(group_size, groups, sum(g.count for g in groups) - layers, blocks_per_request,
                        context_tokens, block_size, page_gpu, in_flight_tokens, pool_stages)
    elif accounting in Basis.TOKEN_POOLS:
        by_stage = ((groups,) if stages is None or len(stages) == 1
                    else tuple(model.groups_for_layers(first, end) for first, end in stages))
        pool = token_pool(accounting, model, by_stage, context_tokens, block_size, precision, tensor_parallel,
                          window_ratio)
    kv_bytes = int(cdiv(elements.kv_factor * tokens_total * elements.elements_per_token * bytes_per_element
                        + state_bytes, 1))
    kv_gib = Fraction(kv_bytes, GIB_BYTES)
    inputs = {"model": model.name, "num_hidden_layers": model.num_hidden_layers,
              "layer_groups": Join(tuple(g.describe() for g in groups)),
              "effective_context": context_tokens, "kv_precision": precision,
              "bytes_per_element": bytes_per_element, "tensor_parallel": tensor_parallel,
              "kv_accounting": accounting}
    if elements.kv_heads_per_gpu is not None:
        inputs.update(num_key_value_heads=model.num_key_value_heads, kv_heads_per_gpu=elements.kv_heads_per_gpu,
                      head_dim=model.head_dim)
    else:
        inputs["mla_latent_dim"] = model.mla_latent_dim
    if accounting in Basis.TOKEN_POOLS:
        inputs[ENGINE_PAGE_OPTIONS[accounting]] = block_size
        if accounting == Basis.SGLANG and pool.request_window_tokens:
            inputs["swa_full_tokens_ratio"] = window_ratio
    if accounting == Basis.VLLM:
        inputs.update(block_size=block_size, max_num_batched_tokens=max_num_batched_tokens,
                      max_in_flight_tokens=in_flight_tokens,
                      kv_cache_group_size=pool.group_size, padding_layers=pool.padding_layers,
                      blocks_per_request=pool.blocks_per_request)
    states = [g for g in groups if isinstance(g, StateLayers)]
    if states:
        inputs.update(state_bytes_per_layer_gpu=Join(tuple("%s %d" % (g.short, g.state_bytes_gpu(tensor_parallel))
                                                         for g in states)),
                      conv_state_bytes_per_element=states[0].conv_bytes,
                      ssm_state_bytes_per_element=states[0].ssm_bytes)
    explanation = _kv_explanation(model, elements, tensor_parallel, accounting, kv_gib)
    if accounting == Basis.VLLM and requested_block_size is not None and block_size != requested_block_size:
        inputs["requested_block_size"] = requested_block_size
        explanation.insert(-1, T("expl.kv_block_aligned", requested=requested_block_size, block=block_size,
                                 state_page=max(g.state_bytes_gpu(tensor_parallel) for g in states)))
    if accounting == Basis.VLLM and states:
        explanation.insert(-1, T("expl.kv_state_blocks", blocks=states[0].state_blocks))
    suffix = "" if accounting == Basis.SPEC else " (%s)" % ENGINE_NAMES[accounting]
    formula = T("formula.kv_bytes_state" if state_terms else "formula.kv_bytes",
                factor="2 × " if elements.kv_factor == 2 else "",
                terms=Join(tuple(terms), " + "), elements=elements.elements_term,
                bytes_per_element=bytes_per_element, kv_bytes=kv_bytes, state=Join(tuple(state_terms), " + "))
    figures = (
        figure("kv_per_session_bytes", kv_bytes, Unit.BYTES, formula, inputs,
               explanation,
               T("label.kv_per_session_bytes", suffix=suffix)),
        figure("kv_per_session_gib", kv_gib, Unit.GIB,
               T("formula.kv_gib", kv_bytes=kv_bytes, gib_bytes=GIB_BYTES, kv_gib=kv_gib),
               {"kv_per_session_bytes": kv_bytes}, T("expl.kv_gib", kv_gib=kv_gib),
               T("label.kv_per_session_gib", suffix=suffix)),
    )
    return KvPerSession(kv_bytes, kv_gib, figures, pool)


def _kv_explanation(model, elements, tensor_parallel, accounting, kv_gib):
    if elements.kv_heads_per_gpu is not None:
        parts = [T("expl.kv_factor_two", heads=elements.kv_heads_per_gpu * tensor_parallel,
                   head_dim=model.head_dim)]
    else:
        parts = [T("expl.kv_mla", latent=model.mla_latent_dim, tensor_parallel=tensor_parallel)]
    parts.append(T("expl.kv_kinds"))
    if elements.kv_heads_per_gpu is not None and model.num_key_value_heads < tensor_parallel:
        parts.append(T("expl.kv_replicated", tensor_parallel=tensor_parallel, kv_heads=model.num_key_value_heads,
                       per_gpu=elements.kv_heads_per_gpu))
    if any(isinstance(g, StateLayers) for g in model.layer_groups):
        parts.append(T("expl.kv_state"))
    if accounting != Basis.SPEC:
        parts.append(T("expl.kv_" + accounting))
    parts.extend(T("expl.rule", rule=rule) for rule in model.derivation)
    parts.append(T("expl.kv_total", kv_gib=kv_gib))
    return parts


def hbm_total_figure(server):
    hbm_gib = server.total_hbm_gb * GB_BYTES / GIB_BYTES
    return figure("hbm_total_gib", hbm_gib, Unit.GIB,
                  T("formula.hbm_total", total_hbm_gb=server.total_hbm_gb, hbm_gib=hbm_gib),
                  {"server": server.name, "gpus": server.gpus, "hbm_per_gpu_gb": server.hbm_per_gpu_gb,
                   "total_hbm_gb": server.total_hbm_gb},
                  T("expl.hbm_total", total_hbm_gb=server.total_hbm_gb, hbm_gib=hbm_gib))


def weights_for(model, requested):
    """One instance's weights: the checkpoint's bytes, or parameters x bytes per parameter.

    With --weight-precision, the linear layers (projections, MLPs, experts) take that
    precision and the embeddings, LM head, norms and router keep the checkpoint's dtype,
    as vLLM's weight quantizations leave them. Without it, the checkpoint as published.
    """
    scheme = model.checkpoint_scheme or PrecisionScheme("bf16")
    if requested is None and model.weights_bytes is not None:
        formula = "formula.weights_index" if model.weights_bytes_source == "index" else "formula.weights_checkpoint"
        return Weights(model.weights_bytes, T(formula, size=model.weights_bytes), scheme.linear,
                       *_edge_bytes(model, scheme))
    if requested is not None and model.parameters is not None:
        scheme = PrecisionScheme(requested, scheme.base)
    elif model.total_parameters is not None:
        precision = requested or scheme.linear
        per_param = WEIGHT_PRECISIONS[precision]
        size = int(cdiv(model.total_parameters * per_param, 1))
        return Weights(size, T("formula.weights_parameters", precision=precision, params=model.total_parameters,
                               per_param=per_param, size=size), precision, *_edge_bytes(model, scheme))
    if model.parameters is None:
        return None
    parameters = model.parameters
    linear = parameters.linear - (parameters.attention if scheme.attention_kept else 0)
    other = parameters.total - linear
    linear_bytes = WEIGHT_PRECISIONS[scheme.linear] + scheme.scale_bytes
    base_bytes = WEIGHT_PRECISIONS[scheme.base]
    size = int(cdiv(linear * linear_bytes + other * base_bytes, 1))
    return Weights(size, T("formula.weights_split", linear_precision=scheme.linear, base_precision=scheme.base,
                           linear=linear, linear_bytes=linear_bytes, other=other, base_bytes=base_bytes,
                           size=size), scheme.linear, *_edge_bytes(model, scheme))


def _edge_bytes(model, scheme):
    """Bytes of the input embedding and of the LM head (pipeline stages hold them apart)."""
    if model.parameters is None:
        return 0, 0
    base = WEIGHT_PRECISIONS[scheme.base]
    return int(model.parameters.embedding * base), int(model.parameters.lm_head * base)


@dataclass(frozen=True)
class Layout:
    """How the node's GPUs are split into model instances."""
    tensor_parallel: int
    pipeline_parallel: int
    instances_per_node: int     # whole instances in one node (1 when an instance spans nodes)
    nodes_per_instance: int     # 1 unless an instance spans nodes
    stages: tuple               # (first layer, end layer) of each pipeline stage
    node_gpus: int
    data_parallel_attention: bool = False

    @property
    def gpus_per_instance(self):
        return self.tensor_parallel * self.pipeline_parallel

    @property
    def spans_nodes(self):
        return self.nodes_per_instance > 1

    @property
    def attention_groups(self):
        """Sessions are kept per GPU with data-parallel attention, per instance otherwise."""
        return self.tensor_parallel if self.data_parallel_attention else 1


def pipeline_stages(layers, stages):
    """Consecutive layers per stage, as vLLM's get_pp_indices (vllm/distributed/utils.py)
    splits them: floor(L / PP) each, and the remainder one each to the stages just before
    the last (27 layers over 2 stages: 14 + 13; 62 over 4: 15 + 16 + 16 + 15)."""
    sizes = [layers // stages] * stages
    for index in range(2, layers % stages + 2):
        sizes[-index] += 1
    bounds, first = [], 0
    for size in sizes:
        bounds.append((first, first + size))
        first += size
    return tuple(bounds)


def layout_for(options, server, model):
    tensor_parallel = options.tensor_parallel or server.gpus
    if server.gpus % tensor_parallel:
        raise InputError("err.tensor_parallel_divides", tensor_parallel=tensor_parallel, gpus=server.gpus,
                         server=server.name)
    stages = options.pipeline_parallel
    if stages > model.num_hidden_layers:
        raise InputError("err.pipeline_layers", stages=stages, layers=model.num_hidden_layers)
    if options.data_parallel_attention and model.mla_latent_dim is None:
        raise InputError("err.dp_attention_mla", model=model.name)
    gpus = tensor_parallel * stages
    if gpus <= server.gpus and server.gpus % gpus == 0:
        per_node, nodes = server.gpus // gpus, 1
    elif gpus > server.gpus and gpus % server.gpus == 0:
        per_node, nodes = 1, gpus // server.gpus
    else:
        raise InputError("err.pipeline_fit", tensor_parallel=tensor_parallel, stages=stages, gpus=gpus,
                         node_gpus=server.gpus, server=server.name)
    return Layout(tensor_parallel, stages, per_node, nodes, pipeline_stages(model.num_hidden_layers, stages),
                  server.gpus, options.data_parallel_attention)


def stage_weights_bytes(model, weights, layout):
    """Weights each stage holds: its share of the layers, the embedding on the first and
    the LM head on the last."""
    layers_bytes = weights.weights_bytes - weights.embedding_bytes - weights.lm_head_bytes
    last = len(layout.stages) - 1
    return tuple(Fraction(layers_bytes * (end - first), model.num_hidden_layers)
                 + (weights.embedding_bytes if index == 0 else 0) + (weights.lm_head_bytes if index == last else 0)
                 for index, (first, end) in enumerate(layout.stages))


def weights_figures(model, layout):
    if model.weights is None:
        return ()
    per_instance = model.weights.weights_bytes
    per_instance_gib = Fraction(per_instance, GIB_BYTES)
    figures = [figure("weights_per_instance_gib", per_instance_gib, Unit.GIB,
                      T("formula.weights_per_instance", weights=model.weights.formula, gib=per_instance_gib),
                      {"model": model.name, "weights_bytes": per_instance}, T("expl.weights_per_instance"))]
    if layout.spans_nodes:
        per_node_gib = per_instance_gib / layout.nodes_per_instance
        figures.append(figure(
            "weights_per_node_gib", per_node_gib, Unit.GIB,
            T("formula.weights_per_node_spanning", nodes=layout.nodes_per_instance, per_instance_gib=per_instance_gib,
              per_node_gib=per_node_gib),
            {"nodes_per_instance": layout.nodes_per_instance, "weights_per_instance_bytes": per_instance},
            T("expl.weights_per_node_spanning", nodes=layout.nodes_per_instance)))
    else:
        per_node_gib = per_instance_gib * layout.instances_per_node
        figures.append(figure(
            "weights_per_node_gib", per_node_gib, Unit.GIB,
            T("formula.weights_per_node", instances=layout.instances_per_node, per_instance_gib=per_instance_gib,
              per_node_gib=per_node_gib),
            {"instances_per_node": layout.instances_per_node, "weights_per_instance_bytes": per_instance},
            T("expl.weights_per_node")))
    return tuple(figures)


# `--runtime-overhead-gib auto`: per GPU, what vLLM's startup profile takes besides the
# weights. The activation peak of a forward pass over max_num_batched_tokens tokens
# (the residual stream and its temporaries, 4 x hidden, and the MLP's gate, up and
# activation, 3 x intermediate / TP, in bf16) plus the sampler's fp32 logits and their
# softmax for max_num_seqs rows; and a fixed allowance for the CUDA context, NCCL
# buffers and CUDA graphs. Checked against vLLM's own profile of Meta-Llama-3-8B on
# an H100 (vLLM PR #10511: activation peak 1.26 GiB; non-torch memory 1.79 GiB at TP 1,
# 3.58 GiB at TP 2): this formula gives 1.15 + 2 GiB at max_num_seqs 256.
FIXED_ALLOWANCE_GIB_PER_GPU = Fraction(2)
ACTIVATION_BYTES = 2        # bf16 activations
LOGIT_BYTES = 8             # fp32 logits and their softmax


def activation_gib_per_gpu(model, layout, options):
    """The activation peak of one step, per GPU (0 when the model lacks the sizes it needs)."""
    if None in (model.hidden_size, model.intermediate_size, model.vocab_size):
        return Fraction(0)
    return Fraction(options.max_num_batched_tokens
                    * (4 * model.hidden_size + Fraction(3 * model.intermediate_size, layout.tensor_parallel))
                    * ACTIVATION_BYTES + options.max_num_seqs * model.vocab_size * LOGIT_BYTES, GIB_BYTES)


def overhead_figure(model, server, layout, options, weights_per_node_gib):
    """The runtime overhead per node: the user's figure, or `auto` from the weights and the allowance."""
    if not options.runtime_overhead_auto:
        return None
    activation = activation_gib_per_gpu(model, layout, options)
    weights_gib = weights_per_node_gib or Fraction(0)
    overhead = weights_gib + server.gpus * (activation + FIXED_ALLOWANCE_GIB_PER_GPU)
    return figure("runtime_overhead_gib", overhead, Unit.GIB,
                  T("formula.overhead_auto", weights_gib=weights_gib, gpus=server.gpus, activation_gib=activation,
                    fixed_gib=FIXED_ALLOWANCE_GIB_PER_GPU, overhead_gib=overhead),
                  {"weights_per_node_gib": weights_gib, "gpus": server.gpus,
                   "max_num_batched_tokens": options.max_num_batched_tokens, "max_num_seqs": options.max_num_seqs,
                   "hidden_size": model.hidden_size, "intermediate_size": model.intermediate_size,
                   "vocab_size": model.vocab_size, "tensor_parallel": layout.tensor_parallel},
                  (T("expl.overhead_auto"),) + (() if activation else (T("expl.overhead_no_activation"),)))


@dataclass(frozen=True)
class ScenarioParameters:
    peak_headroom_ratio: Fraction
    ha_extra_nodes: int
    kv_budget_ratio: Fraction


def scenario_parameters(scenario, options):
    headroom = options.peak_headroom_ratio if scenario.use_headroom else Fraction(0)
    if scenario.headroom_floor is not None:
        headroom = max(headroom, scenario.headroom_floor)
    ratio = options.kv_budget_ratio
    if scenario.budget_cap is not None:
        ratio = min(ratio, scenario.budget_cap)
    return ScenarioParameters(headroom, scenario.ha_extra_nodes, ratio)


@dataclass(frozen=True)
class Capacity:
    """Sessions one node holds in a scenario, and what limits them."""
    sessions: int               # per node, after every bound
    per_instance: int
    capped: bool                # max_num_seqs binds (vllm basis)
    memory_by_basis: tuple      # ((basis, sessions per node by memory), ...)
    bounds: tuple               # Bound codes that set the count
    vllm_refusal: object = None # (needed, available, estimated max_model_len) when vLLM would not start
    memory_per_instance: int = 0    # sessions memory alone admits per instance (latency targets aside)

    def memory_sessions(self, basis):
        return dict(self.memory_by_basis)[basis]

    @property
    def limit(self):
        """The one bound the summary names."""
        if self.vllm_refusal is not None:
            return Bound.VLLM_WOULD_NOT_START
        if self.bounds != (Bound.MEMORY,):
            return self.bounds[0]
        return Bound.MAX_NUM_SEQS if self.capped else Bound.MEMORY

    @property
    def feasible(self):
        return self.sessions > 0 and self.limit not in BLOCKERS


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    parameters: ScenarioParameters
    figures: tuple
    capacity: Capacity
    demand_bound: object = None     # Bound.PREFILL or DECODE when the traffic, not memory, sets the nodes

    def value(self, key):
        return find(self.figures, key)

    @property
    def limit(self):
        """What sets this scenario's node count (the summary's and JSON's `limit`)."""
        return self.demand_bound or self.capacity.limit

    @property
    def nodes_final(self):
        return self.value("nodes_final")


def sessions_per_instance(stage_budget_bytes, stage_kv_bytes, layout, cap):
    """Whole sessions one instance admits: its tightest stage decides (each stage holds its
    own layers' KV); with data-parallel attention each GPU keeps its own sessions."""
    if stage_budget_bytes <= 0:
        return 0, False
    groups = layout.attention_groups
    per_instance = min(groups * int((stage_budget_bytes / groups) // kv) for kv in stage_kv_bytes)
    capped = cap is not None and per_instance > cap
    return (cap if capped else per_instance), capped


def engine_memory_figure(model, server, layout, options):
    """The KV memory the engine gets per node, when the planner gives the engine's own figures:
    --kv-cache-memory-bytes per GPU as it is (vLLM ignores gpu_memory_utilization then), or
    --gpu-memory-utilization x the CUDA-visible bytes, less the heaviest stage's weights per GPU,
    the activation peak and the fixed allowance of `auto` (vLLM's startup profile)."""
    gpus = server.gpus
    if options.kv_cache_memory_bytes is not None:
        per_gpu = Fraction(options.kv_cache_memory_bytes)
        return figure("kv_cache_memory_gib", per_gpu * gpus / GIB_BYTES, Unit.GIB,
                      T("formula.kv_cache_memory_bytes", per_gpu=per_gpu, gpus=gpus, gib=per_gpu * gpus / GIB_BYTES),
                      {"kv_cache_memory_bytes": options.kv_cache_memory_bytes, "gpus": gpus},
                      T("expl.kv_cache_memory_bytes"))
    if options.gpu_memory_utilization is None:
        return None
    visible = server.cuda_visible_bytes_per_gpu
    note = ()
    if visible is None:
        visible = server.hbm_per_gpu_gb * GB_BYTES
        note = (T("expl.engine_memory_marketing"),)
    weights = (max(stage_weights_bytes(model, model.weights, layout)) / layout.tensor_parallel
               if model.weights is not None else Fraction(0))
    allowance = activation_gib_per_gpu(model, layout, options) * GIB_BYTES + FIXED_ALLOWANCE_GIB_PER_GPU * GIB_BYTES
    usable = options.gpu_memory_utilization * visible
    per_gpu = usable - weights - allowance
    formula = (T("formula.engine_memory", utilization=options.gpu_memory_utilization, visible=visible,
                 weights=weights, allowance=allowance, gpus=gpus, gib=per_gpu * gpus / GIB_BYTES) if per_gpu > 0 else
               T("formula.engine_memory_none", utilization=options.gpu_memory_utilization, visible=visible,
                 weights=weights, allowance=allowance))
    return figure("kv_cache_memory_gib", per_gpu * gpus / GIB_BYTES if per_gpu > 0 else None, Unit.GIB, formula,
                  {"gpu_memory_utilization": options.gpu_memory_utilization, "cuda_visible_bytes_per_gpu": visible,
                   "usable_bytes_per_gpu": usable, "weights_bytes_per_gpu": weights,
                   "activation_and_fixed_bytes_per_gpu": allowance, "gpus": gpus},
                  (T("expl.engine_memory"),) + note, absent=T("value.infeasible"))


def calibration_figures(model, options, tensor_parallel, block_size, in_flight, release, layout, server):
    """The KV memory per GPU a real deployment had, from its vLLM log, and the check of that log
    against this model's rules. The memory comes from the most exact line the log has: "# GPU
    blocks" (older releases), "GPU KV cache size" when the pool has one kind of layer (then
    tokens / block size are its blocks), else "Available KV cache memory" (GiB to 2 decimals)."""
    log = options.calibration
    log_context = log.get("max_model_len") or log.get("concurrency_tokens") or options.effective_context
    if log.get("engine") is not None:
        return token_pool_calibration(model, options, tensor_parallel, log, log_context, server)
    pool = kv_per_session(model, log_context, options.kv_precision, tensor_parallel, Basis.VLLM, block_size,
                          options.max_num_batched_tokens, hybrid_manager=not options.disable_hybrid_kv_cache_manager,
                          in_flight_tokens=in_flight, stages=model_stages(model, layout)).pool
    exact = not layout.data_parallel_attention
    single_kind = len(pool.charged) == 1
    if exact and log.get("gpu_blocks") is not None:
        source, blocks = "gpu_blocks", log.get("gpu_blocks")
        per_gpu = blocks * pool.bytes_per_block_gpu
        formula = T("formula.calibrated_blocks", blocks=blocks, per_block=pool.bytes_per_block_gpu, bytes=per_gpu)
    elif exact and single_kind and log.get("kv_cache_tokens") is not None:
        source, blocks = "kv_cache_tokens", log.get("kv_cache_tokens") // block_size
        per_gpu = blocks * pool.bytes_per_block_gpu
        formula = T("formula.calibrated_tokens", tokens=log.get("kv_cache_tokens"), block_size=block_size,
                    per_block=pool.bytes_per_block_gpu, bytes=per_gpu)
    else:
        if log.get("available_kv_gib") is None:
            raise InputError("err.log_no_kv", path=log.path)
        source = "available_kv_gib"
        per_gpu = log.get("available_kv_gib") * GIB_BYTES
        formula = T("formula.calibrated_gib", gib=log.get("available_kv_gib"), bytes=per_gpu)
    if per_gpu <= 0:
        raise InputError("err.log_zero_kv", path=log.path, line=log.line(source))
    gpus = server.gpus
    memory = figure("kv_cache_memory_gib", per_gpu * gpus / GIB_BYTES, Unit.GIB,
                    T("formula.calibrated_memory", derivation=formula, gpus=gpus, gib=per_gpu * gpus / GIB_BYTES),
                    {"calibrate_from": log.path, "log_line": log.line(source), "kv_cache_memory_bytes_per_gpu": per_gpu,
                     "gpus": gpus},
                    T("expl.calibrated_memory", line=log.line(source)))
    figures = [memory]
    available = log.get("available_kv_gib")
    if source != "available_kv_gib" and available is not None:
        # The log's own memory line, against the memory its blocks take under these rules.
        gap = per_gpu / (available * GIB_BYTES) - 1
        figures.append(figure(
            "calibration_memory_gap_percent", gap * 100, Unit.PERCENT,
            T("formula.calibration_memory_gap", ours=per_gpu / GIB_BYTES, logged=available, gap=gap * 100),
            {"log_line": log.line("available_kv_gib"), "kv_cache_memory_bytes_per_gpu": per_gpu},
            T("expl.calibration_memory_gap")))
    logged = log.get("max_concurrency")
    if logged is not None:
        blocks = pool.blocks(per_gpu)
        if release.tokens_concurrency:
            ours = Fraction(blocks * block_size, log_context)
        else:
            ours = Fraction(blocks, pool.blocks_per_request)
        gap = ours / logged - 1
        figures.append(figure(
            "calibration_concurrency_gap_percent", gap * 100, Unit.PERCENT,
            T("formula.calibration_gap", ours=ours, logged=logged, gap=gap * 100),
            {"log_line": log.line("max_concurrency"), "gpu_blocks": blocks,
             "blocks_per_request": pool.blocks_per_request, "max_model_len": log_context},
            T("expl.calibration_gap")))
    return tuple(figures)


def token_pool_calibration(model, options, tensor_parallel, log, context_tokens, server):
    """The KV memory per GPU of an SGLang or TensorRT-LLM deployment, from its pool: the tokens (or
    blocks) its log prints x the bytes of one token of every layer under this model's rules; and the
    check of the log's own memory line against it."""
    engine = log.get("engine")
    page = engine_page_tokens(engine, options, options.block_size)
    pool = kv_per_session(model, context_tokens, options.kv_precision, tensor_parallel, engine, page,
                          options.max_num_batched_tokens, window_ratio=options.swa_full_tokens_ratio).pool
    stage = pool.stages[0]
    if engine == Basis.TRTLLM and log.get("gpu_blocks") is not None:
        source, tokens = "gpu_blocks", log.get("gpu_blocks") * page
    elif log.get("full_tokens") is not None:
        source, tokens = "full_tokens", log.get("full_tokens")
    else:
        source, tokens = "kv_cache_tokens", log.get("kv_cache_tokens")
    if engine == Basis.SGLANG and stage.window_token_bytes_gpu and log.get("swa_tokens") is not None:
        # The two pools: full tokens x the full layers' bytes, SWA tokens x the windowed layers'.
        per_gpu = tokens * stage.full_token_bytes_gpu + log.get("swa_tokens") * stage.window_token_bytes_gpu
        formula = T("formula.calibrated_swa_pools", full=tokens, full_bytes=stage.full_token_bytes_gpu,
                    swa=log.get("swa_tokens"), swa_bytes=stage.window_token_bytes_gpu, bytes=per_gpu)
    else:
        cell = stage.full_token_bytes_gpu + stage.window_token_bytes_gpu
        per_gpu = tokens * cell
        formula = T("formula.calibrated_pool", tokens=tokens, cell=cell, bytes=per_gpu)
    gpus = server.gpus
    figures = [figure("kv_cache_memory_gib", per_gpu * gpus / GIB_BYTES, Unit.GIB,
                      T("formula.calibrated_memory", derivation=formula, gpus=gpus, gib=per_gpu * gpus / GIB_BYTES),
                      {"calibrate_from": log.path, "log_line": log.line(source), "kv_cache_memory_bytes_per_gpu": per_gpu,
                       "gpus": gpus, "engine": ENGINE_NAMES[engine]},
                      T("expl.calibrated_memory", line=log.line(source)))]
    logged = (log.get("k_gib") + log.get("v_gib") if None not in (log.get("k_gib"), log.get("v_gib"))
              and not stage.window_token_bytes_gpu else log.get("allocated_kv_gib"))
    line = log.line("k_gib") if engine == Basis.SGLANG else log.line("allocated_kv_gib")
    if logged is not None:
        gap = per_gpu / (logged * GIB_BYTES) - 1
        figures.append(figure(
            "calibration_memory_gap_percent", gap * 100, Unit.PERCENT,
            T("formula.calibration_pool_gap", ours=per_gpu / GIB_BYTES, logged=logged, gap=gap * 100),
            {"log_line": line, "kv_cache_memory_bytes_per_gpu": per_gpu}, T("expl.calibration_pool_gap")))
    return tuple(figures)


def budget_figure(params, overhead_gib, hbm_gib, engine_gib=None):
    if engine_gib is not None:
        value = engine_gib if engine_gib > 0 else None
        return figure("kv_budget_gib", value, Unit.GIB, T("formula.kv_budget_engine", engine_gib=engine_gib),
                      {"kv_cache_memory_gib": engine_gib}, T("expl.kv_budget_engine"),
                      absent=None if value is not None else T("value.infeasible"))
    ratio = params.kv_budget_ratio
    budget_gib = (hbm_gib - overhead_gib) * ratio
    inputs = {"hbm_total_gib": hbm_gib, "runtime_overhead_gib": overhead_gib, "kv_budget_ratio": ratio}
    if budget_gib <= 0:
        return figure("kv_budget_gib", None, Unit.GIB,
                      T("formula.kv_budget_none", hbm_gib=hbm_gib, overhead=overhead_gib), inputs,
                      T("expl.kv_budget_none"), absent=T("value.infeasible"))
    return figure("kv_budget_gib", budget_gib, Unit.GIB,
                  T("formula.kv_budget", hbm_gib=hbm_gib, overhead=overhead_gib, ratio=ratio, budget_gib=budget_gib),
                  inputs, T("expl.kv_budget", ratio=ratio))


def sessions_figures(options, budget_gib, kv_by_basis, stage_kv, basis, layout, latency, blocker):
    """Sessions per node (or per instance, when one spans nodes): memory under both bases,
    then the latency targets if any."""
    unit_key = "sessions_per_instance" if layout.spans_nodes else "sessions_per_node"
    if blocker is not None:
        return [figure(unit_key, None, Unit.SESSIONS, T("formula.infeasible", reason=T("limit." + blocker)),
                       {"capacity_basis": basis}, T("expl.infeasible"),
                       T("label." + unit_key, nodes=layout.nodes_per_instance), T("value.infeasible"))], \
            Capacity(0, 0, False, tuple((name, 0) for name in Basis.ALL), (blocker,))
    budget_bytes = (budget_gib or 0) * GIB_BYTES
    # The overhead is spread evenly over the node's GPUs, so a stage (TP GPUs) gets its share.
    stage_budget = budget_bytes * layout.tensor_parallel / layout.node_gpus
    per_unit = 1 if layout.spans_nodes else layout.instances_per_node
    counts = {}
    release = vllm_release(options)
    pool = kv_by_basis[Basis.VLLM].pool if pool_applies(kv_by_basis[Basis.VLLM].pool, layout) else None
    refusal = None
    engine_pool = token_pool_for(kv_by_basis.get(basis), layout)
    for name in kv_by_basis:
        if name == Basis.VLLM and pool is not None:
            per_instance, capped_name, refusal = pool_sessions(pool, stage_budget / layout.tensor_parallel, release,
                                                               options.max_num_seqs)
        elif name == basis and engine_pool is not None:
            per_instance, capped_name = engine_pool.sessions(stage_budget / layout.tensor_parallel), False
        else:
            per_instance, capped_name = sessions_per_instance(stage_budget, stage_kv[name], layout,
                                                               options.max_num_seqs if name == Basis.VLLM else None)
        counts[name] = (per_instance * per_unit, per_instance, capped_name)
    memory_sessions, memory_per_instance, capped = counts[basis]
    kv_gib = kv_by_basis[basis].gib
    caps = latency.caps_per_instance(kv_by_basis[basis].bytes, memory_per_instance)
    binding = tuple(name for name, cap in caps if cap < memory_per_instance)
    per_instance = min([memory_per_instance] + [cap for _, cap in caps])
    explanation = [T("expl.sessions")]
    if layout.instances_per_node > 1:
        explanation.append(T("expl.sessions_instances", instances=layout.instances_per_node))
    if layout.pipeline_parallel > 1:
        explanation.append(T("expl.sessions_stages", stages=layout.pipeline_parallel))
    if layout.data_parallel_attention:
        explanation.append(T("expl.sessions_dp_attention", gpus=layout.tensor_parallel))
    if capped:
        explanation.append(T("expl.sessions_capped", max_num_seqs=options.max_num_seqs))
    if basis == Basis.VLLM and pool is not None:
        blocks = pool.blocks(stage_budget / layout.tensor_parallel)
        expression = T("formula.sessions_pool_null" if release.null_block else "formula.sessions_pool",
                       instances=per_unit, blocks=blocks, per_request=pool.blocks_per_request)
    elif engine_pool is not None:
        per_gpu = stage_budget / layout.tensor_parallel
        stage = engine_pool.tightest(per_gpu)
        full, window = engine_pool.capacity(per_gpu, stage)
        terms = ((T("formula.token_pool_term", tokens=full, per_request=engine_pool.request_full_tokens),)
                 if stage.full_token_bytes_gpu else ()) + (
                (T("formula.token_pool_term", tokens=window, per_request=engine_pool.request_window_tokens),)
                if stage.window_token_bytes_gpu else ())
        expression = T("formula.sessions_token_pool", instances=per_unit, terms=Join(terms))
    elif layout.pipeline_parallel == 1 and not layout.data_parallel_attention:
        expression = (T("formula.sessions_one", budget_gib=budget_gib, kv_gib=kv_gib) if layout.instances_per_node == 1
                      else T("formula.sessions_many", instances=layout.instances_per_node, budget_gib=budget_gib,
                             kv_gib=kv_gib))
    else:
        term = "formula.stage_term_dp" if layout.data_parallel_attention else "formula.stage_term"
        expression = T("formula.sessions_stages", instances=per_unit, terms=Join(tuple(
            T(term, groups=layout.attention_groups, stage_gib=Fraction(stage_budget, GIB_BYTES),
              kv_gib=Fraction(kv, GIB_BYTES)) for kv in stage_kv[basis])))
    memory = figure(
        unit_key + "_memory" if caps else unit_key, memory_sessions, Unit.SESSIONS,
        T("formula.sessions", expression=expression,
          cap=T("formula.sessions_cap", max_num_seqs=options.max_num_seqs) if basis == Basis.VLLM else "",
          nonpositive=" (budget <= 0)" if budget_bytes <= 0 else "", sessions=memory_sessions),
        {"kv_budget_gib": budget_gib, "kv_per_session_gib": kv_gib, "instances_per_node": layout.instances_per_node,
         "capacity_basis": basis}, explanation,
        T("label.%s_memory" % unit_key, nodes=layout.nodes_per_instance) if caps
        else T("label." + unit_key, nodes=layout.nodes_per_instance))
    figures = ([memory] + list(vllm_pool_figures(kv_by_basis[basis].pool, budget_bytes, layout, options))
               + list(token_pool_figures(engine_pool, budget_bytes, layout)))
    bounds = (Bound.MEMORY,)
    if caps:
        bounds = tuple(BOUND_OF_TARGET[name] for name in binding) or bounds
        bound_text = bound_words(bounds)
        cap_terms = Join(tuple(T("formula.cap_value", name=name, value=cap) if cap < memory_per_instance
                               else T("formula.cap_free", name=name) for name, cap in caps))
        figures.append(figure(
            unit_key, per_instance * per_unit, Unit.SESSIONS,
            T("formula.sessions_latency", memory=memory_per_instance, caps=cap_terms, sessions=per_instance * per_unit),
            {unit_key + "_memory": memory_sessions, "instances_per_node": layout.instances_per_node,
             "tpot_slo_ms": options.tpot_slo_ms, "ttft_slo_ms": options.ttft_slo_ms, "binding_bound": bound_text},
            T("expl.sessions_latency", bound=bound_text), T("label." + unit_key, nodes=layout.nodes_per_instance)))
    other = other_basis(basis)
    figures.append(figure(
        unit_key + "_" + other, counts[other][0], Unit.SESSIONS,
        T("formula.sessions_other", basis=other, kv_gib=kv_by_basis[other].gib, sessions=counts[other][0]),
        {"kv_per_session_bytes": kv_by_basis[other].bytes, "capacity_basis": other},
        T("expl.sessions_other"), T("label.sessions_other_" + unit_key, basis=other)))
    capacity = Capacity(per_instance * per_unit, per_instance, capped,
                        tuple((name, counts[name][0]) for name in kv_by_basis), bounds,
                        refusal if basis == Basis.VLLM else None, memory_per_instance)
    return figures, capacity


def pool_applies(pool, layout):
    """vLLM's block pool is modeled per instance, stage by stage, with attention in TP."""
    return isinstance(pool, VllmPool) and not layout.data_parallel_attention


def token_pool_for(kv, layout):
    """SGLang's or TensorRT-LLM's pool when `kv` is on one of those bases and attention is in TP."""
    pool = None if kv is None else kv.pool
    return pool if isinstance(pool, TokenPool) and not layout.data_parallel_attention else None


def other_basis(basis):
    """The basis each report sets beside the one used: vLLM beside the guide's formula, and the
    guide's formula beside any engine."""
    return Basis.VLLM if basis == Basis.SPEC else Basis.SPEC


def token_pool_figures(pool, budget_bytes, layout):
    """What SGLang or TensorRT-LLM would size its pool to on the tightest stage's GPUs."""
    if pool is None or budget_bytes <= 0:
        return ()
    per_gpu = budget_bytes / layout.node_gpus
    stage = pool.tightest(per_gpu)
    full, window = pool.capacity(per_gpu, stage)
    name = ENGINE_NAMES[pool.engine]
    cell = stage.full_token_bytes_gpu + stage.window_token_bytes_gpu
    inputs = {"kv_budget_bytes_per_gpu": per_gpu, "bytes_per_token_gpu": cell,
              ENGINE_PAGE_OPTIONS[pool.engine]: pool.page_tokens}
    if pool.engine == Basis.TRTLLM:
        formula = T("formula.trtllm_tokens", per_gpu=per_gpu, cell=cell, page=pool.page_tokens, tokens=full)
    elif not stage.window_token_bytes_gpu or not stage.full_token_bytes_gpu:
        # One pool: all full layers, or all windowed ones (SGLang then has only its SWA pool).
        full = full or window
        formula = T("formula.sglang_tokens", per_gpu=per_gpu, cell=cell, page=pool.page_tokens, tokens=full)
    else:
        formula = T("formula.sglang_swa_tokens", per_gpu=per_gpu, cell=cell, full_bytes=stage.full_token_bytes_gpu,
                    window_bytes=stage.window_token_bytes_gpu, ratio=pool.window_ratio, page=pool.page_tokens,
                    tokens=full, window=window)
        inputs["swa_full_tokens_ratio"] = pool.window_ratio
    figures = [figure("engine_pool_tokens", full, Unit.TOKENS, formula, inputs, T("expl.pool_tokens_" + pool.engine),
                      T("label.engine_pool_tokens", engine=name))]
    if stage.window_token_bytes_gpu and stage.full_token_bytes_gpu:
        figures.append(figure("engine_swa_tokens", window, Unit.TOKENS,
                              T("formula.sglang_swa_pool", tokens=full, ratio=pool.window_ratio, page=pool.page_tokens,
                                window=window),
                              {"engine_pool_tokens": full, "swa_full_tokens_ratio": pool.window_ratio},
                              T("expl.sglang_swa_tokens", window_tokens=pool.request_window_tokens),
                              T("label.engine_swa_tokens", engine=name)))
    return tuple(figures)


def pool_sessions(pool, bytes_per_gpu, release, max_num_seqs):
    """Whole sessions the pool admits: (blocks - the null block, from 0.33) / blocks per request,
    or none when vLLM would refuse to start: it checks each stage in turn, and from 0.33 keeps
    that stage's null block out too."""
    blocks = pool.blocks(bytes_per_gpu)
    null = 1 if release.null_block else 0
    for stage in pool.stages:
        available = bytes_per_gpu - null * stage.bytes_per_block_gpu
        needed = pool.request_bytes_gpu(pool.context_tokens, stage)
        if release.refuses_long_requests and needed > available:
            estimate = pool.estimated_max_model_len(available, stage) if release.estimates_max_model_len else None
            return 0, False, (needed, available, estimate)
    per_instance = max(blocks - null, 0) // pool.blocks_per_request
    capped = per_instance > max_num_seqs
    return (max_num_seqs if capped else per_instance), capped, None


def vllm_pool_figures(pool, budget_bytes, layout, options):
    """What vLLM prints at startup for this budget: GPU blocks and maximum concurrency."""
    if not pool_applies(pool, layout) or budget_bytes <= 0:
        return ()
    per_gpu = budget_bytes / layout.node_gpus
    blocks = pool.blocks(per_gpu)
    if vllm_release(options).tokens_concurrency:
        # Before 0.9 vLLM printed num_blocks x block_size / max_model_len.
        concurrency = Fraction(blocks * pool.block_size, pool.context_tokens)
        formula = T("formula.vllm_max_concurrency_tokens", blocks=blocks, block_size=pool.block_size,
                    context=pool.context_tokens, concurrency=concurrency)
    else:
        concurrency = Fraction(blocks, pool.blocks_per_request)
        formula = T("formula.vllm_max_concurrency", blocks=blocks, per_request=pool.blocks_per_request,
                    concurrency=concurrency)
    kinds = Join(tuple(T("formula.vllm_group", groups=g.count // pool.group_size, kind=g.short)
                       for g in pool.charged))
    return (
        figure("vllm_gpu_blocks", blocks, Unit.BLOCKS,
               T("formula.vllm_gpu_blocks_stages" if len(pool.stages) > 1 else "formula.vllm_gpu_blocks",
                 per_gpu=per_gpu, group_size=pool.block_layers, page=pool.page_bytes_gpu, blocks=blocks),
               dict({"kv_budget_bytes_per_gpu": per_gpu, "kv_cache_group_size": pool.group_size,
                     "kv_cache_groups": kinds, "padding_layers": pool.padding_layers, "block_size": pool.block_size},
                    **({"block_layers_per_stage": Join(tuple(str(int(st.bytes_per_block_gpu / pool.page_bytes_gpu))
                                                             for st in pool.stages))}
                       if len(pool.stages) > 1 else {})),
               (T("expl.vllm_gpu_blocks", group_size=pool.group_size, padding=pool.padding_layers),)
               + ((T("expl.vllm_gpu_blocks_stages", layers=pool.block_layers),) if len(pool.stages) > 1 else ())),
        figure("vllm_max_concurrency", concurrency, Unit.TIMES, formula,
               {"gpu_blocks": blocks, "blocks_per_request": pool.blocks_per_request,
                "kv_cache_size_tokens": int(concurrency * pool.context_tokens)},
               T("expl.vllm_max_concurrency")),
    )


# Latency targets and the bound each one sets.
BOUND_OF_TARGET = {"TPOT": Bound.TPOT, "TTFT": Bound.TTFT}


def bound_words(bounds):
    """The bound(s) as words: memory, or latency (TPOT, TTFT)."""
    if bounds == (Bound.MEMORY,):
        return T("bound.memory")
    names = tuple(name for name, bound in BOUND_OF_TARGET.items() if bound in bounds)
    return T("bound.latency", names=Join(names))


def nodes_for(concurrency, headroom, sessions_per_unit, nodes_per_unit=1):
    """Nodes for the concurrency plus headroom: whole failure units (a node, or an instance of
    nodes_per_unit nodes) of sessions_per_unit sessions each. Exact: 10 sessions with 10%
    headroom on units of 11 are one unit, not two."""
    headroom = Fraction(headroom)
    # cdiv(C x (1 + p/q), S) = cdiv(C x (q + p), q x S), in integers (a comparison calls this 10^4 times).
    return -(-(concurrency * (headroom.denominator + headroom.numerator))
             // (headroom.denominator * sessions_per_unit)) * nodes_per_unit


def nodes_figures(scenario, params, concurrency, capacity, layout):
    """Nodes to buy. The failure unit is a node, or a whole instance when one spans nodes
    (a stage lost stops its instance), so HA spares and counts come in whole units."""
    headroom, ha = params.peak_headroom_ratio, params.ha_extra_nodes
    ha_label = T("scenario.%s.ha" % scenario.key)
    sessions = capacity.sessions
    if capacity.limit in BLOCKERS or sessions == 0:
        if capacity.limit in BLOCKERS:
            formulas = (T("formula.infeasible", reason=T("limit." + capacity.limit)),) * 3
            note, absent = (T("expl.infeasible"),), T("value.infeasible")
        else:
            formulas = (T("formula.nodes_capacity_none"), T("formula.nodes_headroom_none"),
                        T("formula.nodes_final_none"))
            note, absent = (T("expl.nodes_none"),), None
        return (
            figure("nodes_capacity", None, Unit.NODES, formulas[0],
                   {"concurrency": concurrency, "sessions_per_node": sessions}, (T("expl.nodes_capacity"),) + note,
                   absent=absent),
            figure("nodes_with_headroom", None, Unit.NODES, formulas[1],
                   {"concurrency": concurrency, "peak_headroom_ratio": headroom, "sessions_per_node": sessions},
                   (T("expl.nodes_headroom", headroom=headroom),) + note, absent=absent),
            figure("nodes_final", None, Unit.NODES, formulas[2],
                   {"nodes_with_headroom": None, "ha_extra_nodes": ha},
                   (T("expl.nodes_final", ha=ha, ha_label=ha_label),) + note, absent=absent),
        )
    if layout.spans_nodes:
        return _spanning_nodes_figures(params, concurrency, sessions, layout, ha_label)
    nodes_capacity = nodes_for(concurrency, 0, sessions)
    nodes_headroom = nodes_for(concurrency, headroom, sessions)
    nodes_final = nodes_headroom + ha
    return (
        figure("nodes_capacity", nodes_capacity, Unit.NODES,
               T("formula.nodes_capacity", concurrency=concurrency, sessions=sessions, nodes=nodes_capacity),
               {"concurrency": concurrency, "sessions_per_node": sessions}, T("expl.nodes_capacity")),
        figure("nodes_with_headroom", nodes_headroom, Unit.NODES,
               T("formula.nodes_headroom", concurrency=concurrency, headroom=headroom, sessions=sessions,
                 nodes=nodes_headroom),
               {"concurrency": concurrency, "peak_headroom_ratio": headroom, "sessions_per_node": sessions},
               T("expl.nodes_headroom", headroom=headroom)),
        figure("nodes_final", nodes_final, Unit.NODES,
               T("formula.nodes_final", nodes_headroom=nodes_headroom, ha=ha, nodes=nodes_final),
               {"nodes_with_headroom": nodes_headroom, "ha_extra_nodes": ha},
               T("expl.nodes_final", ha=ha, ha_label=ha_label)),
    )


def prefill_demand_figure(options, ttft_s, layout):
    """Instance-seconds of prefill each second of traffic needs: requests/s x one prompt's TTFT
    (an instance prefills one prompt at a time at the roofline's compute)."""
    demand = options.requests_per_second * ttft_s
    return figure("prefill_demand_instance_s_per_s", demand, Unit.INSTANCE_S_PER_S,
                  T("formula.prefill_demand", rate=options.requests_per_second, ttft_s=ttft_s, demand=demand),
                  {"requests_per_second": options.requests_per_second, "ttft_full_context_s": ttft_s,
                   "instances_per_node": layout.instances_per_node}, T("expl.prefill_demand"))


# The traffic's demands a node count must also meet: each kind's demand figure, and the words of
# one node's capacity for it (instances prefilling one prompt at a time; output tokens per second).
DEMAND_FIGURES = {Bound.PREFILL: ("prefill_demand_instance_s_per_s", "instances_per_node", "nodes_with_headroom_memory"),
                  Bound.DECODE: ("decode_demand_tokens_per_s", "tokens_per_s_per_node", "nodes_with_headroom_before")}


def with_demand_bound(nodes, params, kind, demand, per_node, layout):
    """The node figures with a traffic bound (Bound.PREFILL or Bound.DECODE): enough whole units for
    the demand (plus the scenario's headroom) when that is more than the count so far needs.
    `per_node` is what one node supplies of it. Returns (figures, binds)."""
    unit = layout.nodes_per_instance
    demand_key, per_node_key, before_key = DEMAND_FIGURES[kind]

    def demand_nodes(headroom):
        return int(cdiv(demand * (1 + headroom) / per_node, unit)) * unit

    plain, with_headroom = demand_nodes(0), demand_nodes(params.peak_headroom_ratio)
    so_far = find(nodes, "nodes_with_headroom")
    bound = figure("nodes_" + kind, plain, Unit.NODES,
                   T("formula.nodes_" + kind, demand=demand, per_node=per_node, nodes=plain),
                   {demand_key: demand, per_node_key: per_node}, T("expl.nodes_" + kind))
    if with_headroom <= so_far:
        return nodes + (bound,), False
    ha_units = params.ha_extra_nodes * unit
    updated = []
    for item in nodes:
        if item.key == "nodes_with_headroom":
            item = figure("nodes_with_headroom", with_headroom, Unit.NODES,
                          T("formula.nodes_headroom_" + kind, memory=so_far, demand=demand,
                            headroom=params.peak_headroom_ratio, per_node=per_node, nodes=with_headroom),
                          {before_key: so_far, demand_key: demand,
                           "peak_headroom_ratio": params.peak_headroom_ratio, per_node_key: per_node},
                          T("expl.nodes_headroom_" + kind, headroom=params.peak_headroom_ratio))
        elif item.key == "nodes_final":
            item = _replace(item, value=with_headroom + ha_units,
                            formula=T("formula.nodes_final", nodes_headroom=with_headroom, ha=ha_units,
                                      nodes=with_headroom + ha_units),
                            inputs=(("nodes_with_headroom", with_headroom), ("ha_extra_nodes", ha_units)))
        updated.append(item)
    return tuple(updated) + (bound,), True


def decode_demand_figure(options):
    """Output tokens per second the traffic needs: requests/s x output tokens per request."""
    demand = options.requests_per_second * options.output_tokens
    return figure("decode_demand_tokens_per_s", demand, Unit.TOKENS_PER_S,
                  T("formula.decode_demand", rate=options.requests_per_second, tokens=options.output_tokens,
                    demand=demand),
                  {"requests_per_second": options.requests_per_second, "output_tokens": options.output_tokens},
                  T("expl.decode_demand"))


def _spanning_nodes_figures(params, concurrency, sessions, layout, ha_label):
    headroom, ha, nodes = params.peak_headroom_ratio, params.ha_extra_nodes, layout.nodes_per_instance
    nodes_capacity = nodes_for(concurrency, 0, sessions, nodes)
    nodes_headroom = nodes_for(concurrency, headroom, sessions, nodes)
    nodes_final = nodes_headroom + ha * nodes
    return (
        figure("nodes_capacity", nodes_capacity, Unit.NODES,
               T("formula.nodes_capacity_spanning", concurrency=concurrency, sessions=sessions,
                 nodes_per_instance=nodes, nodes=nodes_capacity),
               {"concurrency": concurrency, "sessions_per_instance": sessions, "nodes_per_instance": nodes},
               T("expl.nodes_capacity")),
        figure("nodes_with_headroom", nodes_headroom, Unit.NODES,
               T("formula.nodes_headroom_spanning", concurrency=concurrency, headroom=headroom, sessions=sessions,
                 nodes_per_instance=nodes, nodes=nodes_headroom),
               {"concurrency": concurrency, "peak_headroom_ratio": headroom, "sessions_per_instance": sessions,
                "nodes_per_instance": nodes},
               T("expl.nodes_headroom", headroom=headroom)),
        figure("nodes_final", nodes_final, Unit.NODES,
               T("formula.nodes_final_spanning", nodes_headroom=nodes_headroom, ha=ha, nodes_per_instance=nodes,
                 nodes=nodes_final),
               {"nodes_with_headroom": nodes_headroom, "ha_extra_instances": ha, "nodes_per_instance": nodes},
               T("expl.nodes_final_spanning", ha=ha, ha_label=ha_label, nodes_per_instance=nodes)),
    )


# -- Performance: decode roofline, prefill, storage, traffic ----------------
#
# A roofline is a lower bound on time: it assumes the GPU streams bytes at
# `hbm_efficiency` of peak bandwidth and computes at `mfu` of dense peak, with
# no scheduling, communication or kernel-launch overhead. Real engines are
# slower; measured numbers always win.

EXACT_EXPERT_BATCH = 4096                # exact (1 - k/E)^batch up to this batch


@dataclass(frozen=True)
class Roofline:
    """What the roofline needs about one instance, as exact numbers."""
    weights_bytes: int
    expert_bytes: Fraction
    dense_bytes: Fraction
    experts: object
    experts_per_token: object
    active_parameters: int
    bandwidth_bytes_s: Fraction
    flops_field: str
    flops_s: Fraction
    decode_flops_s: Fraction = Fraction(1)      # dense FLOPS x --decode-mfu, for the decode GEMMs
    attention_flops_per_session: int = 0        # one new token attending over a session's context

    def decode_step_bytes(self, batch, kv_bytes):
        """Bytes one decode step reads: dense weights, experts the batch touches, every session's KV."""
        touched = Fraction(0)
        if self.expert_bytes:
            untouched_one = 1 - Fraction(self.experts_per_token, self.experts)
            if batch <= EXACT_EXPERT_BATCH:
                untouched = untouched_one ** batch
            else:
                # Exact powers of huge batches are huge integers; the untouched share is
                # already below untouched_one^4096 here, so a float is more than enough.
                untouched = Fraction(float(untouched_one) ** batch)
            touched = 1 - untouched
        return self.dense_bytes + self.expert_bytes * touched + batch * kv_bytes

    def decode_phases(self, batch, kv_bytes):
        """A decode step as two phases run one after the other, each bound by the slower of its bytes
        and its FLOPs (measured on one H100: the weight GEMMs turn compute-bound past a batch of
        about 300): ((weight bytes s, weight FLOPs s), (KV bytes s, attention FLOPs s))."""
        weights_bytes = self.decode_step_bytes(batch, 0)
        return ((weights_bytes / self.bandwidth_bytes_s,
                 Fraction(2 * self.active_parameters * batch) / self.decode_flops_s),
                (Fraction(batch * kv_bytes) / self.bandwidth_bytes_s,
                 Fraction(batch * self.attention_flops_per_session) / self.decode_flops_s))

    def tpot_seconds(self, batch, kv_bytes):
        return sum(max(phase) for phase in self.decode_phases(batch, kv_bytes))

    def max_batch_within_tpot(self, kv_bytes, slo_seconds, upper):
        """Largest batch (0..upper) whose TPOT meets the target; TPOT grows with the batch."""
        low, high = 0, upper
        while low < high:
            middle = (low + high + 1) // 2
            if self.tpot_seconds(middle, kv_bytes) <= slo_seconds:
                low = middle
            else:
                high = middle - 1
        return low


def decode_attention_flops(model, context_tokens):
    """QK^T and AV for one new token over a session's context: 4 x heads x head_dim per key
    (the same per-pair count as the prefill); state layers attend to nothing."""
    keys = sum(g.count * g.spec_tokens(context_tokens) for g in model.layer_groups)
    return 4 * model.num_attention_heads * model.head_dim * keys


def roofline_for(model, server, tensor_parallel, options, context_tokens=0):
    """The Roofline of one instance, or None and the missing facts."""
    missing = tuple([f for f in ("hbm_bandwidth_tb_s", "bf16_dense_tflops", "fp8_dense_tflops")
                     if getattr(server, f) is None]
                    + [f for f, v in (("total_parameters", model.parameters_total),
                                      ("active_parameters", model.parameters_active)) if v is None]
                    + (["weights_bytes"] if model.weights is None else []))
    if missing:
        return None, missing
    weights = model.weights.weights_bytes
    total, active = model.parameters_total, model.parameters_active
    experts, per_token = model.num_local_experts, model.num_experts_per_tok
    expert_bytes = Fraction(0)
    if experts and per_token and experts > per_token and total > active:
        # active = dense + experts_total x k/E  =>  experts_total = (total - active) x E / (E - k)
        expert_params = Fraction(total - active) * experts / (experts - per_token)
        expert_bytes = weights * expert_params / total
    flops_field = ("fp8_dense_tflops" if model.weights.precision in LOW_WEIGHT_PRECISIONS
                   else "bf16_dense_tflops")
    return Roofline(
        weights_bytes=weights, expert_bytes=expert_bytes, dense_bytes=weights - expert_bytes,
        experts=experts, experts_per_token=per_token, active_parameters=active,
        bandwidth_bytes_s=tensor_parallel * server.hbm_bandwidth_tb_s * 10 ** 12 * options.hbm_efficiency,
        flops_field=flops_field,
        flops_s=tensor_parallel * getattr(server, flops_field) * 10 ** 12 * options.mfu,
        decode_flops_s=tensor_parallel * getattr(server, flops_field) * 10 ** 12 * options.decode_mfu,
        attention_flops_per_session=decode_attention_flops(model, context_tokens)), ()


@dataclass(frozen=True)
class Latency:
    """The roofline (or None) with the TTFT and the targets, to cap sessions per instance."""
    roofline: object
    ttft_s: object
    tpot_slo_ms: object
    ttft_slo_ms: object
    ttft_full_context_s: object = None     # recomputing a failed session re-prefills its whole context

    def caps_per_instance(self, kv_bytes, memory_per_instance):
        """((target, sessions per instance that keep it), ...), only for the targets given."""
        caps = []
        if self.roofline is None:
            return ()
        if self.tpot_slo_ms is not None:
            caps.append(("TPOT", self.roofline.max_batch_within_tpot(kv_bytes, self.tpot_slo_ms / 1000,
                                                                     memory_per_instance)))
        if self.ttft_slo_ms is not None:
            caps.append(("TTFT", memory_per_instance if self.ttft_s * 1000 <= self.ttft_slo_ms else 0))
        return tuple(caps)


def operating_point(options, context, latency):
    """Little's law when a session lasts TTFT + output tokens x TPOT at the batch it runs in: the
    smallest concurrency C with C >= ceil(R x (TTFT + O x TPOT(b))), b = min(C, what one instance
    of MÍNIMO admits). TPOT grows with the batch, so the right side only grows with C and a
    binary search finds the operating point; the figure shows it."""
    params = scenario_parameters(SCENARIOS[0], options)
    budget = budget_figure(params, context.overhead_gib, context.hbm_gib, context.engine_gib)
    _, capacity = sessions_figures(options, budget.value, context.kv_by_basis, context.stage_kv,
                                   options.kv_accounting, context.layout, latency, context.blocker)
    full_batch = max(capacity.per_instance, 1)
    kv_bytes = context.kv_by_basis[options.kv_accounting].bytes
    rate, ttft, output = options.requests_per_second, latency.ttft_s, options.output_tokens

    def needed(concurrency):
        batch = min(concurrency, full_batch)
        return int(cdiv(rate * (ttft + output * latency.roofline.tpot_seconds(batch, kv_bytes)), 1)), batch

    low, high = 1, max(needed(full_batch)[0], 1)
    if high > MAX_INPUT:
        raise InputError("err.traffic_bound", value=high)
    while low < high:
        middle = (low + high) // 2
        if middle >= needed(middle)[0]:
            high = middle
        else:
            low = middle + 1
    concurrency, batch = low, needed(low)[1]
    tpot = latency.roofline.tpot_seconds(batch, kv_bytes)
    seconds = ttft + output * tpot
    return figure("concurrency", concurrency, Unit.SESSIONS,
                  T("formula.operating_point", rate=rate, ttft=ttft, output=output, tpot_ms=tpot * 1000,
                    batch=batch, seconds=seconds, concurrency=concurrency),
                  {"requests_per_second": rate, "input_tokens": options.input_tokens, "output_tokens": output,
                   "ttft_prompt_s": ttft, "tpot_s": tpot, "batch_per_instance": batch,
                   "session_seconds": seconds, "full_batch_per_instance": full_batch},
                  T("expl.operating_point"), T("label.concurrency"))


def traffic_figure(options):
    """Little's law: concurrency = ceil(requests/s x mean session seconds)."""
    rate, seconds = options.requests_per_second, options.mean_session_seconds
    return figure("concurrency", options.concurrency, Unit.SESSIONS,
                  T("formula.littles_law", rate=rate, seconds=seconds, concurrency=options.concurrency),
                  {"requests_per_second": rate, "mean_session_seconds": seconds}, T("expl.littles_law"),
                  T("label.concurrency"))


def prefill_flops(model, roofline, tokens):
    """2 x active parameters x tokens, plus QK^T and AV: 4 x heads x head_dim per attended pair."""
    attention = sum(g.count * g.attended_pairs(tokens) for g in model.layer_groups)
    return (2 * roofline.active_parameters * tokens
            + 4 * model.num_attention_heads * model.head_dim * attention), attention


def ttft_figure(model, roofline, tokens, key="ttft_full_context_s"):
    flops, attention = prefill_flops(model, roofline, tokens)
    seconds = Fraction(flops) / roofline.flops_s
    return figure(key, seconds, Unit.SECONDS,
                  T("formula.ttft", active=roofline.active_parameters, tokens=tokens,
                    heads=model.num_attention_heads, head_dim=model.head_dim, pairs=attention,
                    flops_s=roofline.flops_s, seconds=seconds),
                  {"active_parameters": roofline.active_parameters, "prompt_tokens": tokens,
                   "attended_pairs": attention, "instance_flops_s": roofline.flops_s,
                   "flops_basis": roofline.flops_field}, T("expl.ttft"))


def restore_seconds(storage, total_bytes, readers=1):
    """p99 read latency + bytes / (read throughput x nodes reading in parallel)."""
    return (storage.read_latency_p99_ms / 1000
            + Fraction(total_bytes) / (storage.read_throughput_gb_s * GB_BYTES * readers))


def storage_figures(model, storage, layout, kv_bytes):
    read_bytes_s = storage.read_throughput_gb_s * GB_BYTES
    figures = []
    if model.weights is not None:
        node_weights = Fraction(model.weights.weights_bytes * layout.instances_per_node, layout.nodes_per_instance)
        load_s = node_weights / read_bytes_s
        figures.append(figure(
            "weights_load_s", load_s, Unit.SECONDS,
            T("formula.weights_load", bytes=node_weights, throughput=storage.read_throughput_gb_s, seconds=load_s),
            {"weights_per_node_bytes": node_weights, "read_throughput_gb_s": storage.read_throughput_gb_s},
            T("expl.weights_load")))
    restore_s = restore_seconds(storage, kv_bytes)
    figures.append(figure(
        "kv_restore_session_s", restore_s, Unit.SECONDS,
        T("formula.kv_restore", latency=storage.read_latency_p99_ms, kv_bytes=kv_bytes,
          throughput=storage.read_throughput_gb_s, seconds=restore_s),
        {"kv_per_session_bytes": kv_bytes, "read_throughput_gb_s": storage.read_throughput_gb_s,
         "read_latency_p99_ms": storage.read_latency_p99_ms}, T("expl.kv_restore")))
    rate = read_bytes_s / kv_bytes
    figures.append(figure(
        "sessions_restored_per_s", rate, Unit.SESSIONS_PER_S,
        T("formula.sessions_restored", throughput=storage.read_throughput_gb_s, kv_bytes=kv_bytes, rate=rate),
        {"read_throughput_gb_s": storage.read_throughput_gb_s, "kv_per_session_bytes": kv_bytes},
        T("expl.sessions_restored")))
    return tuple(figures)


def goodput_figure(key, rate, tpot_ms, slo_ms, inputs):
    """Output tokens per second that meet the TPOT target: every session decodes at the same TPOT in
    this model, so a node's tokens either all meet the target or none does."""
    meets = tpot_ms <= slo_ms
    return figure(key, rate if meets else Fraction(0), Unit.TOKENS_PER_S,
                  T("formula.goodput_meets" if meets else "formula.goodput_misses", rate=rate, tpot=tpot_ms,
                    slo=slo_ms),
                  dict(inputs, tpot_slo_ms=slo_ms), T("expl." + key))


def performance_figures(scenario, roofline, storage, kv_bytes, layout, capacity, concurrency,
                        nodes_final, ttft_s, tpot_slo_ms=None):
    """Decode roofline at full and actual load, and failover, for one scenario.

    With pipeline parallelism a token still passes every stage in turn, so a step reads
    the instance's weights at the bandwidth of one stage's TP GPUs (the roofline's).
    """
    per_instance = capacity.per_instance
    if per_instance == 0 or nodes_final is None:
        return ()
    figures = []
    # Instances per node: a fraction when one instance spans nodes.
    instances = Fraction(layout.instances_per_node, layout.nodes_per_instance)
    load_per_instance = min(per_instance, cdiv(concurrency, nodes_final * instances))
    for suffix, batch in (("full", per_instance), ("load", load_per_instance)):
        (weight_bytes_s, weight_flops_s), (kv_bytes_s, attention_flops_s) = roofline.decode_phases(batch, kv_bytes)
        seconds = roofline.tpot_seconds(batch, kv_bytes)    # the one definition the latency caps use too
        bound = (T("value.phase_compute") if weight_flops_s > weight_bytes_s else T("value.phase_memory"),
                 T("value.phase_compute") if attention_flops_s > kv_bytes_s else T("value.phase_memory"))
        figures.append(figure(
            "tpot_%s_ms" % suffix, seconds * 1000, Unit.MS,
            T("formula.tpot", weight_bytes_ms=weight_bytes_s * 1000, weight_flops_ms=weight_flops_s * 1000,
              kv_ms=kv_bytes_s * 1000, attention_ms=attention_flops_s * 1000, ms=seconds * 1000),
            {"batch_per_instance": batch, "dense_weight_bytes": roofline.dense_bytes,
             "expert_weight_bytes": roofline.expert_bytes, "experts": roofline.experts,
             "experts_per_token": roofline.experts_per_token, "kv_per_session_bytes": kv_bytes,
             "instance_bandwidth_bytes_s": roofline.bandwidth_bytes_s,
             "active_parameters": roofline.active_parameters,
             "attention_flops_per_session": roofline.attention_flops_per_session,
             "instance_decode_flops_s": roofline.decode_flops_s, "flops_basis": roofline.flops_field},
            (T("expl.tpot"), T("expl.tpot_phases", weights=bound[0], attention=bound[1])),
            T("label.tpot_%s_ms" % suffix, batch=batch)))
        figures.append(figure(
            "tokens_per_s_session_%s" % suffix, 1 / seconds, Unit.TOKENS_PER_S,
            T("formula.tokens_session", seconds=seconds, rate=1 / seconds), {"tpot_s": seconds},
            T("expl.tokens_session"), T("label.tokens_per_s_session_%s" % suffix, batch=batch)))
        figures.append(figure(
            "tokens_per_s_node_%s" % suffix, instances * batch / seconds, Unit.TOKENS_PER_S,
            T("formula.tokens_node", instances=instances, batch=batch, seconds=seconds,
              rate=instances * batch / seconds),
            {"instances_per_node": instances, "batch_per_instance": batch, "tpot_s": seconds},
            T("expl.tokens_node"), T("label.tokens_per_s_node_%s" % suffix, batch=batch)))
    if tpot_slo_ms is not None:
        figures.append(goodput_figure("goodput_tokens_per_s_node", instances * batch / seconds, seconds * 1000,
                                      tpot_slo_ms, {"tokens_per_s_node_load": instances * batch / seconds,
                                                    "tpot_load_ms": seconds * 1000}))
    # A failure takes one unit down: a node, or a whole instance that spans nodes.
    failed = load_per_instance * max(instances, 1)
    receivers = scenario.ha_extra_nodes * layout.nodes_per_instance or nodes_final - layout.nodes_per_instance
    if receivers:
        restore = restore_seconds(storage, failed * kv_bytes, receivers)
        recompute = failed * ttft_s / (receivers * instances)
        restore_formula = T("formula.failover_restore", latency=storage.read_latency_p99_ms, sessions=failed,
                            kv_bytes=kv_bytes, throughput=storage.read_throughput_gb_s, receivers=receivers,
                            seconds=restore)
        recompute_formula = T("formula.failover_recompute", sessions=failed, ttft_s=ttft_s, receivers=receivers,
                              instances=instances, seconds=recompute)
    else:
        restore = recompute = None
        restore_formula = recompute_formula = T("formula.failover_nobody")
    figures.append(figure(
        "failover_restore_s", restore, Unit.SECONDS, restore_formula,
        {"failed_node_sessions": failed, "receiving_nodes": receivers, "kv_per_session_bytes": kv_bytes},
        T("expl.failover_restore")))
    figures.append(figure(
        "failover_recompute_s", recompute, Unit.SECONDS, recompute_formula,
        {"failed_node_sessions": failed, "receiving_nodes": receivers, "ttft_full_context_s": ttft_s},
        T("expl.failover_recompute")))
    figures.extend(tpot_after_failure(scenario, roofline, kv_bytes, layout, capacity.memory_per_instance,
                                      concurrency, nodes_final, tpot_slo_ms))
    return tuple(figures)


def tpot_after_failure(scenario, roofline, kv_bytes, layout, per_instance, concurrency, nodes_final,
                       tpot_slo_ms=None):
    """The TPOT with the scenario's reserve lost (RECOMENDADO: one failure unit down, IDEAL: two):
    the concurrency spread over the instances left, at most what memory admits per instance (an
    engine knows no latency target: it batches what fits)."""
    down = scenario.ha_extra_nodes
    left = Fraction((nodes_final - down * layout.nodes_per_instance) * layout.instances_per_node,
                    layout.nodes_per_instance)
    if not down or left <= 0:
        return ()
    batch = min(per_instance, int(cdiv(concurrency, left)))
    seconds = roofline.tpot_seconds(batch, kv_bytes)
    figures = (figure("tpot_after_failure_ms", seconds * 1000, Unit.MS,
                      T("formula.tpot_after_failure", concurrency=concurrency, instances=left, batch=batch,
                        ms=seconds * 1000),
                      {"failure_units_down": down, "instances_left": left, "batch_per_instance": batch,
                       "sessions_per_instance_memory": per_instance},
                      T("expl.tpot_after_failure", down=down)),)
    if tpot_slo_ms is not None:
        rate = Fraction(layout.instances_per_node, layout.nodes_per_instance) * batch / seconds
        figures += (goodput_figure("goodput_after_failure_tokens_per_s_node", rate, seconds * 1000, tpot_slo_ms,
                                   {"batch_per_instance": batch, "tpot_after_failure_ms": seconds * 1000}),)
    return figures


def scenario_result(scenario, options, context, latency, storage):
    """Budget, sessions, nodes and performance for one scenario, each a figure."""
    params = scenario_parameters(scenario, options)
    budget = budget_figure(params, context.overhead_gib, context.hbm_gib, context.engine_gib)
    sessions, capacity = sessions_figures(options, budget.value, context.kv_by_basis, context.stage_kv,
                                          options.kv_accounting, context.layout, latency, context.blocker)
    nodes = nodes_figures(scenario, params, options.concurrency, capacity, context.layout)
    kv_bytes = context.kv_by_basis[options.kv_accounting].bytes
    decode_nodes = None
    if options.disaggregated and capacity.feasible:
        # The decode pool holds the sessions (memory, TPOT, output tokens); the prefill pool runs the
        # prompts; the aggregated answer to the same traffic is shown beside them.
        aggregated, _ = traffic_bounds(nodes, params, context, capacity, latency, kv_bytes, (Bound.PREFILL, Bound.DECODE))
        nodes, demand_bound = traffic_bounds(nodes, params, context, capacity, latency, kv_bytes, (Bound.DECODE,))
        decode_nodes = find(nodes, "nodes_final")
        nodes = disaggregated_figures(nodes, params, context.prefill_demand, context.layout,
                                      find(aggregated, "nodes_final"))
    else:
        nodes, demand_bound = traffic_bounds(nodes, params, context, capacity, latency, kv_bytes,
                                             (Bound.PREFILL, Bound.DECODE))
    figures = (budget,) + tuple(sessions) + nodes
    if latency.roofline is not None and capacity.feasible and options.scenario_performance:
        figures += performance_figures(scenario, latency.roofline, storage, kv_bytes,
                                       context.layout, capacity, options.concurrency,
                                       decode_nodes or find(nodes, "nodes_final"), latency.ttft_full_context_s,
                                       options.tpot_slo_ms)
    if capacity.feasible:
        figures += cost_figures(find(nodes, "nodes_final"), context.server, options, options.concurrency,
                                find(figures, "tokens_per_s_session_load"))
    return ScenarioResult(scenario, params, figures, capacity, demand_bound)


# Cost: a month is 8760 h / 12 = 730 h; every amount is in US dollars, said in every format.
HOURS_PER_MONTH = 730
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600


def cost_rates(server, options):
    """(hourly rent, purchase price, cost per node-month, energy per node-month) in USD, or None
    without a price: --node-price (amortized), else --node-cost-per-hour or the catalog's rent, else
    the catalog's price; energy only with --power-cost-per-kwh and a known power."""
    hourly = options.node_cost_per_hour if options.node_cost_per_hour is not None else server.node_cost_per_hour_usd
    price = options.node_price if options.node_price is not None else (
        server.node_price_usd if hourly is None else None)
    if price is not None:
        per_node = Fraction(price) / options.amortization_months
    elif hourly is not None:
        per_node = hourly * HOURS_PER_MONTH
    else:
        return None
    energy = Fraction(0)
    if options.power_cost_per_kwh is not None and server.node_power_kw is not None:
        energy = server.node_power_kw * HOURS_PER_MONTH * options.power_cost_per_kwh
    return hourly, price, per_node, energy


def monthly_cost_usd(nodes, rates):
    """The nodes' monthly cost: each node's rent or amortization, plus its energy."""
    _, _, per_node, energy_per_node = rates
    return nodes * (per_node + energy_per_node)


def cluster_power_kw(nodes, server):
    return None if server.node_power_kw is None else nodes * server.node_power_kw


def cost_figures(nodes_final, server, options, concurrency, tokens_per_s_session):
    """A scenario's monthly cost, power and cost per million output tokens. The node costs its
    hourly rent (--node-cost-per-hour, or the catalog's), or its price over --amortization-months
    when --node-price is given; --power-cost-per-kwh adds the energy at the node's maximum power."""
    if nodes_final is None:
        return ()
    figures = []
    power_kw = server.node_power_kw
    if power_kw is not None:
        total_kw = cluster_power_kw(nodes_final, server)
        figures.append(figure("power_kw", total_kw, Unit.KW,
                              T("formula.power_kw", nodes=nodes_final, kw=power_kw, total=total_kw),
                              {"nodes_final": nodes_final, "node_power_kw": power_kw,
                               "power_source": server.power_source}, T("expl.power_kw")))
    rates = cost_rates(server, options)
    if rates is None:
        return tuple(figures)
    hourly, price, per_node, energy_per_node = rates
    if price is not None:
        node_term = T("formula.cost_purchase", price=price, months=options.amortization_months, per_node=per_node)
        inputs = {"node_price_usd": price, "amortization_months": options.amortization_months}
    else:
        node_term = T("formula.cost_hourly", hourly=hourly, hours=HOURS_PER_MONTH, per_node=per_node)
        inputs = {"node_cost_per_hour_usd": hourly, "hours_per_month": HOURS_PER_MONTH}
    energy = nodes_final * energy_per_node
    energy_term = ""
    if energy_per_node:
        energy_term = T("formula.cost_energy", nodes=nodes_final, kw=power_kw, hours=HOURS_PER_MONTH,
                        rate=options.power_cost_per_kwh, energy=energy)
        inputs.update(node_power_kw=power_kw, power_cost_per_kwh=options.power_cost_per_kwh)
    monthly = monthly_cost_usd(nodes_final, rates)
    inputs.update(nodes_final=nodes_final, currency=CURRENCY, cost_source=(
        server.cost_source if options.node_cost_per_hour is None and options.node_price is None else None))
    figures.append(figure("monthly_cost_usd", monthly, Unit.USD_PER_MONTH,
                          T("formula.monthly_cost", nodes=nodes_final, node=node_term, energy=energy_term,
                            total=monthly),
                          inputs, T("expl.monthly_cost")))
    if tokens_per_s_session is not None:
        tokens_month = concurrency * tokens_per_s_session * SECONDS_PER_MONTH
        per_million = monthly / tokens_month * 10 ** 6
        figures.append(figure("cost_per_million_tokens_usd", per_million, Unit.USD_PER_MTOK,
                              T("formula.cost_per_million", monthly=monthly, concurrency=concurrency,
                                rate=tokens_per_s_session, seconds=SECONDS_PER_MONTH, total=per_million),
                              {"monthly_cost_usd": monthly, "concurrency": concurrency,
                               "tokens_per_s_session_load": tokens_per_s_session, "currency": CURRENCY},
                              T("expl.cost_per_million")))
    return tuple(figures)


CURRENCY = "USD"


def traffic_bounds(nodes, params, context, capacity, latency, kv_bytes, kinds):
    """The node figures with the traffic's demands of `kinds` (prefill, decode) applied in turn;
    returns (figures, the Bound that set the count last, or None)."""
    layout, demand_bound = context.layout, None
    if not capacity.feasible:
        return nodes, None
    if Bound.PREFILL in kinds and context.prefill_demand is not None:
        nodes, binds = with_demand_bound(nodes, params, Bound.PREFILL, context.prefill_demand,
                                         Fraction(layout.instances_per_node, layout.nodes_per_instance), layout)
        demand_bound = Bound.PREFILL if binds else demand_bound
    if Bound.DECODE in kinds and context.decode_demand is not None and latency.roofline is not None:
        # What a node delivers at the batch its instances run (the TPOT target's, when given).
        batch = capacity.per_instance
        node_rate = (Fraction(layout.instances_per_node, layout.nodes_per_instance) * batch
                     / latency.roofline.tpot_seconds(batch, kv_bytes))
        nodes, binds = with_demand_bound(nodes, params, Bound.DECODE, context.decode_demand, node_rate, layout)
        demand_bound = Bound.DECODE if binds else demand_bound
    return nodes, demand_bound


def disaggregated_figures(decode_nodes, params, prefill_demand, layout, aggregated_final):
    """Two pools, each with the scenario's headroom and HA reserve: the prefill pool runs the
    traffic's prompts (its demand in instances, whole failure units), the decode pool is
    `decode_nodes`; the scenario buys both."""
    unit = layout.nodes_per_instance
    per_node = Fraction(layout.instances_per_node, unit)
    ha_units = params.ha_extra_nodes * unit
    headroom = params.peak_headroom_ratio
    prefill_headroom = int(cdiv(prefill_demand * (1 + headroom) / per_node, unit)) * unit
    prefill_pool = prefill_headroom + ha_units
    decode_pool = find(decode_nodes, "nodes_final")
    total = prefill_pool + decode_pool
    renamed = tuple(_replace(item, key="decode_pool_nodes", label=T("label.decode_pool_nodes"))
                    if item.key == "nodes_final" else item for item in decode_nodes)
    return renamed + (
        figure("prefill_pool_nodes", prefill_pool, Unit.NODES,
               T("formula.prefill_pool_nodes", demand=prefill_demand, headroom=headroom, per_node=per_node,
                 nodes=prefill_headroom, ha=ha_units, total=prefill_pool),
               {"prefill_demand_instance_s_per_s": prefill_demand, "peak_headroom_ratio": headroom,
                "instances_per_node": per_node, "ha_extra_nodes": ha_units},
               T("expl.prefill_pool_nodes")),
        figure("nodes_final", total, Unit.NODES,
               T("formula.nodes_final_disaggregated", prefill=prefill_pool, decode=decode_pool, nodes=total),
               {"prefill_pool_nodes": prefill_pool, "decode_pool_nodes": decode_pool},
               T("expl.nodes_final_disaggregated")),
        figure("nodes_aggregated", aggregated_final, Unit.NODES,
               T("formula.nodes_aggregated", nodes=aggregated_final, total=total),
               {"nodes_final": total}, T("expl.nodes_aggregated")),
    )


def kv_transfer_figures(model, options, prompt_tokens, kv_tp, ttft_s):
    """Disaggregated serving moves one prompt's KV from the prefill node to the decode node, once:
    its bytes at --kv-transfer-gb-s, added to the TTFT."""
    prompt_kv = kv_per_session(model, prompt_tokens, options.kv_precision, kv_tp, Basis.SPEC, options.block_size,
                               options.max_num_batched_tokens).bytes
    seconds = Fraction(prompt_kv) / (options.kv_transfer_gb_s * GB_BYTES)
    return (
        figure("kv_transfer_s", seconds, Unit.SECONDS,
               T("formula.kv_transfer", bytes=prompt_kv, rate=options.kv_transfer_gb_s, seconds=seconds),
               {"prompt_tokens": prompt_tokens, "prompt_kv_bytes": prompt_kv,
                "kv_transfer_gb_s": options.kv_transfer_gb_s}, T("expl.kv_transfer")),
        figure("ttft_disaggregated_s", ttft_s + seconds, Unit.SECONDS,
               T("formula.ttft_disaggregated", ttft_s=ttft_s, transfer=seconds, total=ttft_s + seconds),
               {"ttft_s": ttft_s, "kv_transfer_s": seconds}, T("expl.ttft_disaggregated")),
    )


@dataclass(frozen=True)
class SizingContext:
    """What every scenario shares: the layout, the memory and the KV of a session."""
    layout: Layout
    hbm_gib: Fraction
    overhead_gib: Fraction
    kv_by_basis: dict
    stage_kv: dict              # basis -> KV bytes of one session on each pipeline stage
    blocker: object             # a BLOCKERS code when no scenario can run
    engine_gib: object = None   # the engine's KV memory per node, when given
    prefill_demand: object = None   # instance-seconds of prefill per second, from the traffic
    decode_demand: object = None    # output tokens per second, from the traffic
    server: object = None           # for the cost and power of its nodes


# What makes every scenario infeasible, in the order they are checked.
BLOCKERS = (Bound.WEIGHTS_EXCEED_INSTANCE, Bound.OVERHEAD_EXCEEDS_HBM, Bound.OVERHEAD_BELOW_WEIGHTS,
            Bound.ENGINE_NO_MEMORY)


def blocker_for(model, server, layout, overhead_gib, hbm_gib, weights_per_node_gib, engine_gib=None):
    if model.weights is not None and max(stage_weights_bytes(model, model.weights, layout)) / layout.tensor_parallel \
            > server.hbm_per_gpu_gb * GB_BYTES:
        return Bound.WEIGHTS_EXCEED_INSTANCE
    if engine_gib is not None:
        # The engine's own figure replaces the guide's overhead and budget.
        return Bound.ENGINE_NO_MEMORY if engine_gib <= 0 else None
    if overhead_gib >= hbm_gib:
        return Bound.OVERHEAD_EXCEEDS_HBM
    if weights_per_node_gib is not None and overhead_gib < weights_per_node_gib:
        return Bound.OVERHEAD_BELOW_WEIGHTS
    return None


MAX_SUGGESTED_STAGES = 64


def smallest_fitting_layout(model, server):
    """The fewest GPUs per instance (TP within a node, any PP) whose stages hold the weights."""
    divisors = [tp for tp in range(1, server.gpus + 1) if server.gpus % tp == 0]
    candidates = sorted(((tp * pp, pp, tp) for tp in divisors
                         for pp in range(1, min(model.num_hidden_layers, MAX_SUGGESTED_STAGES) + 1)
                         if _whole_nodes(tp * pp, server.gpus)), key=lambda c: (c[0], c[1]))
    for _, pp, tp in candidates:
        layout = Layout(tp, pp, 1, 1, pipeline_stages(model.num_hidden_layers, pp), server.gpus)
        if max(stage_weights_bytes(model, model.weights, layout)) / tp <= server.hbm_per_gpu_gb * GB_BYTES:
            return tp, pp
    return None


def _whole_nodes(gpus, node_gpus):
    return (gpus <= node_gpus and node_gpus % gpus == 0) or (gpus > node_gpus and gpus % node_gpus == 0)


@dataclass(frozen=True)
class Alert:
    level: str
    code: str
    message: Text


@dataclass(frozen=True)
class Report:
    """Every number of one sizing, and the alerts raised over them."""
    options: Options
    model: Model
    server: Server
    storage: Storage
    context_tokens: int         # the effective context, after the clamp
    layout: Layout
    overhead_gib: Fraction
    blocker: object
    roofline_missing: tuple
    kv_by_basis: dict
    common: tuple
    scenarios: tuple
    fitting_layout: object = None           # (TP, PP) that holds the weights, when they do not fit
    replication_alternative: object = None  # (TP, instances per node, sessions per node or None)
    alerts: tuple = ()
    solve: object = None                    # (question, nodes) of --solve; answers are scenario figures

    def scenario(self, key):
        return [s for s in self.scenarios if s.scenario.key == key][0]

    @property
    def tensor_parallel(self):
        return self.layout.tensor_parallel

    @property
    def instances_per_node(self):
        return self.layout.instances_per_node

    @property
    def kv(self):
        return self.kv_by_basis[self.options.kv_accounting]

    @property
    def status(self):
        return Status.INFEASIBLE if any(a.level == Level.ERROR for a in self.alerts) else Status.OK


# The smallest kernel blocks vLLM aligns a hybrid model's attention block to (FlashAttention's
# MultipleOf(16); the TRT-LLM/FlashInfer MLA decode kernels' 128).
ATTENTION_KERNEL_BLOCK, MLA_KERNEL_BLOCK = 16, 128

# Speculative decoding: the draft model's attention layers take their KV from the same
# pool. EAGLE and EAGLE-3 heads are one decoder layer of the target's shape; MTP adds the
# checkpoint's num_nextn_predict_layers (vLLM's EagleProposer / DeepSeek MTP drafters).
SPECULATIVE = ("eagle", "eagle3", "mtp")


def speculative_tokens(model, options):
    """vLLM's num_speculative_tokens: the option, or for MTP the checkpoint's
    num_nextn_predict_layers (SpeculativeConfig's n_predict default in 0.33.0); EAGLE has
    no default in vLLM and one draft token is taken here (it does not change the KV pool)."""
    if options.speculative is None:
        return 0
    mtp_layers = model.parameters.mtp_layers if model.parameters else 0
    tokens = options.num_speculative_tokens
    if tokens is None:
        return mtp_layers if options.speculative == "mtp" else 1
    if options.speculative == "mtp" and mtp_layers and tokens > mtp_layers and tokens % mtp_layers:
        # vLLM 0.33.0 SpeculativeConfig: MTP modules are reused in whole rounds.
        raise InputError("err.num_speculative_tokens_mtp", tokens=tokens, layers=mtp_layers)
    return tokens


def with_retained_tokens(model, options, release):
    """From 0.33, multi-module MTP (min(num_nextn_predict_layers, num_speculative_tokens) > 1)
    keeps num_speculative_tokens - 1 more tokens below every sliding window, since the chain
    can re-prefill them (kv_cache_planning.py: extra_retained_tokens =
    num_prefill_lookahead_tokens - 1; config/speculative.py: use_multi_module_mtp)."""
    tokens = speculative_tokens(model, options)
    if options.speculative != "mtp" or release.version < VLLM_RELEASES["mtp_retained_tokens"] \
            or min(model.parameters.mtp_layers, tokens) <= 1 \
            or not any(isinstance(g, SlidingWindowLayers) for g in model.layer_groups):
        return model
    groups = tuple(_replace(g, retained_tokens=tokens - 1) if isinstance(g, SlidingWindowLayers) else g
                   for g in model.layer_groups)
    return _replace(model, layer_groups=groups,
                    derivation=model.derivation + (T("rule.retained_tokens", tokens=tokens - 1),))


def with_draft_layers(model, method):
    """The model with its drafter's attention layers appended (as the last layers)."""
    if method is None:
        return model
    if method == "mtp":
        if not model.parameters or not model.parameters.mtp_layers:
            raise InputError("err.mtp_layers", model=model.name)
        extra = model.parameters.mtp_layers
    else:
        extra = 1
    base = model.layer_groups[0] if isinstance(model.layer_groups[0], MLALatentLayers) else None
    groups = list(model.layer_groups)
    kind = base.kind if base is not None else FullAttentionLayers.kind
    for index, group in enumerate(groups):
        if group.kind == kind:
            groups[index] = _replace(group, count=group.count + extra)
            break
    else:
        groups.insert(0, FullAttentionLayers(extra))
    return _replace(model, layer_groups=tuple(groups), layer_kinds=model.layer_kinds + (kind,) * extra,
                    derivation=model.derivation + (T("rule.draft_layers", method=method, layers=extra),))


def with_state_options(model, options, release, tensor_parallel):
    """State layers with vLLM's dtypes and pages per request: --mamba-cache-dtype (conv state;
    'auto' is the model dtype) and --mamba-ssm-cache-dtype ('auto' follows the conv state unless
    the model says otherwise); 1 + num_speculative_tokens pages without prefix caching, 2 +
    num_speculative_tokens with it ('align' mode, which prefix caching turns on for hybrids in
    0.33: MambaModelConfig.verify_and_update_config)."""
    if not any(isinstance(g, StateLayers) for g in model.layer_groups):
        return model
    prefix_caching = options.enable_prefix_caching
    if prefix_caching is None:
        prefix_caching = release.version >= VLLM_RELEASES["mamba_align"]
    blocks = (2 if prefix_caching else 1) + speculative_tokens(model, options)
    groups = []
    for group in model.layer_groups:
        if isinstance(group, StateLayers):
            conv = MAMBA_DTYPES[options.mamba_cache_dtype] if options.mamba_cache_dtype else group.conv_bytes
            ssm = MAMBA_DTYPES[options.mamba_ssm_cache_dtype] if options.mamba_ssm_cache_dtype else (
                conv if group.ssm_bytes is None else group.ssm_bytes)
            group = _replace(group, conv_bytes=conv, ssm_bytes=ssm, state_blocks=blocks)
            if not group.splits_evenly(tensor_parallel):
                raise InputError("err.state_tp", kind=T("layer_kind." + group.kind), tp=tensor_parallel,
                                 channels=group.conv_channels(tensor_parallel), heads=group.ssm_heads)
        groups.append(group)
    return _replace(model, layer_groups=tuple(groups))


def hybrid_block_size(model, options, tensor_parallel):
    """vLLM 0.33.0 Platform._align_hybrid_block_size: with state layers, the attention block grows
    until one attention page holds the largest state page: alignment x cdiv(state page, alignment
    x attention page of one token), a multiple of 16, where the alignment is the larger of the
    attention kernel's smallest block (16 for FlashAttention; 128 for MLA) and --block-size."""
    states = [g for g in model.layer_groups if isinstance(g, StateLayers)]
    if not states:
        return options.block_size
    attention = [g for g in model.layer_groups if not isinstance(g, StateLayers)][0]
    elements = attention.elements(model, tensor_parallel)
    token_page = Fraction(elements.kv_factor * elements.elements_per_token * KV_PRECISIONS[options.kv_precision],
                          tensor_parallel)
    state_page = max(g.state_bytes_gpu(tensor_parallel) for g in states)
    alignment = max(MLA_KERNEL_BLOCK if isinstance(attention, MLALatentLayers) else ATTENTION_KERNEL_BLOCK,
                    options.block_size)
    block = alignment * cdiv(state_page, alignment * token_page)
    block = ATTENTION_KERNEL_BLOCK * cdiv(block, ATTENTION_KERNEL_BLOCK)
    return max(options.block_size, block)


def computed_bases(options, model):
    """The bases every report compares (spec and vllm), and the one asked for. SGLang's and
    TensorRT-LLM's own pools for Mamba or linear-attention state are not modeled: such a model is
    refused on those bases rather than sized wrong."""
    if options.kv_accounting in Basis.TOKEN_POOLS:
        if any(isinstance(g, StateLayers) for g in model.layer_groups):
            raise InputError("err.engine_state_layers", engine=ENGINE_NAMES[options.kv_accounting], model=model.name)
        return (Basis.SPEC, Basis.VLLM, options.kv_accounting)
    return (Basis.SPEC, Basis.VLLM)


def engine_page_tokens(basis, options, vllm_block_size):
    """Tokens per page or block on `basis`: vLLM's (aligned) block, SGLang's --page-size,
    TensorRT-LLM's --tokens-per-block."""
    return {Basis.SGLANG: options.page_size, Basis.TRTLLM: options.tokens_per_block}.get(basis, vllm_block_size)


def build_report(options, model, server, storage):
    """Every number of the sizing, as frozen records. Pure: no I/O."""
    context_tokens = min(options.effective_context, model.max_position_embeddings)
    release = vllm_release(options)
    model = _replace(with_retained_tokens(with_draft_layers(model, options.speculative), options, release),
                     weights=weights_for(model, options.weight_precision))
    layout = layout_for(options, server, model)
    kv_tp = 1 if layout.data_parallel_attention else layout.tensor_parallel
    model = with_state_options(model, options, release, kv_tp)
    block_size = hybrid_block_size(model, options, kv_tp)
    in_flight = release.concurrent_batches(layout.pipeline_parallel) * options.max_num_batched_tokens
    kv_by_basis, stage_kv = {}, {}
    stages = model_stages(model, layout)
    hybrid = not options.disable_hybrid_kv_cache_manager
    for name in computed_bases(options, model):
        page = engine_page_tokens(name, options, block_size)
        kv_by_basis[name] = kv_per_session(model, context_tokens, options.kv_precision, kv_tp, name,
                                           page, options.max_num_batched_tokens, hybrid_manager=hybrid,
                                           in_flight_tokens=in_flight, requested_block_size=options.block_size,
                                           stages=stages, window_ratio=options.swa_full_tokens_ratio)
        stage_kv[name] = tuple(
            kv_per_session(model, context_tokens, options.kv_precision, kv_tp, name, page,
                           options.max_num_batched_tokens, model.groups_for_layers(first, end), hybrid,
                           in_flight, window_ratio=options.swa_full_tokens_ratio).bytes
            for first, end in stages) if layout.pipeline_parallel > 1 else (kv_by_basis[name].bytes,)
    hbm = hbm_total_figure(server)
    weights = weights_figures(model, layout)
    weights_per_node_gib = find(weights, "weights_per_node_gib")
    overhead = overhead_figure(model, server, layout, options, weights_per_node_gib)
    overhead_gib = options.runtime_overhead_gib if overhead is None else overhead.value
    common = list(kv_by_basis[options.kv_accounting].figures) + [hbm] + list(weights)
    if overhead is not None:
        common.append(overhead)
    if options.mean_session_seconds is not None:
        common.insert(0, traffic_figure(options))
    roofline, missing = roofline_for(model, server, layout.tensor_parallel, options, context_tokens)
    if roofline is None and (options.tpot_slo_ms is not None or options.ttft_slo_ms is not None):
        raise InputError("err.roofline_missing", missing=Join(missing))
    ttft_s = prefill_demand = None
    if options.concurrency is None and roofline is None:
        raise InputError("err.operating_point_roofline", missing=Join(missing))
    if roofline is not None:
        ttft = ttft_figure(model, roofline, context_tokens)
        ttft_s = ttft.value
        common.append(ttft)
        if options.input_tokens is not None:
            # A request's prompt is --input-tokens: its TTFT is what targets and prefill demand see.
            prompt = ttft_figure(model, roofline, min(options.input_tokens, context_tokens), "ttft_prompt_s")
            ttft_s = prompt.value
            common.append(prompt)
        if options.requests_per_second is not None:
            demand = prefill_demand_figure(options, ttft_s, layout)
            prefill_demand = demand.value
            common.append(demand)
    if options.disaggregated:
        if options.requests_per_second is None:
            raise InputError("err.disaggregated_traffic")
        if roofline is None:
            raise InputError("err.disaggregated_roofline", missing=Join(missing))
        prompt_tokens = min(options.input_tokens or context_tokens, context_tokens)
        transfer, disaggregated_ttft = kv_transfer_figures(model, options, prompt_tokens, kv_tp, ttft_s)
        common.extend((transfer, disaggregated_ttft))
        ttft_s = disaggregated_ttft.value
    decode_demand = None
    if options.requests_per_second is not None and options.output_tokens is not None:
        decode = decode_demand_figure(options)
        decode_demand = decode.value
        common.append(decode)
    common.extend(storage_figures(model, storage, layout, kv_by_basis[options.kv_accounting].bytes))
    if options.calibration is not None:
        engine, *checks = calibration_figures(model, options, kv_tp, block_size, in_flight, release, layout, server)
    else:
        engine, checks = engine_memory_figure(model, server, layout, options), []
    if engine is not None:
        common.append(engine)
    common.extend(checks)
    engine_gib = None if engine is None else (engine.value or Fraction(0))
    blocker = blocker_for(model, server, layout, overhead_gib, hbm.value, weights_per_node_gib, engine_gib)
    context = SizingContext(layout, hbm.value, overhead_gib, kv_by_basis, stage_kv, blocker, engine_gib,
                            prefill_demand, decode_demand, server)
    latency = Latency(roofline, ttft_s, options.tpot_slo_ms, options.ttft_slo_ms,
                      None if roofline is None else ttft.value)
    if options.concurrency is None:
        point = operating_point(options, context, latency)
        options = _replace(options, concurrency=point.value)
        common.insert(0, point)
    scenarios = tuple(scenario_result(scenario, options, context, latency, storage) for scenario in SCENARIOS)
    report = Report(options, model, server, storage, context_tokens, layout, overhead_gib, blocker, missing,
                    kv_by_basis, tuple(common), scenarios,
                    fitting_layout=smallest_fitting_layout(model, server)
                    if blocker == Bound.WEIGHTS_EXCEED_INSTANCE else None,
                    replication_alternative=replication_alternative(options, model, server, storage, layout))
    return _replace(report, alerts=evaluate_alerts(report))


# --solve: the inverse questions, answered per scenario by a search on integers. Node counts only
# grow with the concurrency and with the context, so the largest value whose nodes fit is exact.
SOLVE_KINDS = ("concurrency", "context")


def solve_report(options, model, server, storage):
    """The largest concurrency (or context) each scenario serves on --nodes nodes, as a figure in
    each scenario; the report itself is sized at RECOMENDADO's answer."""
    kind, budget = options.solve, options.nodes
    upper = MAX_INPUT if kind == "concurrency" else model.max_position_embeddings

    def nodes_at(key, value):
        changed = _replace(options, **{"concurrency" if kind == "concurrency" else "effective_context": value})
        return build_report(changed, model, server, storage).scenario(key).nodes_final

    def fits(key, value):
        nodes = nodes_at(key, value)
        return nodes is not None and nodes <= budget

    answers = {}
    for scenario in SCENARIOS:
        key = scenario.key
        if not fits(key, 1):
            answers[key] = 0
            continue
        low, high = 1, 2
        while high <= upper and fits(key, high):
            low, high = high, high * 2
        high = min(high, upper + 1)
        while high - low > 1:           # fits(low), not fits(high) (or high is past the upper end)
            middle = (low + high) // 2
            if fits(key, middle):
                low = middle
            else:
                high = middle
        answers[key] = low
    shown = answers[RECOMMENDED] or 1
    report = build_report(_replace(options, **{"concurrency" if kind == "concurrency" else "effective_context": shown}),
                          model, server, storage)
    results = []
    for result in report.scenarios:
        key, answer = result.scenario.key, answers[result.scenario.key]
        if answer == 0:
            nodes = nodes_at(key, 1)
            formula = T("formula.solve_none", kind=T("solve.%s" % kind), nodes=budget,
                        needed=T("value.infeasible") if nodes is None else nodes)
        elif answer == upper:
            formula = T("formula.solve_all", kind=T("solve.%s" % kind), nodes=budget, answer=answer,
                        at=nodes_at(key, answer))
        else:
            formula = T("formula.solve", kind=T("solve.%s" % kind), nodes=budget, answer=answer,
                        at=nodes_at(key, answer), next=answer + 1, next_nodes=nodes_at(key, answer + 1))
        item = figure("solve_" + kind, answer, Unit.SESSIONS if kind == "concurrency" else Unit.TOKENS, formula,
                      {"nodes": budget, "question": kind}, T("expl.solve_%s" % kind, nodes=budget),
                      T("label.solve_%s" % kind, nodes=budget))
        results.append(_replace(result, figures=(item,) + result.figures))
    return _replace(report, scenarios=tuple(results), solve=(kind, budget))


# Comparisons: the options that shape a configuration take a comma-separated list (--model-config
# is repeated instead, since paths may hold commas), and the run sizes every combination, in the
# order given (the first option varies slowest).
COMPARED_OPTIONS = (("model", "--model"), ("model_config", "--model-config"), ("server", "--server"),
                    ("storage", "--storage"), ("kv_precision", "--kv-precision"),
                    ("effective_context", "--effective-context"), ("concurrency", "--concurrency"),
                    ("tensor_parallel", "--tensor-parallel"), ("pipeline_parallel", "--pipeline-parallel"),
                    ("kv_accounting", "--kv-accounting"))
# The columns of a comparison row (--model and --model-config share "model").
COMPARISON_COLUMNS = ("model", "server", "storage", "kv_precision", "effective_context", "concurrency",
                      "tensor_parallel", "pipeline_parallel", "kv_accounting")
NUMERIC_COLUMNS = ("effective_context", "concurrency", "tensor_parallel", "pipeline_parallel")
ORDER_BY = ("cost", "nodes")
MAX_COMBINATIONS = 100000       # 10x the benchmarked grid; a larger one is more likely a typo than a plan
ROW_ERROR = "error"


@dataclass(frozen=True)
class ComparisonRow:
    config: tuple               # ((column, value), ...) in COMPARISON_COLUMNS order
    nodes: tuple                # nodes_final of MÍNIMO, RECOMENDADO and IDEAL (None: none)
    sessions: object            # RECOMENDADO's sessions per node (per instance when one spans nodes)
    kv_gib: object
    limit: object               # RECOMENDADO's limit code
    status: str                 # Status.OK, Status.INFEASIBLE or ROW_ERROR
    monthly_cost_usd: object    # RECOMENDADO's
    power_kw: object            # RECOMENDADO's
    error: object = None        # the reason of an error row

    def value(self, column):
        return dict(self.config)[column]


@dataclass(frozen=True)
class Comparison:
    rows: tuple
    varying: tuple              # columns with more than one value
    fixed: tuple                # ((column, value), ...) of the others
    order_by: object = None

    @property
    def status(self):
        return Status.OK if all(row.status == Status.OK for row in self.rows) else Status.INFEASIBLE


def final_nodes(concurrency, params, sessions, layout):
    """A scenario's nodes to buy for `concurrency` at `sessions` per failure unit, with its headroom and
    reserve: the arithmetic of nodes_figures without its records."""
    unit = layout.nodes_per_instance
    return nodes_for(concurrency, params.peak_headroom_ratio, sessions, unit) + params.ha_extra_nodes * unit


def comparison_row(report, concurrency):
    """One row from a report sized at another concurrency: memory, the targets and the vLLM pool fix the
    sessions per node whatever the concurrency, so only the node counts (and what they cost) change."""
    nodes = []
    for result in report.scenarios:
        if concurrency == report.options.concurrency or not result.capacity.feasible:
            nodes.append(result.nodes_final if result.capacity.feasible else None)
        else:
            nodes.append(final_nodes(concurrency, result.parameters, result.capacity.sessions, report.layout))
    recommended = report.scenario(RECOMMENDED)
    monthly = power = None
    if nodes[1] is not None:
        rates = cost_rates(report.server, report.options)
        monthly = None if rates is None else monthly_cost_usd(nodes[1], rates)
        power = cluster_power_kw(nodes[1], report.server)
    config = (("model", report.model.name), ("server", report.server.name), ("storage", report.storage.name),
              ("kv_precision", report.options.kv_precision), ("effective_context", report.options.effective_context),
              ("concurrency", concurrency), ("tensor_parallel", report.layout.tensor_parallel),
              ("pipeline_parallel", report.layout.pipeline_parallel), ("kv_accounting", report.options.kv_accounting))
    feasible = recommended.capacity.feasible
    return ComparisonRow(config, tuple(nodes), recommended.capacity.sessions if feasible else None,
                         report.kv.gib, recommended.limit, report.status, monthly, power)


def error_row(options, error):
    config = tuple((column, getattr(options, column)) for column in COMPARISON_COLUMNS)
    if options.model is None:
        config = (("model", _printable_name(options.model_config)),) + config[1:]
    return ComparisonRow(config, (None, None, None), None, None, None, ROW_ERROR, None, None, error.text)


def compare(base, variants, load, order_by=None):
    """Every combination of the listed values, sized. `variants` is ((Options field, values), ...);
    `load(options)` gives (model, server, storage). Reports are shared by the combinations that differ
    only in concurrency; a combination the tool refuses (a TP that does not divide the node, say)
    becomes an error row."""
    fields = tuple(field for field, _ in variants)
    reports, rows = {}, []
    for values in itertools.product(*(values for _, values in variants)):
        combination = dict(zip(fields, values))
        concurrency = combination.pop("concurrency", base.concurrency)
        key = tuple(sorted(combination.items()))
        if key not in reports:
            options = _replace(base, concurrency=concurrency, scenario_performance=False, **combination)
            try:
                reports[key] = build_report(options, *load(options))
            except InputError as error:
                reports[key] = error_row(options, error)
        report = reports[key]
        if isinstance(report, ComparisonRow):
            rows.append(_replace(report, config=tuple((c, concurrency) if c == "concurrency" else (c, v)
                                                      for c, v in report.config)))
        else:
            rows.append(comparison_row(report, concurrency if concurrency is not None else report.options.concurrency))
    if order_by == "cost":
        rows.sort(key=lambda row: (row.monthly_cost_usd is None, row.monthly_cost_usd or 0))
    elif order_by == "nodes":
        rows.sort(key=lambda row: (row.nodes[1] is None, row.nodes[1] or 0))
    given = {"model" if field == "model_config" else field for field in fields}
    seen = {column: set() for column in COMPARISON_COLUMNS}
    for row in rows:
        if row.status != ROW_ERROR:
            for column, value in row.config:
                seen[column].add(value)
    varying = tuple(column for column in COMPARISON_COLUMNS if column in given or len(seen[column]) > 1)
    fixed = tuple((column, rows[0].value(column)) for column in COMPARISON_COLUMNS if column not in varying)
    return Comparison(tuple(rows), varying, fixed, order_by)


def vllm_release(options):
    async_scheduling = options.async_scheduling
    if async_scheduling is None:
        async_scheduling = options.vllm_version >= VLLM_RELEASES["in_flight"]
    return VllmRelease(options.vllm_version, async_scheduling)


def replication_alternative(options, model, server, storage, layout):
    """With fewer KV heads than TP GPUs every head is stored more than once; the largest TP
    that divides the node and holds each head once, and what RECOMENDADO gets with it."""
    if model.mla_latent_dim is not None or model.num_key_value_heads >= layout.tensor_parallel \
            or layout.pipeline_parallel > 1:
        return None
    tensor_parallel = max(tp for tp in range(1, model.num_key_value_heads + 1) if server.gpus % tp == 0)
    try:
        other = build_report(_replace(options, tensor_parallel=tensor_parallel), model, server, storage)
    except InputError:
        return None             # e.g. a Mamba state that does not split across that TP
    recommended = other.scenario(RECOMMENDED).capacity
    return (tensor_parallel, other.instances_per_node, recommended.sessions if recommended.feasible else None)


def compared_engine(options):
    """The engine basis set against the guide's formula: the one used, or vLLM."""
    return Basis.VLLM if options.kv_accounting == Basis.SPEC else options.kv_accounting


def basis_node_counts(report):
    """(scenario result, nodes under spec, nodes under the compared engine) for the feasible
    scenarios: the same arithmetic as nodes_figures, on each basis's sessions by memory."""
    engine = compared_engine(report.options)
    counts = []
    layout = report.layout
    for result in report.scenarios:
        if not result.capacity.feasible or result.capacity.bounds != (Bound.MEMORY,):
            continue
        nodes = {}
        for basis in (Basis.SPEC, engine):
            sessions = result.capacity.memory_sessions(basis)
            nodes[basis] = (None if sessions == 0 else
                            final_nodes(report.options.concurrency, result.parameters, sessions, layout))
        counts.append((result, nodes[Basis.SPEC], nodes[engine]))
    return tuple(counts)


def exit_status(report):
    return 1 if report.status == Status.INFEASIBLE else 0


# ---------------------------------------------------------------------------
# 7. Alerts: a registry of short rules. Each rule has its code and level beside
#    its logic (as mccabe keeps `_code` with its check), its threshold just above
#    it, and yields the message (an id with parameters) each time it fires.
#    The registry's order is the order alerts are shown in.
# ---------------------------------------------------------------------------

ALERT_RULES = []


def alert_rule(code, level):
    def register(rule):
        ALERT_RULES.append((code, level, rule))
        return rule
    return register


def evaluate_alerts(report):
    return tuple(Alert(level, code, message) for code, level, rule in ALERT_RULES for message in rule(report))


@alert_rule("context_clamped", Level.WARNING)
def _context_clamped(report):
    if report.options.effective_context > report.context_tokens:
        yield T("alert.context_clamped", requested=report.options.effective_context,
                maximum=report.model.max_position_embeddings, used=report.context_tokens)


@alert_rule("kv_precision_high", Level.WARNING)
def _kv_precision_high(report):
    precision = report.options.kv_precision
    if precision in HIGH_KV_PRECISIONS:
        yield T("alert.kv_precision_high", precision=precision, bytes=KV_PRECISIONS[precision],
                factor=KV_PRECISIONS[precision] / KV_PRECISIONS["fp8"])


LONG_CONTEXT_TOKENS = 128000             # the guide's "128k"


@alert_rule("long_context_storage_io", Level.WARNING)
def _long_context_storage_io(report):
    if report.context_tokens > LONG_CONTEXT_TOKENS:
        failover_s = report.scenario(RECOMMENDED).value("failover_restore_s")
        yield T("alert.long_context_storage_io", context=report.context_tokens, threshold=LONG_CONTEXT_TOKENS,
                kv_gib=report.kv.gib, storage=report.storage.name,
                restore_s=find(report.common, "kv_restore_session_s"),
                rate=find(report.common, "sessions_restored_per_s"),
                failover="" if failover_s is None else T("alert.long_context_failover", seconds=failover_s))


FAILOVER_RESTORE_LIMIT_S = 60            # a failed node's sessions back within a minute


@alert_rule("failover_restore_slow", Level.WARNING)
def _failover_restore_slow(report):
    recommended = report.scenario(RECOMMENDED)
    failover_s = recommended.value("failover_restore_s")
    if failover_s is not None and failover_s > FAILOVER_RESTORE_LIMIT_S:
        yield T("alert.failover_restore_slow", storage=report.storage.name, seconds=failover_s,
                limit=FAILOVER_RESTORE_LIMIT_S, recompute=recommended.value("failover_recompute_s"))


@alert_rule("latency_unknown", Level.INFO)
def _latency_unknown(report):
    if report.roofline_missing:
        yield T("alert.latency_unknown", missing=Join(report.roofline_missing))


# Below 10 tokens/s per session generation is slower than reading; over 10 s to
# first token an interactive user gives up.
UNUSABLE_TPOT_MS = 100
UNUSABLE_TTFT_S = 10


@alert_rule("latency_unusable", Level.WARNING)
def _latency_unusable(report):
    if (report.roofline_missing or report.blocker is not None or report.options.tpot_slo_ms is not None
            or report.options.ttft_slo_ms is not None):
        return
    tpot_ms = report.scenario(RECOMMENDED).value("tpot_full_ms")
    ttft_s = find(report.common, "ttft_full_context_s")
    if (tpot_ms is not None and tpot_ms > UNUSABLE_TPOT_MS) or ttft_s > UNUSABLE_TTFT_S:
        yield T("alert.latency_unusable", tpot=tpot_ms, tpot_limit=UNUSABLE_TPOT_MS,
                tokens=1000 // UNUSABLE_TPOT_MS, ttft=ttft_s, ttft_limit=UNUSABLE_TTFT_S)


@alert_rule("latency_bound", Level.INFO)
def _latency_bound(report):
    bounds = report.scenario(RECOMMENDED).capacity.bounds
    if any(bound in (Bound.TPOT, Bound.TTFT) for bound in bounds):
        yield T("alert.latency_bound", bound=bound_words(bounds))


FRAGMENTATION_BUDGET_RATIO = Fraction(75, 100)


@alert_rule("kv_budget_fragmentation", Level.WARNING)
def _kv_budget_fragmentation(report):
    if report.options.kv_budget_ratio > FRAGMENTATION_BUDGET_RATIO:
        yield T("alert.kv_budget_fragmentation", ratio=report.options.kv_budget_ratio,
                threshold=FRAGMENTATION_BUDGET_RATIO)


LOW_RUNTIME_OVERHEAD_GIB = Fraction(50)


@alert_rule("runtime_overhead_low", Level.WARNING)
def _runtime_overhead_low(report):
    if (not report.options.runtime_overhead_auto and find(report.common, "kv_cache_memory_gib") is None
            and report.overhead_gib < LOW_RUNTIME_OVERHEAD_GIB):
        yield T("alert.runtime_overhead_low", overhead=report.options.runtime_overhead_gib,
                threshold=LOW_RUNTIME_OVERHEAD_GIB)


@alert_rule("weights_exceed_instance", Level.ERROR)
def _weights_exceed_instance(report):
    if report.blocker != Bound.WEIGHTS_EXCEED_INSTANCE:
        return
    model, layout = report.model, report.layout
    fit = (T("alert.weights_no_layout") if report.fitting_layout is None else
           T("alert.weights_fit_layout", tensor_parallel=report.fitting_layout[0], stages=report.fitting_layout[1],
             auto="" if report.options.runtime_overhead_auto else " --runtime-overhead-gib auto"))
    fp8 = ""
    if WEIGHT_PRECISIONS[model.weights.precision] > WEIGHT_PRECISIONS["fp8"]:
        fp8_weights = weights_for(model, "fp8")
        fp8 = T("alert.weights_fp8_option", gib=Fraction(fp8_weights.weights_bytes, GIB_BYTES))
    yield T("alert.weights_exceed_instance", weights_gib=Fraction(model.weights.weights_bytes, GIB_BYTES),
            stage_gib=max(stage_weights_bytes(model, model.weights, layout)) / layout.tensor_parallel / GIB_BYTES,
            hbm_gpu_gib=report.server.hbm_per_gpu_gb * GB_BYTES / GIB_BYTES, tensor_parallel=layout.tensor_parallel,
            stages=layout.pipeline_parallel, fit=fit, fp8=fp8)


@alert_rule("runtime_overhead_exceeds_hbm", Level.ERROR)
def _runtime_overhead_exceeds_hbm(report):
    if report.blocker == Bound.OVERHEAD_EXCEEDS_HBM:
        weights_gib = find(report.common, "weights_per_node_gib")
        yield T("alert.runtime_overhead_exceeds_hbm", overhead=report.overhead_gib,
                hbm_gib=find(report.common, "hbm_total_gib"),
                weights="" if weights_gib is None else T("alert.overhead_weights_note", weights_gib=weights_gib))


@alert_rule("engine_no_memory", Level.ERROR)
def _engine_no_memory(report):
    if report.blocker == Bound.ENGINE_NO_MEMORY:
        engine = dict([f for f in report.common if f.key == "kv_cache_memory_gib"][0].inputs)
        yield T("alert.engine_no_memory", usable_gib=engine["usable_bytes_per_gpu"] / GIB_BYTES,
                weights_gib=engine["weights_bytes_per_gpu"] / GIB_BYTES,
                allowance_gib=engine["activation_and_fixed_bytes_per_gpu"] / GIB_BYTES)


@alert_rule("runtime_overhead_below_weights", Level.ERROR)
def _runtime_overhead_below_weights(report):
    if report.blocker == Bound.OVERHEAD_BELOW_WEIGHTS:
        instances = report.instances_per_node
        weights_gib = find(report.common, "weights_per_node_gib")
        holder = (T("alert.weights_holder_spanning", nodes=report.layout.nodes_per_instance)
                  if report.layout.spans_nodes else T("alert.weights_holder", instances=T("count.instances", n=instances)))
        yield T("alert.runtime_overhead_below_weights", overhead=report.overhead_gib, holder=holder,
                weights_gib=weights_gib,
                minimum=Fraction(cdiv(weights_gib * 100, 1), 100),
                advice=T("alert.weights_advice_tp") if instances > 1 else "")


@alert_rule("weights_unknown", Level.INFO)
def _weights_unknown(report):
    if find(report.common, "weights_per_node_gib") is None:
        yield T("alert.weights_unknown")


@alert_rule("no_session_fits", Level.ERROR)
def _no_session_fits(report):
    for result in report.scenarios:
        if result.capacity.sessions == 0 and report.blocker is None and result.capacity.vllm_refusal is None:
            bounds = result.capacity.bounds
            if Bound.TTFT in bounds:
                continue        # ttft_unreachable says it once, with the numbers
            cause = (T("alert.no_session_memory", kv_gib=report.kv.gib) if bounds == (Bound.MEMORY,)
                     else T("alert.no_session_latency", bound=bound_words(bounds)))
            yield T("alert.no_session_fits", scenario=T("scenario.%s.label" % result.scenario.key), cause=cause)


@alert_rule("ttft_unreachable", Level.ERROR)
def _ttft_unreachable(report):
    """A TTFT target below one prompt's prefill cannot be met by any number of nodes: it is a
    compute bound of this server and TP. A larger TP is suggested only when the node has room."""
    target = report.options.ttft_slo_ms
    ttft_s = find(report.common, "ttft_disaggregated_s") or find(report.common, "ttft_prompt_s")
    if ttft_s is None:
        ttft_s = find(report.common, "ttft_full_context_s")
    if target is None or ttft_s is None or ttft_s * 1000 <= target:
        return
    layout = report.layout
    room = layout.tensor_parallel * layout.pipeline_parallel < report.server.gpus
    yield T("alert.ttft_unreachable", target=target, ttft_ms=ttft_s * 1000,
            ratio=ttft_s * 1000 / target, server=report.server.name, tp=layout.tensor_parallel,
            advice=T("alert.ttft_more_tp" if room else "alert.ttft_no_more_tp"))


@alert_rule("vllm_would_not_start", Level.ERROR)
def _vllm_would_not_start(report):
    for result in report.scenarios:
        if result.capacity.vllm_refusal is not None:
            needed, available, estimate = result.capacity.vllm_refusal
            release = vllm_release(report.options)
            yield T("alert.vllm_would_not_start", scenario=scenario_label(result),
                    version="%d.%d" % report.options.vllm_version, context=report.context_tokens,
                    needed_gib=needed / GIB_BYTES, available_gib=max(available, 0) / GIB_BYTES,
                    null_note=T("alert.vllm_null_note") if release.null_block else "",
                    estimate=T("alert.vllm_estimate", tokens=estimate) if estimate is not None else "")


@alert_rule("calibration_gap", Level.WARNING)
def _calibration_gap(report):
    """The log disagrees with this model's rules by more than 1% (beyond the log's own rounding
    of the concurrency to 2 decimals): the model, TP, KV dtype or block is not the deployment's."""
    for item in report.common:
        if item.key in CALIBRATION_CHECKS and abs(item.value) > CALIBRATION_TOLERANCE_PERCENT:
            yield T("alert.calibration_gap", check=T("label." + item.key), gap=item.value,
                    tolerance=CALIBRATION_TOLERANCE_PERCENT)


@alert_rule("calibration_exceeds_hbm", Level.WARNING)
def _calibration_exceeds_hbm(report):
    """The log's pool, at this model's bytes per token or block, needs more memory than the node's GPUs
    have: the KV dtype or the TP taken for the log is not the deployment's."""
    memory = find(report.common, "kv_cache_memory_gib")
    hbm = find(report.common, "hbm_total_gib")
    if report.options.calibration is not None and memory is not None and hbm is not None and memory > hbm:
        yield T("alert.calibration_exceeds_hbm", memory=memory, hbm=hbm, precision=report.options.kv_precision,
                tp=report.layout.tensor_parallel)


@alert_rule("prefill_bound", Level.INFO)
def _prefill_bound(report):
    result = report.scenario(RECOMMENDED)
    if result.demand_bound == Bound.PREFILL:
        yield T("alert.prefill_bound", demand=find(report.common, "prefill_demand_instance_s_per_s"),
                nodes=result.nodes_final, memory=result.value("nodes_capacity"))


@alert_rule("disaggregated_pools", Level.INFO)
def _disaggregated_pools(report):
    result = report.scenario(RECOMMENDED)
    if result.value("prefill_pool_nodes") is not None:
        yield T("alert.disaggregated_pools", prefill=result.value("prefill_pool_nodes"),
                decode=result.value("decode_pool_nodes"), nodes=result.nodes_final,
                aggregated=result.value("nodes_aggregated"), ttft_s=find(report.common, "ttft_disaggregated_s"))


@alert_rule("decode_bound", Level.INFO)
def _decode_bound(report):
    result = report.scenario(RECOMMENDED)
    if result.demand_bound == Bound.DECODE:
        yield T("alert.decode_bound", demand=find(report.common, "decode_demand_tokens_per_s"),
                nodes=result.nodes_final, memory=result.value("nodes_capacity"))


@alert_rule("tpot_breaks_after_failure", Level.WARNING)
def _tpot_breaks_after_failure(report):
    target = report.options.tpot_slo_ms
    if target is None:
        return
    for result in report.scenarios:
        after = result.value("tpot_after_failure_ms")
        if after is not None and after > target:
            yield T("alert.tpot_breaks_after_failure", scenario=scenario_label(result), ms=after, target=target,
                    down=result.scenario.ha_extra_nodes)


@alert_rule("max_num_seqs_binding", Level.WARNING)
def _max_num_seqs_binding(report):
    if report.scenario(RECOMMENDED).capacity.capped:
        yield T("alert.max_num_seqs_binding", max_num_seqs=report.options.max_num_seqs)


# A ratio of 1 or more is 100% headroom or more: almost always a percentage typed as a ratio.
PERCENT_LIKE_HEADROOM = 1


@alert_rule("peak_headroom_percent", Level.WARNING)
def _peak_headroom_percent(report):
    ratio = report.options.peak_headroom_ratio
    if ratio >= PERCENT_LIKE_HEADROOM:
        yield T("alert.peak_headroom_percent", ratio=ratio, suggested=ratio / 100)


@alert_rule("kv_heads_replicated", Level.INFO)
def _kv_heads_replicated(report):
    if report.replication_alternative is None:
        return
    tensor_parallel, instances, sessions = report.replication_alternative
    params = dict(tensor_parallel=report.tensor_parallel, kv_heads=report.model.num_key_value_heads,
                  copies=report.tensor_parallel // report.model.num_key_value_heads, alt_tp=tensor_parallel,
                  alt_instances=T("count.instances", n=instances))
    if sessions is None:
        yield T("alert.kv_heads_replicated_infeasible", **params)
    else:
        yield T("alert.kv_heads_replicated", alt_sessions=sessions,
                sessions=report.scenario(RECOMMENDED).capacity.sessions, **params)


@alert_rule("max_num_seqs_exceeded_spec", Level.WARNING)
def _max_num_seqs_exceeded_spec(report):
    if report.options.kv_accounting != Basis.SPEC:
        return
    per_instance = report.scenario(RECOMMENDED).capacity.per_instance
    if per_instance > report.options.max_num_seqs:
        yield T("alert.max_num_seqs_exceeded_spec", sessions=per_instance, max_num_seqs=report.options.max_num_seqs)


@alert_rule("basis_nodes_differ", Level.WARNING)
def _basis_nodes_differ(report):
    engine = ENGINE_NAMES[compared_engine(report.options)]
    differing = tuple(T("alert.basis_nodes_scenario", scenario=scenario_label(result), spec=spec, engine_nodes=other,
                        engine=engine)
                      for result, spec, other in basis_node_counts(report) if spec != other)
    if differing:
        yield T("alert.basis_nodes_differ", scenarios=Join(differing, "; "), basis=report.options.kv_accounting)


SWA_POOLS_UNBALANCED = 2   # one SGLang pool admits more than twice the sessions of the other


@alert_rule("swa_pools_unbalanced", Level.INFO)
def _swa_pools_unbalanced(report):
    """SGLang splits a hybrid SWA model's memory by --swa-full-tokens-ratio; when one pool admits far
    more sessions than the other, the ratio that balances them (a session's window tokens over its
    full tokens) admits more."""
    pool = token_pool_for(report.kv, report.layout)
    result = report.scenario(RECOMMENDED)
    budget = result.value("kv_budget_gib")
    if pool is None or not pool.request_window_tokens or not budget or not result.capacity.feasible:
        return
    per_gpu = budget * GIB_BYTES / report.layout.node_gpus
    stage = pool.tightest(per_gpu)
    if not stage.full_token_bytes_gpu:
        return
    full, window = pool.capacity(per_gpu, stage)
    by_full, by_window = full // pool.request_full_tokens, window // pool.request_window_tokens
    if max(by_full, by_window) <= SWA_POOLS_UNBALANCED * max(min(by_full, by_window), 1) - 1:
        return
    balanced = Fraction(pool.request_window_tokens, pool.request_full_tokens)
    sessions = _replace(pool, window_ratio=balanced).sessions(per_gpu)
    yield T("alert.swa_pools_unbalanced", full=by_full, window=by_window, ratio=pool.window_ratio,
            balanced=balanced, sessions=sessions)


ACCOUNTING_GAP_RATIO = Fraction(110, 100)  # > 10% apart


@alert_rule("accounting_gap", Level.WARNING)
def _accounting_gap(report):
    capacity = report.scenario(RECOMMENDED).capacity
    engine = compared_engine(report.options)
    spec, other = capacity.memory_sessions(Basis.SPEC), capacity.memory_sessions(engine)
    low, high = sorted((spec, other))
    if high and (low == 0 or Fraction(high, low) > ACCOUNTING_GAP_RATIO):
        yield T("alert.accounting_gap", spec=spec, engine_sessions=other, engine=ENGINE_NAMES[engine],
                basis=report.options.kv_accounting)


# ---------------------------------------------------------------------------
# 8. Messages: every string a person reads, as id -> (pt-BR, en). A plural is
#    a pair (one, other) chosen by the parameter `n`. Placeholders take a
#    display format from section 9: {x:f2} fixed places, {x:p} plain decimal,
#    {x:pct} percent, {x:sci} scientific; bare {x} shows the value as it is.
#    As calendar.py only looks names up per locale, nothing above changes
#    for a language: only these lookups do.
# ---------------------------------------------------------------------------

MESSAGES = {
    # -- errors: input and environment --------------------------------------
    "err.not_integer": ("{option}: '{text}' não é um número inteiro entre {minimum} e 10^15",
                        "{option}: '{text}' is not a whole number between {minimum} and 10^15"),
    "err.integer_range": ("{option}: deve estar entre {minimum} e 10^15 (recebido {text})",
                          "{option}: must be between {minimum} and 10^15 (got {text})"),
    "err.not_number": ("{option}: '{text}' não é um número válido", "{option}: '{text}' is not a valid number"),
    "err.number_min": ("{option}: deve ser {sign} {minimum:p} (recebido {text})",
                       "{option}: must be {sign} {minimum:p} (got {text})"),
    "err.number_max": ("{option}: deve ser <= {maximum:p} (recebido {text})",
                       "{option}: must be <= {maximum:p} (got {text})"),
    "err.number_tiny": ("{option}: valores diferentes de zero devem ser >= 10^-15 (recebido {text})",
                        "{option}: non-zero values must be >= 10^-15 (got {text})"),
    "err.json_number_range": ("número fora de faixa: {text}", "number out of range: {text}"),
    "err.json_constant": ("constante não permitida em JSON: {name}", "constant not allowed in JSON: {name}"),
    "err.json_duplicate_key": ("chave duplicada: '{key}'", "duplicate key: '{key}'"),
    "err.json_too_deep": ("aninhamento profundo demais", "nested too deeply"),
    "err.file_unreadable": ("{path}: não foi possível ler o arquivo ({reason})",
                            "{path}: could not read the file ({reason})"),
    "err.file_not_regular": ("{path}: não é um arquivo comum (FIFO, dispositivo ou diretório)",
                             "{path}: not a regular file (FIFO, device or directory)"),
    "err.file_too_large": ("{path}: arquivo grande demais (o limite é {limit_mib} MiB)",
                           "{path}: file too large (the limit is {limit_mib} MiB)"),
    "err.file_not_utf8": ("{path}: o arquivo não está em UTF-8", "{path}: the file is not UTF-8"),
    "err.json_invalid": ("{path}: JSON inválido ({reason})", "{path}: invalid JSON ({reason})"),
    "err.json_syntax": ("{path}:{line}:{column}: JSON inválido ({reason})",
                        "{path}:{line}:{column}: invalid JSON ({reason})"),
    "err.where": ("{path}: entrada '{entry}', campo '{field}'", "{path}: entry '{entry}', field '{field}'"),
    "err.field_missing": ("{where}: campo obrigatório ausente", "{where}: required field missing"),
    "err.field_positive_int": ("{where}: deve ser um inteiro positivo até 10^15 (recebido {value})",
                               "{where}: must be a positive whole number up to 10^15 (got {value})"),
    "err.field_positive_number": ("{where}: deve ser um número entre 10^-15 e 10^15 (recebido {value})",
                                  "{where}: must be a number between 10^-15 and 10^15 (got {value})"),
    "err.field_non_negative_int": ("{where}: deve ser um inteiro >= 0 (recebido {value})",
                                   "{where}: must be a whole number >= 0 (got {value})"),
    "err.field_text": ("{where}: deve ser um texto não vazio", "{where}: must be a non-empty text"),
    "err.field_bool": ("{where}: deve ser true ou false", "{where}: must be true or false"),
    "err.catalog_not_object": ("{path}: o catálogo de {kind} deve ser um objeto JSON não vazio, "
                               "com uma entrada por nome",
                               "{path}: the {kind} catalog must be a non-empty JSON object, one entry per name"),
    "catalog.models": ("modelos", "models"),
    "catalog.servers": ("servidores", "servers"),
    "catalog.storage": ("storage", "storage"),
    "err.entry_not_object": ("{path}: entrada '{entry}' deve ser um objeto JSON",
                             "{path}: entry '{entry}' must be a JSON object"),
    "err.unknown_name": ("{option}: '{name}' não existe em {path}{suggestion}; nomes válidos: {names}",
                         "{option}: '{name}' is not in {path}{suggestion}; valid names: {names}"),
    "err.did_you_mean": (" (você quis dizer {names}?)", " (did you mean {names}?)"),
    "err.total_hbm": ("{where}: deve ser gpus x hbm_per_gpu_gb = {gpus} x {per_gpu:p} = {expected:p} "
                      "(recebido {value:p})",
                      "{where}: must be gpus x hbm_per_gpu_gb = {gpus} x {per_gpu:p} = {expected:p} "
                      "(got {value:p})"),
    "err.mla_with_window": ("{where}: MLA com camadas sliding/chunked não é suportado",
                            "{where}: MLA with sliding/chunked layers is not supported"),
    "err.head_dim_indivisible": ("{where}: head_dim ausente e hidden_size {hidden} não é divisível por "
                                 "num_attention_heads {heads}",
                                 "{where}: head_dim is absent and hidden_size {hidden} is not divisible by "
                                 "num_attention_heads {heads}"),
    "err.layer_types": ("{where}: deve ser uma lista de {layers} nomes (num_hidden_layers)",
                        "{where}: must be a list of {layers} names (num_hidden_layers)"),
    "err.pattern_unknown": ("{where}: padrão não reconhecido", "{where}: pattern not recognised"),
    "err.attention_pattern": ("{where}: deve ser 'full', 'sliding' ou 'hybrid' (recebido {value})",
                              "{where}: must be 'full', 'sliding' or 'hybrid' (got {value})"),
    "err.pattern_field_required": ("{where}: campo obrigatório para attention_pattern '{pattern}'",
                                   "{where}: required for attention_pattern '{pattern}'"),
    "err.pattern_sum": ("{where}: full_attention_layers ({full}) + sliding_attention_layers ({sliding}) deve "
                        "somar num_hidden_layers ({layers})",
                        "{where}: full_attention_layers ({full}) + sliding_attention_layers ({sliding}) must "
                        "add up to num_hidden_layers ({layers})"),
    "err.pattern_counts": ("{where}: '{pattern}' exige {full} full + {sliding} sliding",
                           "{where}: '{pattern}' requires {full} full + {sliding} sliding"),
    "err.unsizable_layers": ("{count} camadas '{kind}' ({what})", "{count} '{kind}' layers ({what})"),
    "layer_kind.linear_attention": ("atenção linear (Gated DeltaNet)", "linear attention (Gated DeltaNet)"),
    "layer_kind.mamba": ("Mamba/SSM", "Mamba/SSM"),
    "layer_kind.unknown": ("tipo desconhecido", "unknown kind"),
    "err.field_range": ("{where}: deve ser um inteiro de {low} a {high}", "{where}: must be an integer from {low} to {high}"),
    "err.unsizable": ("{where}: o modelo tem camadas que esta ferramenta não sabe dimensionar: {layers}; "
                      "o KV só seria correto para as camadas de atenção",
                      "{where}: the model has layers this tool cannot size: {layers}; the KV would only "
                      "be right for the attention layers"),
    "err.no_attention": ("{where}: nenhuma camada de atenção", "{where}: no attention layer"),
    "err.one_of": ("{where}: deve ser um de {choices}", "{where}: must be one of {choices}"),
    "err.not_above": ("{where}: não pode ser maior que {other}", "{where}: cannot be larger than {other}"),
    "err.aliases": ("{where}: deve ser uma lista de nomes", "{where}: must be a list of names"),
    "err.alias_repeated": ("{where}: nome '{alias}' repetido", "{where}: name '{alias}' repeated"),
    "err.config_not_object": ("{path}: o config deve ser um objeto JSON", "{path}: the config must be a JSON object"),
    "err.tensor_parallel_divides": ("--tensor-parallel: {tensor_parallel} não divide as {gpus} GPUs do "
                                    "servidor '{server}'",
                                    "--tensor-parallel: {tensor_parallel} does not divide the {gpus} GPUs of "
                                    "server '{server}'"),
    "err.roofline_missing": ("--tpot-slo-ms/--ttft-slo-ms: faltam dados para o roofline: {missing}",
                             "--tpot-slo-ms/--ttft-slo-ms: the roofline lacks: {missing}"),
    "err.model_or_config": ("informe --model NOME ou --model-config ARQUIVO (um dos dois)",
                            "give --model NAME or --model-config FILE (one of the two)"),
    "err.required": ("{option} é obrigatória", "{option} is required"),
    "err.concurrency_or_traffic": ("informe --concurrency N, ou --requests-per-second R com "
                                   "--mean-session-seconds S",
                                   "give --concurrency N, or --requests-per-second R with --mean-session-seconds S"),
    "err.concurrency_and_traffic": ("--concurrency não pode ser usada junto com --requests-per-second/"
                                    "--mean-session-seconds",
                                    "--concurrency cannot be used with --requests-per-second/"
                                    "--mean-session-seconds"),
    "err.traffic_bound": ("--requests-per-second × --mean-session-seconds: a concorrência resultante "
                          "({value:sci}) passa de 10^15",
                          "--requests-per-second × --mean-session-seconds: the resulting concurrency "
                          "({value:sci}) exceeds 10^15"),
    "err.choice": ("{option}: '{value}' inválida; use uma de: {choices}",
                   "{option}: '{value}' is not valid; use one of: {choices}"),
    "err.usage": ("{message}", "{message}"),
    "err.hub_gated": ("--model-config: '{model}' exige acesso em {endpoint} (HTTP {code}): aceite a licença na "
                      "página do modelo e defina HF_TOKEN com um token de leitura",
                      "--model-config: '{model}' needs access on {endpoint} (HTTP {code}): accept the license on "
                      "the model's page and set HF_TOKEN to a read token"),
    "err.hub_missing": ("--model-config: '{model}' não existe em {endpoint} (ou não tem config.json); confira o "
                        "nome, ou passe o caminho de um config.json",
                        "--model-config: '{model}' is not on {endpoint} (or has no config.json); check the name, "
                        "or give the path of a config.json"),
    "err.hub_http": ("--model-config: {endpoint} respondeu HTTP {code} para '{model}'; tente de novo mais tarde",
                     "--model-config: {endpoint} answered HTTP {code} for '{model}'; try again later"),
    "err.hub_unreachable": ("--model-config: não foi possível acessar {endpoint} ({reason}); sem rede, baixe o "
                            "config.json e passe o caminho do arquivo",
                            "--model-config: could not reach {endpoint} ({reason}); without a network, download "
                            "the config.json and give its path"),
    "err.too_many_layers": ("{where}: {layers} camadas; o limite é {maximum}", "{where}: {layers} layers; the limit is {maximum}"),
    "err.vllm_version": ("--vllm-version: '{text}' não é uma versão do vLLM entre 0.1 e {newest} (X.Y)",
                         "--vllm-version: '{text}' is not a vLLM release between 0.1 and {newest} (X.Y)"),
    "err.num_speculative_tokens_mtp": ("--num-speculative-tokens: {tokens} não é múltiplo das {layers} camadas MTP "
                                       "do modelo (o vLLM recusa)",
                                       "--num-speculative-tokens: {tokens} is not a multiple of the model's {layers} "
                                       "MTP layers (vLLM refuses it)"),
    "err.num_speculative_tokens_alone": ("--num-speculative-tokens pede --speculative",
                                         "--num-speculative-tokens needs --speculative"),
    "err.state_tp": ("--tensor-parallel {tp}: o estado das camadas {kind} ({channels} canais de convolução, {heads} "
                     "cabeças SSM) não se divide igualmente entre {tp} GPUs, e o vLLM exige isso",
                     "--tensor-parallel {tp}: the state of the {kind} layers ({channels} convolution channels, "
                     "{heads} SSM heads) does not split evenly across {tp} GPUs, as vLLM requires"),
    "err.log_no_kv": ("--calibrate-from: '{path}' não tem uma linha de KV do vLLM (\"Available KV cache memory\", "
                      "\"GPU KV cache size\" ou \"# GPU blocks\")",
                      "--calibrate-from: '{path}' has no vLLM KV line (\"Available KV cache memory\", \"GPU KV "
                      "cache size\" or \"# GPU blocks\")"),
    "err.log_no_pool": ("--calibrate-from: '{path}' é um log do {engine} sem a linha do pool de KV",
                        "--calibrate-from: '{path}' is a {engine} log without its KV pool line"),
    "err.log_zero_kv": ("--calibrate-from: em '{path}' a linha \"{line}\" não deixa nenhum bloco de KV",
                        "--calibrate-from: in '{path}' the line \"{line}\" leaves no KV block"),
    "err.log_model": ("--calibrate-from: o log '{path}' é do modelo '{logged}', não de '{model}'",
                      "--calibrate-from: the log '{path}' is of model '{logged}', not '{model}'"),
    "err.calibrate_conflict": ("--calibrate-from já dá a memória do motor: não use também --kv-cache-memory-bytes ou "
                               "--gpu-memory-utilization",
                               "--calibrate-from already gives the engine's memory: do not also pass "
                               "--kv-cache-memory-bytes or --gpu-memory-utilization"),
    "err.solve_nodes": ("--solve e --nodes andam juntas", "--solve and --nodes go together"),
    "err.solve_traffic": ("--solve responde por uma concorrência ou um contexto dados, não por um tráfego "
                          "(--requests-per-second)",
                          "--solve answers for a given concurrency or context, not for a traffic "
                          "(--requests-per-second)"),
    "err.tokens_need_traffic": ("--input-tokens e --output-tokens descrevem o tráfego: use-os com "
                                "--requests-per-second",
                                "--input-tokens and --output-tokens describe the traffic: use them with "
                                "--requests-per-second"),
    "err.too_many_combinations": ("as listas dão {n} combinações; o máximo é {maximum}",
                                  "the lists give {n} combinations; the maximum is {maximum}"),
    "err.list_item": ("{option}: lista com item vazio ('{value}'); separe os valores com vírgulas",
                      "{option}: list with an empty item ('{value}'); separate the values with commas"),
    "err.repeated_option": ("{option} dado mais de uma vez para uma configuração só",
                            "{option} given more than once for a single configuration"),
    "err.compare_unsupported": ("{option} responde a uma configuração só; não vale numa comparação",
                                "{option} answers for one configuration; it does not apply to a comparison"),
    "err.cost_basis": ("--node-price e --node-cost-per-hour: dê um só (compra amortizada ou aluguel por hora)",
                       "--node-price and --node-cost-per-hour: give one (amortized purchase or hourly rent)"),
    "err.disaggregated_traffic": ("--disaggregated: os pools de prefill e de decode se dimensionam pelo tráfego; "
                                  "dê --requests-per-second",
                                  "--disaggregated: the prefill and decode pools are sized by the traffic; give "
                                  "--requests-per-second"),
    "err.disaggregated_roofline": ("--disaggregated: o pool de prefill se dimensiona pelo roofline, e faltam {missing}",
                                   "--disaggregated: the prefill pool is sized by the roofline, and {missing} is "
                                   "missing"),
    "err.operating_point_roofline": ("sem --mean-session-seconds, a duração da sessão vem do roofline, e faltam "
                                     "fatos para ele: {missing}",
                                     "without --mean-session-seconds the session's duration comes from the "
                                     "roofline, and it lacks facts: {missing}"),
    "err.engine_state_layers": ("--kv-accounting: o pool do {engine} para estado Mamba ou de atenção linear não é "
                                "modelado, e '{model}' tem essas camadas; use --kv-accounting vllm ou spec",
                                "--kv-accounting: {engine}'s pool for Mamba or linear-attention state is not "
                                "modeled, and '{model}' has such layers; use --kv-accounting vllm or spec"),
    "err.mtp_layers": ("--speculative mtp: '{model}' não tem camadas MTP (num_nextn_predict_layers)",
                       "--speculative mtp: '{model}' has no MTP layers (num_nextn_predict_layers)"),
    "err.pipeline_layers": ("--pipeline-parallel: {stages} estágios para {layers} camadas; cada estágio precisa de "
                            "ao menos uma camada",
                            "--pipeline-parallel: {stages} stages for {layers} layers; every stage needs at least "
                            "one layer"),
    "err.pipeline_fit": ("--tensor-parallel × --pipeline-parallel: TP {tensor_parallel} × PP {stages} = {gpus} GPUs "
                         "não formam instâncias em nós inteiros de {node_gpus} GPUs ('{server}'); use um total que "
                         "divida {node_gpus} ou seja múltiplo dele",
                         "--tensor-parallel × --pipeline-parallel: TP {tensor_parallel} × PP {stages} = {gpus} GPUs "
                         "do not make instances of whole nodes of {node_gpus} GPUs ('{server}'); use a total that "
                         "divides {node_gpus} or is a multiple of it"),
    "err.dp_attention_mla": ("--data-parallel-attention: só vale para modelos MLA (DeepSeek, Kimi); '{model}' guarda "
                             "K e V por head",
                             "--data-parallel-attention: only for MLA models (DeepSeek, Kimi); '{model}' keeps K and "
                             "V per head"),
    "err.output_empty": ("{option}: caminho vazio", "{option}: empty path"),
    "err.output_twice": ("{option}: o mesmo arquivo foi pedido para duas saídas",
                         "{option}: the same file was asked for two outputs"),
    "err.output_is_input": ("{option}: '{path}' é o arquivo lido por {input_option}; escolha outro caminho",
                            "{option}: '{path}' is the file read by {input_option}; choose another path"),
    "err.output_permission": ("{option}: sem permissão para gravar '{path}'",
                              "{option}: no permission to write '{path}'"),
    "err.output_directory": ("{option}: '{path}' é um diretório", "{option}: '{path}' is a directory"),
    "err.output_no_folder": ("{option}: o diretório de '{path}' não existe",
                             "{option}: the folder of '{path}' does not exist"),
    "err.output_write": ("{option}: não foi possível gravar '{path}' ({reason})",
                         "{option}: could not write '{path}' ({reason})"),
    "err.fifo_no_reader": ("FIFO sem leitor", "FIFO with no reader"),
    "err.stdout_closed": ("a saída padrão está fechada", "standard output is closed"),
    "err.stdout_write": ("não foi possível escrever na saída padrão ({reason})",
                         "could not write to standard output ({reason})"),

    # -- rules applied to a config (the KV figure repeats them) -------------
    "rule.alias": ("'{alias}' é um alias de '{name}'", "'{alias}' is an alias of '{name}'"),
    "rule.text_config": ("config multimodal: text_config aninhado usado como o modelo de linguagem",
                         "multimodal config: the nested text_config is the language model"),
    "rule.class_default": ("{field} ausente do config: padrão de {model_type} = {value}",
                           "{field} absent from the config: {model_type} default = {value}"),
    "rule.mha": ("num_key_value_heads ausente: igual a num_attention_heads ({heads}, MHA)",
                 "num_key_value_heads absent: equal to num_attention_heads ({heads}, MHA)"),
    "rule.mqa": ("num_key_value_heads = 1: MQA, um único KV head", "num_key_value_heads = 1: MQA, a single KV head"),
    "rule.mla": ("MLA (kv_lora_rank {rank} + qk_rope_head_dim {rope}): um latente de {latent} elementos "
                 "por token por camada, sem fator 2 de K/V e sem heads",
                 "MLA (kv_lora_rank {rank} + qk_rope_head_dim {rope}): one latent of {latent} elements "
                 "per token per layer, with no K/V factor 2 and no heads"),
    "rule.attention_head_dim": ("head_dim lido de attention_head_dim", "head_dim read from attention_head_dim"),
    "rule.head_dim_from_hidden": ("head_dim ausente: hidden_size / num_attention_heads = {hidden} / {heads} = "
                                  "{head_dim}",
                                  "head_dim absent: hidden_size / num_attention_heads = {hidden} / {heads} = "
                                  "{head_dim}"),
    "rule.attention_is_full": ("layer_types 'attention' é atenção full (Granite 4.0)",
                               "layer_types 'attention' is full attention (Granite 4.0)"),
    "rule.retained_tokens": ("MTP com vários módulos: cada janela deslizante guarda mais {tokens} token(s) abaixo "
                             "dela (vLLM 0.33, extra_retained_tokens)",
                             "multi-module MTP: every sliding window keeps {tokens} more token(s) below it "
                             "(vLLM 0.33, extra_retained_tokens)"),
    "rule.draft_layers": ("decodificação especulativa {method}: mais {layers} camada(s) de atenção do drafter, no "
                          "mesmo pool de KV",
                          "{method} speculative decoding: {layers} more attention layer(s) of the drafter, in the "
                          "same KV pool"),
    "rule.layer_types": ("tipos de camada lidos de layer_types", "layer kinds read from layer_types"),
    "rule.hybrid_override_pattern": ("hybrid_override_pattern: '*' = atenção, 'M' = Mamba, '-'/'E' = MLP/MoE "
                                     "sem KV",
                                     "hybrid_override_pattern: '*' = attention, 'M' = Mamba, '-'/'E' = MLP/MoE "
                                     "with no KV"),
    "rule.parallel_hybrid": ("Falcon-H1: cada camada tem atenção e um misturador Mamba2 lado a lado, e guarda "
                             "os dois caches (conta como uma camada full e uma Mamba)",
                             "Falcon-H1: every layer has attention and a Mamba2 mixer side by side and keeps both "
                             "caches (it counts as one full and one Mamba layer)"),
    "rule.attn_layer_period": ("attn_layer_period {period}, attn_layer_offset {offset}: atenção nas camadas i com "
                               "i mod {period} = {offset}, as demais Mamba (Jamba)",
                               "attn_layer_period {period}, attn_layer_offset {offset}: attention on layers i with "
                               "i mod {period} = {offset}, the others Mamba (Jamba)"),
    "rule.full_attention_interval": ("full_attention_interval {interval}: uma camada full a cada {interval}, "
                                     "as demais lineares",
                                     "full_attention_interval {interval}: one full layer every {interval}, "
                                     "the others linear"),
    "rule.chunked_interval": ("attention_chunk_size com no_rope_layer_interval {interval}: uma camada full "
                              "(NoPE) a cada {interval}, as demais chunked",
                              "attention_chunk_size with no_rope_layer_interval {interval}: one full (NoPE) "
                              "layer every {interval}, the others chunked"),
    "rule.sliding_window_pattern": ("sliding_window_pattern {every}: uma camada full a cada {every}, as "
                                    "demais sliding (estilo Gemma)",
                                    "sliding_window_pattern {every}: one full layer every {every}, the "
                                    "others sliding (Gemma style)"),
    "rule.use_sliding_window_false": ("sliding_window presente mas use_sliding_window = false: todas as "
                                      "camadas full (estilo Qwen2)",
                                      "sliding_window present but use_sliding_window = false: every layer "
                                      "full (Qwen2 style)"),
    "rule.sliding_every_layer": ("sliding_window sem padrão por camada: todas as camadas sliding "
                                 "(estilo Mistral)",
                                 "sliding_window with no per-layer pattern: every layer sliding (Mistral style)"),
    "rule.all_full": ("sem sliding_window nem layer_types: todas as camadas full",
                      "no sliding_window nor layer_types: every layer full"),

    # -- layer kinds ---------------------------------------------------------
    "layer.full": ("{count} full", "{count} full"),
    "layer.sliding": ("{count} sliding (janela {window})", "{count} sliding (window {window})"),
    "layer.chunked": ("{count} chunked (bloco {chunk})", "{count} chunked (chunk {chunk})"),
    "layer.mla": ("{count} MLA", "{count} MLA"),
    "layer.state": ("{count} {kind} (estado constante)", "{count} {kind} (constant state)"),

    # -- formulas: identifiers and the values substituted --------------------
    "formula.weights_checkpoint": ("weights_bytes (tamanho do checkpoint) = {size} bytes",
                                   "weights_bytes (checkpoint size) = {size} bytes"),
    "formula.weights_index": ("metadata.total_size de model.safetensors.index.json = {size} bytes",
                              "metadata.total_size of model.safetensors.index.json = {size} bytes"),
    "formula.weights_split": ("parâmetros lineares × bytes ({linear_precision}) + demais × bytes ({base_precision}) = "
                              "{linear} × {linear_bytes:p} + {other} × {base_bytes:p} = {size} bytes",
                              "linear parameters × bytes ({linear_precision}) + the rest × bytes ({base_precision}) = "
                              "{linear} × {linear_bytes:p} + {other} × {base_bytes:p} = {size} bytes"),
    "formula.weights_per_node_spanning": ("weights_per_instance / nodes_per_instance = {per_instance_gib:f2} / {nodes} "
                                          "= {per_node_gib:f2} GiB",
                                          "weights_per_instance / nodes_per_instance = {per_instance_gib:f2} / {nodes} "
                                          "= {per_node_gib:f2} GiB"),
    "formula.overhead_auto": ("weights_per_node_gib + GPUs × (pico de ativações + fixo) = {weights_gib:f2} + {gpus} × "
                              "({activation_gib:f2} + {fixed_gib:p}) = {overhead_gib:f2} GiB",
                              "weights_per_node_gib + GPUs × (activation peak + fixed) = {weights_gib:f2} + {gpus} × "
                              "({activation_gib:f2} + {fixed_gib:p}) = {overhead_gib:f2} GiB"),
    "formula.kv_cache_memory_bytes": ("kv_cache_memory_bytes × GPUs = {per_gpu:f0} × {gpus} = {gib:f2} GiB",
                                      "kv_cache_memory_bytes × GPUs = {per_gpu:f0} × {gpus} = {gib:f2} GiB"),
    "formula.engine_memory": ("(gpu_memory_utilization × bytes visíveis ao CUDA - pesos por GPU - ativações e fixo) × "
                              "GPUs = ({utilization:p} × {visible:f0} - {weights:f0} - {allowance:f0}) × {gpus} = "
                              "{gib:f2} GiB",
                              "(gpu_memory_utilization × CUDA-visible bytes - weights per GPU - activations and fixed) × "
                              "GPUs = ({utilization:p} × {visible:f0} - {weights:f0} - {allowance:f0}) × {gpus} = "
                              "{gib:f2} GiB"),
    "formula.engine_memory_none": ("gpu_memory_utilization × bytes visíveis ao CUDA = {utilization:p} × {visible:f0} "
                                   "<= pesos por GPU + ativações e fixo = {weights:f0} + {allowance:f0}: nenhuma "
                                   "memória para KV",
                                   "gpu_memory_utilization × CUDA-visible bytes = {utilization:p} × {visible:f0} <= "
                                   "weights per GPU + activations and fixed = {weights:f0} + {allowance:f0}: no memory "
                                   "for KV"),
    "formula.kv_budget_engine": ("memória de KV do motor = {engine_gib:f4} GiB", "the engine's KV memory = {engine_gib:f4} GiB"),
    "formula.kv_budget_none": ("(hbm_total_gib - runtime_overhead_gib) × kv_budget_ratio = ({hbm_gib:f4} - "
                               "{overhead:p}) × ... <= 0: nenhuma memória para KV",
                               "(hbm_total_gib - runtime_overhead_gib) × kv_budget_ratio = ({hbm_gib:f4} - "
                               "{overhead:p}) × ... <= 0: no memory for KV"),
    "formula.infeasible": ("inviável: {reason}", "infeasible: {reason}"),
    "formula.sessions_stages": ("instances_per_node × min(floor(stage_budget / stage_kv) por estágio) = {instances} × "
                                "min({terms})",
                                "instances_per_node × min(floor(stage_budget / stage_kv) per stage) = {instances} × "
                                "min({terms})"),
    "formula.stage_term": ("floor({stage_gib:f4} / {kv_gib:f4})", "floor({stage_gib:f4} / {kv_gib:f4})"),
    "formula.stage_term_dp": ("{groups} × floor({stage_gib:f4} / {groups} / {kv_gib:f4})",
                              "{groups} × floor({stage_gib:f4} / {groups} / {kv_gib:f4})"),
    "formula.nodes_capacity_spanning": ("ceil(concurrency / sessions_per_instance) × nodes_per_instance = "
                                        "ceil({concurrency} / {sessions}) × {nodes_per_instance} = {nodes}",
                                        "ceil(concurrency / sessions_per_instance) × nodes_per_instance = "
                                        "ceil({concurrency} / {sessions}) × {nodes_per_instance} = {nodes}"),
    "formula.nodes_headroom_spanning": ("ceil(concurrency × (1 + peak_headroom_ratio) / sessions_per_instance) × "
                                        "nodes_per_instance = ceil({concurrency} × (1 + {headroom:p}) / {sessions}) × "
                                        "{nodes_per_instance} = {nodes}",
                                        "ceil(concurrency × (1 + peak_headroom_ratio) / sessions_per_instance) × "
                                        "nodes_per_instance = ceil({concurrency} × (1 + {headroom:p}) / {sessions}) × "
                                        "{nodes_per_instance} = {nodes}"),
    "formula.nodes_final_spanning": ("nodes_with_headroom + ha_extra_instances × nodes_per_instance = "
                                     "{nodes_headroom} + {ha} × {nodes_per_instance} = {nodes}",
                                     "nodes_with_headroom + ha_extra_instances × nodes_per_instance = "
                                     "{nodes_headroom} + {ha} × {nodes_per_instance} = {nodes}"),
    "formula.weights_parameters": ("total_parameters × bytes por parâmetro ({precision}) = {params} × "
                                   "{per_param:p} = {size} bytes",
                                   "total_parameters × bytes per parameter ({precision}) = {params} × "
                                   "{per_param:p} = {size} bytes"),
    "expl.kv_state": ("Camadas Mamba/atenção linear guardam um estado constante por sessão (estado de convolução "
                      "+ estado SSM, divididos pelo TP), não K/V por token: na base spec entram com os bytes desse "
                      "estado.",
                      "Mamba/linear-attention layers keep a constant state per session (convolution state + SSM "
                      "state, split by TP), not K/V per token: the spec basis adds the bytes of that state."),
    "expl.kv_state_blocks": ("No vLLM cada camada de estado ocupa {blocks} página(s) por pedido (1 sem prefix "
                             "caching, 2 com ele, mais uma por token especulativo), com a página completada até a "
                             "da atenção.",
                             "In vLLM every state layer takes {blocks} page(s) per request (1 without prefix "
                             "caching, 2 with it, plus one per speculative token), the page padded to the "
                             "attention page."),
    "expl.kv_block_aligned": ("O vLLM aumenta o bloco de atenção de {requested} para {block} tokens para que uma "
                              "página de atenção comporte o estado de uma camada ({state_page} bytes por GPU).",
                              "vLLM enlarges the attention block from {requested} to {block} tokens so that one "
                              "attention page holds one layer's state ({state_page} bytes per GPU)."),
    "formula.calibrated_blocks": ("{blocks} blocos × {per_block:p} bytes por bloco = {bytes:p} bytes por GPU",
                                  "{blocks} blocks × {per_block:p} bytes per block = {bytes:p} bytes per GPU"),
    "formula.calibrated_tokens": ("{tokens} tokens / {block_size} por bloco × {per_block:p} bytes por bloco = "
                                  "{bytes:p} bytes por GPU",
                                  "{tokens} tokens / {block_size} per block × {per_block:p} bytes per block = "
                                  "{bytes:p} bytes per GPU"),
    "formula.calibrated_pool": ("{tokens} tokens do log × {cell:p} bytes por token = {bytes:p} bytes por GPU",
                                "{tokens} tokens from the log × {cell:p} bytes per token = {bytes:p} bytes per GPU"),
    "formula.calibrated_swa_pools": ("{full} tokens full × {full_bytes:p} + {swa} tokens SWA × {swa_bytes:p} = "
                                     "{bytes:p} bytes por GPU",
                                     "{full} full tokens × {full_bytes:p} + {swa} SWA tokens × {swa_bytes:p} = "
                                     "{bytes:p} bytes per GPU"),
    "formula.calibration_pool_gap": ("a memória do pool / a do log - 1 = {ours:f4} GiB / {logged:p} GiB - 1 = {gap:f2}%",
                                     "the pool's memory / the log's - 1 = {ours:f4} GiB / {logged:p} GiB - 1 = "
                                     "{gap:f2}%"),
    "formula.calibrated_gib": ("{gib:p} GiB × 2^30 = {bytes:p} bytes por GPU",
                               "{gib:p} GiB × 2^30 = {bytes:p} bytes per GPU"),
    "formula.calibrated_memory": ("{derivation}; × {gpus} GPUs = {gib:f2} GiB", "{derivation}; × {gpus} GPUs = {gib:f2} GiB"),
    "formula.calibration_gap": ("concorrência recalculada / a do log - 1 = {ours:f2}x / {logged:p}x - 1 = {gap:f2}%",
                                "recomputed concurrency / the log's - 1 = {ours:f2}x / {logged:p}x - 1 = {gap:f2}%"),
    "expl.calibration_pool_gap": ("Os tokens do log, aos bytes por token que estas regras dão ao modelo, contra a "
                                  "memória que o mesmo log imprime (K + V do SGLang, em GiB rotulados \"GB\"; "
                                  "\"Allocated\" do TensorRT-LLM): perto de 0% quer dizer que camadas, heads, dtype "
                                  "do KV e TP batem com o deployment.",
                                  "The log's tokens, at the bytes per token these rules give the model, against the "
                                  "memory the same log prints (SGLang's K + V, in GiB labelled \"GB\"; TensorRT-LLM's "
                                  "\"Allocated\"): near 0% means the layers, heads, KV dtype and TP match the "
                                  "deployment."),
    "expl.calibrated_memory": ("Calibrado pelo log do próprio deployment (--calibrate-from): a memória de KV que o "
                               "motor teve, já sem pesos, ativações e a utilização. Linha do log: \"{line}\". Ela "
                               "substitui o overhead e o budget do guia; headroom e HA dos cenários continuam valendo.",
                               "Calibrated from the deployment's own log (--calibrate-from): the KV memory the engine "
                               "had, with weights, activations and utilization already taken out. Log line: "
                               "\"{line}\". It replaces the guide's overhead and budget; the scenarios' headroom and "
                               "HA still apply."),
    "expl.calibration_gap": ("A concorrência máxima que estas regras dão para a memória e o max_model_len do log, "
                             "comparada com a que o próprio vLLM imprimiu: perto de 0% quer dizer que o modelo, o TP, "
                             "o dtype do KV e o bloco batem com o deployment.",
                             "The maximum concurrency these rules give for the log's memory and max_model_len, "
                             "against the one vLLM itself printed: near 0% means the model, TP, KV dtype and block "
                             "match the deployment."),
    "label.calibration_concurrency_gap_percent": ("Diferença de concorrência contra o log",
                                                  "Concurrency gap against the log"),
    "label.calibration_memory_gap_percent": ("Diferença de memória contra o log", "Memory gap against the log"),
    "formula.calibration_memory_gap": ("memória dos blocos / a do log - 1 = {ours:f4} GiB / {logged:p} GiB - 1 = "
                                       "{gap:f2}%",
                                       "the blocks' memory / the log's - 1 = {ours:f4} GiB / {logged:p} GiB - 1 = "
                                       "{gap:f2}%"),
    "expl.calibration_memory_gap": ("Os blocos do log, com o tamanho de bloco que estas regras dão ao modelo, "
                                    "comparados com a linha \"Available KV cache memory\" do mesmo log: perto de 0% "
                                    "quer dizer que camadas, heads, dtype do KV e TP batem com o deployment.",
                                    "The log's blocks, at the block size these rules give the model, against the "
                                    "same log's \"Available KV cache memory\" line: near 0% means the layers, heads, "
                                    "KV dtype and TP match the deployment."),
    "formula.kv_bytes_state": ("{factor}({terms}) × {elements} × {bytes_per_element:p} + {state} = {kv_bytes} bytes",
                               "{factor}({terms}) × {elements} × {bytes_per_element:p} + {state} = {kv_bytes} bytes"),
    "formula.kv_bytes": ("{factor}({terms}) × {elements} × {bytes_per_element:p} = {kv_bytes} bytes",
                         "{factor}({terms}) × {elements} × {bytes_per_element:p} = {kv_bytes} bytes"),
    "formula.kv_gib": ("kv_per_session_bytes / 2^30 = {kv_bytes} / {gib_bytes} = {kv_gib:f4} GiB",
                       "kv_per_session_bytes / 2^30 = {kv_bytes} / {gib_bytes} = {kv_gib:f4} GiB"),
    "formula.hbm_total": ("total_hbm_gb × 10^9 / 2^30 = {total_hbm_gb:p} × 10^9 / 2^30 = {hbm_gib:f4} GiB",
                          "total_hbm_gb × 10^9 / 2^30 = {total_hbm_gb:p} × 10^9 / 2^30 = {hbm_gib:f4} GiB"),
    "formula.weights_per_instance": ("{weights} = {gib:f2} GiB", "{weights} = {gib:f2} GiB"),
    "formula.weights_per_node": ("instances_per_node × weights_per_instance = {instances} × "
                                 "{per_instance_gib:f2} = {per_node_gib:f2} GiB",
                                 "instances_per_node × weights_per_instance = {instances} × "
                                 "{per_instance_gib:f2} = {per_node_gib:f2} GiB"),
    "formula.kv_budget": ("(hbm_total_gib - runtime_overhead_gib) × kv_budget_ratio = ({hbm_gib:f4} - "
                          "{overhead:p}) × {ratio:p} = {budget_gib:f4} GiB",
                          "(hbm_total_gib - runtime_overhead_gib) × kv_budget_ratio = ({hbm_gib:f4} - "
                          "{overhead:p}) × {ratio:p} = {budget_gib:f4} GiB"),
    "formula.sessions_one": ("floor(kv_budget_gib / kv_per_session_gib) = floor({budget_gib:f4} / {kv_gib:f4})",
                             "floor(kv_budget_gib / kv_per_session_gib) = floor({budget_gib:f4} / {kv_gib:f4})"),
    "formula.sessions_many": ("instances_per_node × floor(kv_budget_gib / instances_per_node / "
                              "kv_per_session_gib) = {instances} × floor({budget_gib:f4} / {instances} / "
                              "{kv_gib:f4})",
                              "instances_per_node × floor(kv_budget_gib / instances_per_node / "
                              "kv_per_session_gib) = {instances} × floor({budget_gib:f4} / {instances} / "
                              "{kv_gib:f4})"),
    "formula.sessions_cap": (", limitado a max_num_seqs {max_num_seqs} por instância",
                             ", capped at max_num_seqs {max_num_seqs} per instance"),
    "formula.sessions": ("{expression}{cap}{nonpositive} = {sessions}", "{expression}{cap}{nonpositive} = {sessions}"),
    "formula.cap_value": ("{name} {value}", "{name} {value}"),
    "formula.cap_free": ("{name} não limita", "{name} does not bind"),
    "formula.sessions_latency": ("instances_per_node × min(memória {memory}, {caps}) por instância = {sessions}",
                                 "instances_per_node × min(memory {memory}, {caps}) per instance = {sessions}"),
    "formula.sessions_other": ("mesma conta com o KV por sessão da base {basis} ({kv_gib:f4} GiB) = {sessions}",
                               "same count with the KV per session of the {basis} basis ({kv_gib:f4} GiB) = "
                               "{sessions}"),
    "formula.tpot_after_failure": ("TPOT com ceil(concurrency / instâncias restantes) = ceil({concurrency} / "
                                   "{instances:p}) sessões por instância (no máximo o que a memória admite) = {batch} "
                                   "-> {ms:f2} ms",
                                   "TPOT at ceil(concurrency / instances left) = ceil({concurrency} / {instances:p}) "
                                   "sessions per instance (at most what memory admits) = {batch} -> {ms:f2} ms"),
    "formula.operating_point": ("ceil(R × (TTFT + saída × TPOT(lote))) = ceil({rate:p} × ({ttft:f3} + {output} × "
                                "{tpot_ms:f3} ms)) = ceil({rate:p} × {seconds:f3} s) = {concurrency}, no lote "
                                "min(C, sessões por instância) = {batch}",
                                "ceil(R × (TTFT + output × TPOT(batch))) = ceil({rate:p} × ({ttft:f3} + {output} × "
                                "{tpot_ms:f3} ms)) = ceil({rate:p} × {seconds:f3} s) = {concurrency}, at batch "
                                "min(C, sessions per instance) = {batch}"),
    "solve.concurrency": ("concorrência", "concurrency"),
    "solve.context": ("contexto", "context"),
    "formula.solve": ("maior {kind} com nodes_final <= {nodes}: nodes_final({answer}) = {at}, nodes_final({next}) = "
                      "{next_nodes}",
                      "largest {kind} with nodes_final <= {nodes}: nodes_final({answer}) = {at}, nodes_final({next}) = "
                      "{next_nodes}"),
    "formula.solve_none": ("nenhum valor de {kind} cabe em {nodes} nó(s): já com 1, nodes_final = {needed}",
                           "no {kind} fits {nodes} node(s): already at 1, nodes_final = {needed}"),
    "formula.solve_all": ("todo valor de {kind} cabe em {nodes} nó(s): até o limite {answer}, nodes_final = {at}",
                          "every {kind} fits {nodes} node(s): up to the limit {answer}, nodes_final = {at}"),
    "expl.solve_concurrency": ("A pergunta inversa: quantas sessões simultâneas {nodes} nós comportam neste cenário "
                               "(com a folga e a reserva dele), por busca exata em inteiros.",
                               "The inverse question: how many concurrent sessions {nodes} nodes hold in this "
                               "scenario (with its headroom and reserve), by an exact search on integers."),
    "expl.solve_context": ("A pergunta inversa: o maior contexto por sessão com que {nodes} nós servem a "
                           "concorrência pedida neste cenário (com a folga e a reserva dele), por busca exata em "
                           "inteiros.",
                           "The inverse question: the longest context per session with which {nodes} nodes serve the "
                           "requested concurrency in this scenario (with its headroom and reserve), by an exact "
                           "search on integers."),
    "label.solve_concurrency": ("Sessões que {nodes} nós comportam", "Sessions {nodes} nodes hold"),
    "label.solve_context": ("Maior contexto em {nodes} nós", "Longest context on {nodes} nodes"),
    "solve.line": ("{value}", "{value}"),
    "value.solve_concurrency": ("{scenario}: {n} sessões", "{scenario}: {n} sessions"),
    "value.solve_context": ("{scenario}: {n} tokens", "{scenario}: {n} tokens"),
    "formula.prefill_demand": ("requests_per_second × TTFT = {rate:p} × {ttft_s:f3} s = {demand:f2} instância·s/s",
                               "requests_per_second × TTFT = {rate:p} × {ttft_s:f3} s = {demand:f2} instance·s/s"),
    "formula.nodes_prefill": ("ceil(demanda de prefill / instâncias por nó) = ceil({demand:f2} / {per_node:p}) = {nodes}",
                              "ceil(prefill demand / instances per node) = ceil({demand:f2} / {per_node:p}) = {nodes}"),
    "formula.nodes_headroom_prefill": ("max(pela memória, ceil(demanda de prefill × (1 + headroom) / instâncias por "
                                       "nó)) = max({memory}, ceil({demand:f2} × (1 + {headroom:p}) / {per_node:p})) "
                                       "= {nodes}",
                                       "max(by memory, ceil(prefill demand × (1 + headroom) / instances per node)) = "
                                       "max({memory}, ceil({demand:f2} × (1 + {headroom:p}) / {per_node:p})) = {nodes}"),
    "formula.goodput_meets": ("TPOT {tpot:f2} ms <= meta {slo:p} ms: todos os {rate:f1} tokens/s do nó contam",
                              "TPOT {tpot:f2} ms <= target {slo:p} ms: all {rate:f1} tokens/s of the node count"),
    "formula.goodput_misses": ("TPOT {tpot:f2} ms > meta {slo:p} ms: nenhum dos {rate:f1} tokens/s do nó conta = 0",
                               "TPOT {tpot:f2} ms > target {slo:p} ms: none of the node's {rate:f1} tokens/s counts "
                               "= 0"),
    "formula.prefill_pool_nodes": ("ceil(demanda de prefill × (1 + headroom) / instâncias por nó) + reserva = "
                                   "ceil({demand:f2} × (1 + {headroom:p}) / {per_node:p}) + {ha} = {nodes} + {ha} = "
                                   "{total}",
                                   "ceil(prefill demand × (1 + headroom) / instances per node) + reserve = "
                                   "ceil({demand:f2} × (1 + {headroom:p}) / {per_node:p}) + {ha} = {nodes} + {ha} = "
                                   "{total}"),
    "formula.nodes_final_disaggregated": ("prefill_pool_nodes + decode_pool_nodes = {prefill} + {decode} = {nodes}",
                                          "prefill_pool_nodes + decode_pool_nodes = {prefill} + {decode} = {nodes}"),
    "formula.nodes_aggregated": ("o mesmo tráfego em nós que fazem prefill e decode: {nodes} (desagregado: {total})",
                                 "the same traffic on nodes that run prefill and decode: {nodes} (disaggregated: "
                                 "{total})"),
    "formula.kv_transfer": ("KV do prompt / kv_transfer_gb_s = {bytes} bytes / {rate:p} GB/s = {seconds:f3} s",
                            "prompt KV / kv_transfer_gb_s = {bytes} bytes / {rate:p} GB/s = {seconds:f3} s"),
    "formula.ttft_disaggregated": ("TTFT + transferência do KV = {ttft_s:f3} + {transfer:f3} = {total:f3} s",
                                   "TTFT + KV transfer = {ttft_s:f3} + {transfer:f3} = {total:f3} s"),
    "formula.power_kw": ("nós × potência máxima do nó = {nodes} × {kw:p} kW = {total:f1} kW",
                         "nodes × node maximum power = {nodes} × {kw:p} kW = {total:f1} kW"),
    "formula.cost_hourly": ("{hourly:p} USD/h × {hours} h = {per_node:f2} USD por nó-mês",
                            "{hourly:p} USD/h × {hours} h = {per_node:f2} USD per node-month"),
    "formula.cost_purchase": ("{price:p} USD / {months} meses = {per_node:f2} USD por nó-mês",
                              "{price:p} USD / {months} months = {per_node:f2} USD per node-month"),
    "formula.cost_energy": (" + energia {nodes} × {kw:p} kW × {hours} h × {rate:p} USD/kWh = {energy:f2} USD",
                            " + energy {nodes} × {kw:p} kW × {hours} h × {rate:p} USD/kWh = {energy:f2} USD"),
    "formula.monthly_cost": ("{nodes} nós × ({node}){energy} = {total:f2} USD/mês",
                             "{nodes} nodes × ({node}){energy} = {total:f2} USD/month"),
    "formula.cost_per_million": ("custo mensal / (concorrência × tokens/s por sessão × s por mês) × 10^6 = "
                                 "{monthly:f2} / ({concurrency} × {rate:f2} × {seconds}) × 10^6 = {total:f4} USD",
                                 "monthly cost / (concurrency × tokens/s per session × s per month) × 10^6 = "
                                 "{monthly:f2} / ({concurrency} × {rate:f2} × {seconds}) × 10^6 = {total:f4} USD"),
    "formula.decode_demand": ("requests_per_second × output_tokens = {rate:p} × {tokens} = {demand:f1} tokens/s",
                              "requests_per_second × output_tokens = {rate:p} × {tokens} = {demand:f1} tokens/s"),
    "formula.nodes_decode": ("ceil(demanda de decode / tokens/s por nó) = ceil({demand:f1} / {per_node:f1}) = {nodes}",
                             "ceil(decode demand / tokens/s per node) = ceil({demand:f1} / {per_node:f1}) = {nodes}"),
    "formula.nodes_headroom_decode": ("max(contagem anterior, ceil(demanda de decode × (1 + headroom) / tokens/s por "
                                      "nó)) = max({memory}, ceil({demand:f1} × (1 + {headroom:p}) / {per_node:f1})) "
                                      "= {nodes}",
                                      "max(count so far, ceil(decode demand × (1 + headroom) / tokens/s per node)) = "
                                      "max({memory}, ceil({demand:f1} × (1 + {headroom:p}) / {per_node:f1})) = "
                                      "{nodes}"),
    "formula.nodes_capacity": ("ceil(concurrency / sessions_per_node) = ceil({concurrency} / {sessions}) = {nodes}",
                               "ceil(concurrency / sessions_per_node) = ceil({concurrency} / {sessions}) = {nodes}"),
    "formula.nodes_headroom": ("ceil(concurrency × (1 + peak_headroom_ratio) / sessions_per_node) = "
                               "ceil({concurrency} × (1 + {headroom:p}) / {sessions}) = {nodes}",
                               "ceil(concurrency × (1 + peak_headroom_ratio) / sessions_per_node) = "
                               "ceil({concurrency} × (1 + {headroom:p}) / {sessions}) = {nodes}"),
    "formula.nodes_final": ("nodes_with_headroom + ha_extra_nodes = {nodes_headroom} + {ha} = {nodes}",
                            "nodes_with_headroom + ha_extra_nodes = {nodes_headroom} + {ha} = {nodes}"),
    "formula.nodes_capacity_none": ("ceil(concurrency / sessions_per_node) = indefinido (0 sessões por nó)",
                                    "ceil(concurrency / sessions_per_node) = undefined (0 sessions per node)"),
    "formula.nodes_headroom_none": ("ceil(concurrency × (1 + peak_headroom_ratio) / sessions_per_node) = "
                                    "indefinido (0 sessões por nó)",
                                    "ceil(concurrency × (1 + peak_headroom_ratio) / sessions_per_node) = "
                                    "undefined (0 sessions per node)"),
    "formula.nodes_final_none": ("nodes_with_headroom + ha_extra_nodes = indefinido (0 sessões por nó)",
                                 "nodes_with_headroom + ha_extra_nodes = undefined (0 sessions per node)"),
    "formula.littles_law": ("ceil(requests_per_second × mean_session_seconds) = ceil({rate:p} × {seconds:p}) = "
                            "{concurrency}",
                            "ceil(requests_per_second × mean_session_seconds) = ceil({rate:p} × {seconds:p}) = "
                            "{concurrency}"),
    "formula.ttft": ("(2 × {active} × {tokens} + 4 × {heads} × {head_dim} × {pairs}) / {flops_s:sci} FLOP/s = "
                     "{seconds:f3} s",
                     "(2 × {active} × {tokens} + 4 × {heads} × {head_dim} × {pairs}) / {flops_s:sci} FLOP/s = "
                     "{seconds:f3} s"),
    "formula.weights_load": ("pesos do nó / throughput de leitura = {bytes} bytes / {throughput:p} GB/s = "
                             "{seconds:f3} s",
                             "weights of the node / read throughput = {bytes} bytes / {throughput:p} GB/s = "
                             "{seconds:f3} s"),
    "formula.kv_restore": ("latência p99 + kv_per_session_bytes / throughput = {latency:p} ms + {kv_bytes} / "
                           "{throughput:p} GB/s = {seconds:f3} s",
                           "p99 latency + kv_per_session_bytes / throughput = {latency:p} ms + {kv_bytes} / "
                           "{throughput:p} GB/s = {seconds:f3} s"),
    "formula.sessions_restored": ("throughput / kv_per_session_bytes = {throughput:p} GB/s / {kv_bytes} bytes = "
                                  "{rate:f2}",
                                  "throughput / kv_per_session_bytes = {throughput:p} GB/s / {kv_bytes} bytes = "
                                  "{rate:f2}"),
    "formula.tpot": ("max(bytes dos pesos / banda, 2 × parâmetros ativos × lote / FLOPS de decode) + max(KV do lote "
                     "/ banda, FLOPs de atenção do lote / FLOPS de decode) = max({weight_bytes_ms:f3}, "
                     "{weight_flops_ms:f3}) + max({kv_ms:f3}, {attention_ms:f3}) = {ms:f2} ms",
                     "max(weight bytes / bandwidth, 2 × active parameters × batch / decode FLOPS) + max(batch KV / "
                     "bandwidth, batch attention FLOPs / decode FLOPS) = max({weight_bytes_ms:f3}, "
                     "{weight_flops_ms:f3}) + max({kv_ms:f3}, {attention_ms:f3}) = {ms:f2} ms"),
    "formula.tokens_session": ("1 / TPOT = 1 / {seconds:f5} s = {rate:f1}", "1 / TPOT = 1 / {seconds:f5} s = {rate:f1}"),
    "formula.tokens_node": ("instâncias × lote / TPOT = {instances} × {batch} / {seconds:f5} s = {rate:f1}",
                            "instances × batch / TPOT = {instances} × {batch} / {seconds:f5} s = {rate:f1}"),
    "formula.failover_restore": ("latência p99 + sessões × KV / (throughput × nós que assumem) = {latency:p} ms + "
                                 "{sessions} × {kv_bytes} / ({throughput:p} GB/s × {receivers}) = {seconds:f3} s",
                                 "p99 latency + sessions × KV / (throughput × nodes taking over) = {latency:p} ms + "
                                 "{sessions} × {kv_bytes} / ({throughput:p} GB/s × {receivers}) = {seconds:f3} s"),
    "formula.failover_recompute": ("sessões × TTFT / (nós que assumem × instâncias) = {sessions} × {ttft_s:f3} s / "
                                   "({receivers} × {instances}) = {seconds:f3} s",
                                   "sessions × TTFT / (nodes taking over × instances) = {sessions} × {ttft_s:f3} s / "
                                   "({receivers} × {instances}) = {seconds:f3} s"),
    "formula.vllm_group": ("{groups} {kind}", "{groups} {kind}"),
    "formula.vllm_gpu_blocks_stages": ("floor(kv_budget_bytes_per_gpu / (camadas do bloco no estágio mais cheio × "
                                       "page_bytes)) = floor({per_gpu:f0} / ({group_size} × {page:p})) = {blocks}",
                                       "floor(kv_budget_bytes_per_gpu / (block layers on the fullest stage × "
                                       "page_bytes)) = floor({per_gpu:f0} / ({group_size} × {page:p})) = {blocks}"),
    "formula.vllm_gpu_blocks": ("floor(kv_budget_bytes_per_gpu / (kv_cache_group_size × page_bytes)) = floor({per_gpu:f0} "
                                "/ ({group_size} × {page:p})) = {blocks}",
                                "floor(kv_budget_bytes_per_gpu / (kv_cache_group_size × page_bytes)) = floor({per_gpu:f0} "
                                "/ ({group_size} × {page:p})) = {blocks}"),
    "formula.vllm_max_concurrency_tokens": ("gpu_blocks × block_size / max_model_len = {blocks} × {block_size} / "
                                            "{context} = {concurrency:f2}",
                                            "gpu_blocks × block_size / max_model_len = {blocks} × {block_size} / "
                                            "{context} = {concurrency:f2}"),
    "formula.sessions_pool": ("instances_per_node × floor(gpu_blocks / blocks_per_request) = {instances} × "
                              "floor({blocks} / {per_request})",
                              "instances_per_node × floor(gpu_blocks / blocks_per_request) = {instances} × "
                              "floor({blocks} / {per_request})"),
    "formula.sessions_token_pool": ("instances_per_node × min(floor(tokens do pool / tokens por requisição)) = "
                                    "{instances} × min({terms})",
                                    "instances_per_node × min(floor(pool tokens / tokens per request)) = "
                                    "{instances} × min({terms})"),
    "formula.token_pool_term": ("floor({tokens} / {per_request})", "floor({tokens} / {per_request})"),
    "formula.sglang_tokens": ("floor(int(kv_budget_bytes_per_gpu) / cell_size) alinhado a page_size = "
                              "floor({per_gpu:f0} / {cell:p}) -> {tokens} (páginas de {page})",
                              "floor(int(kv_budget_bytes_per_gpu) / cell_size) aligned to page_size = "
                              "floor({per_gpu:f0} / {cell:p}) -> {tokens} (pages of {page})"),
    "formula.sglang_swa_tokens": ("full = int(floor({per_gpu:f0} / {cell:p}) × {cell:p} / ({full_bytes:p} + "
                                  "{ratio:p} × {window_bytes:p})) alinhado a {page} = {tokens}; swa = {window}",
                                  "full = int(floor({per_gpu:f0} / {cell:p}) × {cell:p} / ({full_bytes:p} + "
                                  "{ratio:p} × {window_bytes:p})) aligned to {page} = {tokens}; swa = {window}"),
    "formula.sglang_swa_pool": ("int(full × swa_full_tokens_ratio) alinhado a page_size = int({tokens} × {ratio:p}) "
                                "-> {window} (páginas de {page})",
                                "int(full × swa_full_tokens_ratio) aligned to page_size = int({tokens} × {ratio:p}) "
                                "-> {window} (pages of {page})"),
    "formula.trtllm_tokens": ("ceil(kv_budget_bytes_per_gpu / bytes_per_token / tokens_per_block) × tokens_per_block "
                              "= ceil({per_gpu:f0} / {cell:p} / {page}) × {page} = {tokens}",
                              "ceil(kv_budget_bytes_per_gpu / bytes_per_token / tokens_per_block) × tokens_per_block "
                              "= ceil({per_gpu:f0} / {cell:p} / {page}) × {page} = {tokens}"),
    "formula.sessions_pool_null": ("instances_per_node × floor((gpu_blocks - 1 bloco nulo) / blocks_per_request) = "
                                   "{instances} × floor(({blocks} - 1) / {per_request})",
                                   "instances_per_node × floor((gpu_blocks - 1 null block) / blocks_per_request) = "
                                   "{instances} × floor(({blocks} - 1) / {per_request})"),
    "formula.vllm_max_concurrency": ("gpu_blocks / blocks_per_request = {blocks} / {per_request} = {concurrency:f2}",
                                     "gpu_blocks / blocks_per_request = {blocks} / {per_request} = {concurrency:f2}"),
    "formula.failover_nobody": ("nenhum nó para assumir (1 nó, sem reserva)", "no node to take over (1 node, no spare)"),

    # -- explanations ----------------------------------------------------------
    "expl.kv_factor_two": ("O KV cache guarda os tensores Key e Value (fator 2) de cada token em cada camada de "
                           "atenção; elementos por token por camada = KV heads na instância ({heads}) × head_dim "
                           "({head_dim}).",
                           "The KV cache stores the Key and Value tensors (factor 2) of every token in every "
                           "attention layer; elements per token per layer = KV heads in the instance ({heads}) × "
                           "head_dim ({head_dim})."),
    "expl.kv_mla": ("Com MLA cada token guarda um único vetor latente comprimido por camada (sem fator 2 de K/V); "
                    "elementos por token por camada = latente MLA ({latent}) × GPUs da instância que o replicam "
                    "({tensor_parallel}).",
                    "With MLA each token keeps one compressed latent vector per layer (no K/V factor 2); elements "
                    "per token per layer = MLA latent ({latent}) × GPUs of the instance that replicate it "
                    "({tensor_parallel})."),
    "expl.kv_kinds": ("Camadas full guardam o contexto inteiro; sliding guardam só a janela; chunked só o bloco "
                      "corrente.",
                      "Full layers keep the whole context; sliding layers only the window; chunked layers only "
                      "the current chunk."),
    "expl.kv_replicated": ("Com tensor parallel {tensor_parallel} e só {kv_heads} KV heads, cada GPU guarda "
                           "ceil({kv_heads}/{tensor_parallel}) = {per_gpu} head: os KV heads são replicados.",
                           "With tensor parallel {tensor_parallel} and only {kv_heads} KV heads, each GPU keeps "
                           "ceil({kv_heads}/{tensor_parallel}) = {per_gpu} head: the KV heads are replicated."),
    "expl.kv_sglang": ("Base SGLang: um pool de tokens de todas as camadas (sem blocos, páginas de --page-size); "
                       "uma camada sliding ou chunked guarda só a sua janela, num pool SWA à parte.",
                       "SGLang basis: one pool of tokens of every layer (no blocks; pages of --page-size); a "
                       "sliding or chunked layer keeps only its window, in a separate SWA pool."),
    "expl.kv_trtllm": ("Base TensorRT-LLM: blocos de --tokens-per-block tokens de todas as camadas; sem "
                       "max_attention_window, toda camada (sliding também) guarda o contexto inteiro.",
                       "TensorRT-LLM basis: blocks of --tokens-per-block tokens of every layer; without "
                       "max_attention_window every layer (sliding ones too) keeps the whole context."),
    "expl.pool_tokens_sglang": ("O pool de tokens de cada GPU, como o SGLang o dimensiona (profile_max_num_token): a "
                                "memória de KV dividida pelos bytes de um token em todas as camadas da GPU "
                                "(cell_size).",
                                "Each GPU's token pool, as SGLang sizes it (profile_max_num_token): the KV memory "
                                "divided by one token's bytes over every layer of the GPU (cell_size)."),
    "expl.pool_tokens_trtllm": ("O pool de blocos de cada GPU, como o KVCacheManager do TensorRT-LLM o dimensiona "
                                "(calculate_max_num_blocks): tokens que a memória comporta, arredondados para cima "
                                "em blocos.",
                                "Each GPU's block pool, as TensorRT-LLM's KVCacheManager sizes it "
                                "(calculate_max_num_blocks): the tokens the memory holds, rounded up to whole "
                                "blocks."),
    "expl.sglang_swa_tokens": ("As camadas sliding ou chunked têm um pool próprio, de swa_full_tokens_ratio × os "
                               "tokens do pool full (set_num_tokens_hybrid_swa); cada sessão ocupa nele "
                               "{window_tokens} tokens, pois o SGLang libera os que saem da janela.",
                               "Sliding or chunked layers have a pool of their own, swa_full_tokens_ratio × the full "
                               "pool's tokens (set_num_tokens_hybrid_swa); each session takes {window_tokens} tokens "
                               "of it, as SGLang frees those that leave the window."),
    "expl.kv_vllm": ("Base vLLM: blocos paginados; uma camada full reserva cdiv(T, bloco) blocos e uma sliding "
                     "reserva cdiv(min(janela - 1 + max_num_batched_tokens, T), bloco) + 1, como o KV cache "
                     "manager do vLLM v1.",
                     "vLLM basis: paged blocks; a full layer reserves cdiv(T, block) blocks and a sliding one "
                     "cdiv(min(window - 1 + max_num_batched_tokens, T), block) + 1, as vLLM v1's KV cache "
                     "manager does."),
    "expl.rule": ("Regra aplicada: {rule}.", "Rule applied: {rule}."),
    "expl.kv_total": ("Total de {kv_gib:f2} GiB por sessão ativa.", "In all, {kv_gib:f2} GiB per active session."),
    "expl.kv_gib": ("Total de {kv_gib:f2} GiB de KV por sessão ativa, residentes na HBM enquanto a sessão dura.",
                    "{kv_gib:f2} GiB of KV per active session, resident in HBM while the session lasts."),
    "expl.hbm_total": ("Fabricantes medem HBM em GB (10^9 bytes); o runtime aloca em GiB (2^30 bytes). "
                       "{total_hbm_gb:p} GB = {hbm_gib:f2} GiB.",
                       "Vendors count HBM in GB (10^9 bytes); the runtime allocates in GiB (2^30 bytes). "
                       "{total_hbm_gb:p} GB = {hbm_gib:f2} GiB."),
    "expl.weights_per_instance": ("Cada instância (grupo de tensor parallel) carrega uma cópia completa dos pesos, "
                                  "dividida entre as suas GPUs.",
                                  "Each instance (tensor-parallel group) loads a whole copy of the weights, split "
                                  "across its GPUs."),
    "expl.weights_per_node_spanning": ("Uma instância ocupa {nodes} nós (estágios de pipeline); cada nó guarda os "
                                       "pesos dos seus estágios.",
                                       "One instance takes {nodes} nodes (pipeline stages); each node holds its "
                                       "stages' weights."),
    "expl.overhead_auto": ("Overhead auto: os pesos das instâncias do nó mais, por GPU, o pico de ativações de um "
                           "passo de max_num_batched_tokens tokens (4 × hidden_size + 3 × intermediate_size / TP "
                           "valores bf16 por token, e os logits fp32 de max_num_seqs linhas) e 2 GiB fixos de "
                           "contexto CUDA, buffers NCCL e grafos CUDA, como o perfil de memória do vLLM separa na "
                           "partida (vLLM PR #10511: Llama-3-8B numa H100, pico de ativações 1.26 GiB, memória "
                           "fora do PyTorch 1.79 GiB).",
                           "Auto overhead: the weights of the node's instances plus, per GPU, the activation peak of "
                           "a step of max_num_batched_tokens tokens (4 × hidden_size + 3 × intermediate_size / TP "
                           "bf16 values per token, and the fp32 logits of max_num_seqs rows) and a fixed 2 GiB for "
                           "the CUDA context, NCCL buffers and CUDA graphs, as vLLM's startup memory profile splits "
                           "them (vLLM PR #10511: Llama-3-8B on an H100, activation peak 1.26 GiB, non-PyTorch "
                           "memory 1.79 GiB)."),
    "expl.overhead_no_activation": ("O modelo não informa hidden_size, intermediate_size e vocab_size: só a parte "
                                    "fixa entra por GPU.",
                                    "The model does not state hidden_size, intermediate_size and vocab_size: only "
                                    "the fixed part counts per GPU."),
    "expl.kv_cache_memory_bytes": ("A memória de KV por GPU dada como no vLLM (--kv-cache-memory-bytes, que ignora "
                                   "gpu_memory_utilization): a linha \"Available KV cache memory\" de um log reproduz "
                                   "o motor.",
                                   "The KV memory per GPU given as vLLM takes it (--kv-cache-memory-bytes, which ignores "
                                   "gpu_memory_utilization): an \"Available KV cache memory\" log line reproduces the "
                                   "engine."),
    "expl.engine_memory": ("A memória que o vLLM dá ao KV: gpu_memory_utilization dos bytes que o CUDA mostra, menos "
                           "os pesos do estágio mais pesado por GPU, o pico de ativações e a parte fixa de contexto "
                           "CUDA, NCCL e grafos (as mesmas do overhead auto).",
                           "The memory vLLM gives the KV cache: gpu_memory_utilization of the bytes CUDA shows, less "
                           "the heaviest stage's weights per GPU, the activation peak and the fixed part for the CUDA "
                           "context, NCCL and graphs (the same as the auto overhead)."),
    "expl.engine_memory_marketing": ("O servidor não informa cuda_visible_bytes_per_gpu: usados os GB de catálogo "
                                     "(hbm_per_gpu_gb), que não são o que o CUDA mostra.",
                                     "The server does not state cuda_visible_bytes_per_gpu: its catalog GB "
                                     "(hbm_per_gpu_gb) stand in, which are not what CUDA shows."),
    "expl.kv_budget_engine": ("Com a memória do motor, o overhead e o kv_budget_ratio do guia não se aplicam: todos os "
                              "cenários têm a mesma memória de KV, e só o headroom e a reserva de HA os distinguem.",
                              "With the engine's memory, the guide's overhead and kv_budget_ratio do not apply: every "
                              "scenario has the same KV memory, and only the headroom and the HA spares set them "
                              "apart."),
    "expl.kv_budget_none": ("O overhead de runtime é maior que a HBM do nó: não sobra memória para o KV cache.",
                            "The runtime overhead is larger than the node's HBM: no memory is left for the KV "
                            "cache."),
    "expl.infeasible": ("Nenhum cenário roda assim: veja o alerta de erro, que diz o que mudar.",
                        "No scenario runs like this: see the error alert, which says what to change."),
    "expl.sessions_stages": ("Com {stages} estágios de pipeline, cada estágio guarda o KV das suas camadas no seu "
                             "próprio budget, e o estágio mais apertado decide.",
                             "With {stages} pipeline stages, each stage keeps its own layers' KV in its own budget, "
                             "and the tightest stage decides."),
    "expl.sessions_dp_attention": ("Com atenção data-parallel, cada uma das {gpus} GPUs guarda o latente das suas "
                                   "próprias sessões, em vez de todas guardarem uma cópia.",
                                   "With data-parallel attention, each of the {gpus} GPUs keeps the latent of its own "
                                   "sessions, instead of every GPU keeping a copy."),
    "expl.nodes_final_spanning": ("Nós a comprar: os nós com headroom mais {ha} instância(s) de reserva ({ha_label}) "
                                  "de {nodes_per_instance} nós cada: a unidade de falha é a instância inteira, pois um "
                                  "estágio perdido para a instância.",
                                  "Nodes to buy: the nodes with headroom plus {ha} spare instance(s) ({ha_label}) of "
                                  "{nodes_per_instance} nodes each: the failure unit is the whole instance, since a "
                                  "lost stage stops it."),
    "expl.weights_per_node": ("Os pesos de todas as instâncias do nó precisam caber no overhead de runtime.",
                              "The weights of every instance on the node must fit in the runtime overhead."),
    "expl.kv_budget": ("Da HBM do nó sai primeiro o overhead de runtime (pesos, ativações, grafos); do restante, "
                       "{ratio:pct} ficam para o KV cache e o resto é folga contra fragmentação.",
                       "The runtime overhead (weights, activations, graphs) comes out of the node's HBM first; of "
                       "the rest, {ratio:pct} goes to the KV cache and the remainder is slack against "
                       "fragmentation."),
    "expl.sessions": ("Só sessões inteiras cabem: o budget de KV dividido pelo KV de uma sessão, arredondado para "
                      "baixo.",
                      "Only whole sessions fit: the KV budget divided by one session's KV, rounded down."),
    "expl.sessions_instances": ("Cada uma das {instances} instâncias do nó tem 1/{instances} do budget e a sua "
                                "própria contagem.",
                                "Each of the node's {instances} instances has 1/{instances} of the budget and its "
                                "own count."),
    "expl.sessions_capped": ("O limite max_num_seqs ({max_num_seqs}) é menor que a memória permite e define a "
                             "capacidade.",
                             "The max_num_seqs limit ({max_num_seqs}) is below what memory allows and sets the "
                             "capacity."),
    "expl.sessions_latency": ("Com metas de latência, cada instância admite o menor entre o que a memória comporta "
                              "e o que mantém TPOT/TTFT dentro das metas. Limite que prende: {bound}.",
                              "With latency targets, each instance admits the smaller of what memory holds and "
                              "what keeps TPOT/TTFT within the targets. Binding limit: {bound}."),
    "expl.sessions_other": ("Comparação: o que a outra base de contabilidade admitiria com as mesmas entradas, pela "
                            "memória. Não altera a contagem de nós.",
                            "For comparison: what the other accounting basis would admit from the same inputs, by "
                            "memory. It does not change the node count."),
    "expl.tpot_after_failure": ("O TPOT com {down} unidade(s) de falha fora (a reserva de HA do cenário) e as "
                                "sessões espalhadas pelas instâncias restantes: a meta de TPOT tem de valer também "
                                "durante a falha.",
                                "The TPOT with {down} failure unit(s) down (the scenario's HA reserve) and the "
                                "sessions spread over the instances left: the TPOT target has to hold during the "
                                "failure too."),
    "label.tpot_after_failure_ms": ("TPOT durante a falha", "TPOT during the failure"),
    "alert.tpot_breaks_after_failure": ("Cenário {scenario}: com {down} unidade(s) de falha fora, o TPOT sobe para "
                                        "{ms:f2} ms, acima da meta de {target:p} ms. Aumente a reserva ou o headroom.",
                                        "Scenario {scenario}: with {down} failure unit(s) down, the TPOT rises to "
                                        "{ms:f2} ms, above the {target:p} ms target. Raise the reserve or the "
                                        "headroom."),
    "expl.operating_point": ("Lei de Little com a duração da sessão vinda do roofline: cada requisição espera o "
                             "TTFT do seu prompt e gera os tokens de saída a um TPOT que cresce com o lote; a "
                             "concorrência é o menor ponto em que as duas coisas se fecham (busca monótona), com o "
                             "lote de uma instância do MÍNIMO no máximo.",
                             "Little's law with the session's duration from the roofline: each request waits its "
                             "prompt's TTFT and generates its output tokens at a TPOT that grows with the batch; "
                             "the concurrency is the smallest point where both close (a monotone search), with at "
                             "most one MÍNIMO instance's batch."),
    "label.ttft_prompt_s": ("TTFT de um prompt de --input-tokens", "TTFT of an --input-tokens prompt"),
    "expl.prefill_demand": ("Cada requisição precisa de um prefill do prompt inteiro, e uma instância faz um "
                            "prefill por vez: a taxa × o TTFT é quantas instâncias ficam ocupadas só com prefill, em "
                            "média. É um piso: o decode divide a mesma GPU.",
                            "Every request needs a prefill of its whole prompt, and an instance runs one prefill "
                            "at a time: the rate × the TTFT is how many instances are busy with prefill alone, on "
                            "average. It is a floor: decode shares the same GPU."),
    "expl.nodes_prefill": ("Nós para a demanda de prefill do tráfego, sem folga nem reserva.",
                           "Nodes for the traffic's prefill demand, with no headroom or reserve."),
    "expl.nodes_headroom_prefill": ("O prefill do tráfego pede mais nós que a memória: a contagem com {headroom:pct} "
                                    "de folga segue a demanda de prefill.",
                                    "The traffic's prefill needs more nodes than memory: the count with {headroom:pct} "
                                    "headroom follows the prefill demand."),
    "expl.goodput_tokens_per_s_node": ("Goodput: os tokens de saída por segundo do nó, na carga do cenário, que "
                                       "cumprem a meta de TPOT. No modelo, todas as sessões de um lote decodificam no "
                                       "mesmo TPOT: ou todos os tokens cumprem a meta, ou nenhum.",
                                       "Goodput: the node's output tokens per second, at the scenario's load, that "
                                       "meet the TPOT target. In the model every session of a batch decodes at the "
                                       "same TPOT: either all tokens meet the target or none does."),
    "expl.goodput_after_failure_tokens_per_s_node": ("Goodput de cada nó que resta durante a falha (a reserva do "
                                                     "cenário fora), com as sessões espalhadas por eles.",
                                                     "Goodput of each node left during the failure (the scenario's "
                                                     "reserve down), with the sessions spread over them."),
    "expl.prefill_pool_nodes": ("Serviço desagregado (como Dynamo, llm-d e SGLang o implantam): o pool de prefill "
                                "só roda os prompts, um por instância de cada vez, com a folga e a reserva de HA do "
                                "cenário; filas não são modeladas além da folga.",
                                "Disaggregated serving (as Dynamo, llm-d and SGLang deploy it): the prefill pool only "
                                "runs the prompts, one per instance at a time, with the scenario's headroom and HA "
                                "reserve; queueing is not modeled beyond the headroom."),
    "expl.nodes_final_disaggregated": ("Nós a comprar no serviço desagregado: os dois pools, cada um com a sua folga e "
                                       "a sua reserva. O pool de decode guarda as sessões (memória, meta de TPOT, "
                                       "demanda de decode) e é o que as contas de nós acima descrevem.",
                                       "Nodes to buy for disaggregated serving: both pools, each with its own headroom "
                                       "and reserve. The decode pool holds the sessions (memory, TPOT target, decode "
                                       "demand) and is what the node counts above describe."),
    "expl.nodes_aggregated": ("Para comparar: os nós finais do mesmo tráfego sem desagregar (memória, prefill e "
                              "decode nos mesmos nós). É um piso: nós agregados dividem o tempo de GPU entre prefill "
                              "e decode, e a conta agregada toma o maior dos dois limites, não a soma.",
                              "For comparison: the final nodes of the same traffic without disaggregation (memory, "
                              "prefill and decode on the same nodes). It is a floor: aggregated nodes share GPU time "
                              "between prefill and decode, and the aggregated count takes the larger of the two "
                              "bounds, not their sum."),
    "expl.kv_transfer": ("No serviço desagregado, o KV de cada prompt atravessa a rede uma vez, do nó de prefill ao "
                         "de decode; o padrão de 50 GB/s é uma NIC de 400 Gb/s (--kv-transfer-gb-s).",
                         "With disaggregated serving each prompt's KV crosses the network once, from the prefill "
                         "node to the decode node; the 50 GB/s default is one 400 Gb/s NIC (--kv-transfer-gb-s)."),
    "expl.ttft_disaggregated": ("O TTFT no serviço desagregado: o prefill do prompt mais a transferência do seu KV; "
                                "é o que a meta de TTFT vê.",
                                "The TTFT with disaggregated serving: the prompt's prefill plus its KV transfer; it is "
                                "what the TTFT target sees."),
    "expl.power_kw": ("Potência máxima dos nós do cenário (a entrada máxima do fabricante; o consumo típico é "
                      "menor).",
                      "Maximum power of the scenario's nodes (the vendor's maximum input; typical draw is lower)."),
    "expl.monthly_cost": ("Custo mensal dos nós do cenário, em dólares americanos (USD): o aluguel por hora do nó "
                          "inteiro, ou o preço de compra amortizado quando --node-price é dado; com "
                          "--power-cost-per-kwh, mais a energia na potência máxima. Um mês = 730 h.",
                          "Monthly cost of the scenario's nodes, in US dollars (USD): the whole node's hourly rent, "
                          "or its purchase price amortized when --node-price is given; with --power-cost-per-kwh, "
                          "plus the energy at maximum power. A month = 730 h."),
    "expl.cost_per_million": ("Custo por milhão de tokens de saída na carga do cenário: todas as sessões gerando ao "
                              "TPOT da carga, o mês inteiro (um piso: sessões ociosas geram menos).",
                              "Cost per million output tokens at the scenario's load: every session generating at "
                              "the load's TPOT, all month (a floor: idle sessions generate less)."),
    "expl.decode_demand": ("Tokens de saída por segundo que o tráfego pede, em média.",
                           "Output tokens per second the traffic asks for, on average."),
    "expl.nodes_decode": ("Nós para a demanda de decode, cada um entregando os tokens/s do lote que as suas "
                          "instâncias rodam (o da meta de TPOT, quando há), sem folga nem reserva.",
                          "Nodes for the decode demand, each delivering the tokens/s of the batch its instances run "
                          "(the TPOT target's, when given), with no headroom or reserve."),
    "expl.nodes_headroom_decode": ("Os tokens de saída do tráfego pedem mais nós que a contagem até aqui: a "
                                   "contagem com {headroom:pct} de folga segue a demanda de decode.",
                                   "The traffic's output tokens need more nodes than the count so far: the count "
                                   "with {headroom:pct} headroom follows the decode demand."),
    "expl.nodes_capacity": ("Nós necessários só para a concorrência nominal, sem folga nem reserva.",
                            "Nodes needed for the nominal concurrency alone, with no headroom nor spare."),
    "expl.nodes_headroom": ("Nós para a concorrência acrescida de {headroom:pct} de folga para picos.",
                            "Nodes for the concurrency plus {headroom:pct} of headroom for peaks."),
    "expl.nodes_final": ("Nós a comprar: os nós com headroom mais {ha} de reserva ({ha_label}).",
                         "Nodes to buy: the nodes with headroom plus {ha} spare ({ha_label})."),
    "expl.nodes_none": ("Nenhuma sessão cabe em um nó: não há contagem de nós possível.",
                        "No session fits in a node: no node count is possible."),
    "expl.littles_law": ("Lei de Little: sessões simultâneas em média = taxa de chegada × tempo médio de sessão, "
                         "arredondado para cima para contar sessões inteiras.",
                         "Little's law: mean concurrent sessions = arrival rate × mean session time, rounded up "
                         "to whole sessions."),
    "expl.ttft": ("Prefill limitado por computação: 2 FLOPs por parâmetro ativo por token, mais a atenção causal "
                  "(pares query-key atendidos em cada camada), divididos pelos FLOPS densos da instância × MFU. "
                  "Limite inferior: sem fila, sem comunicação.",
                  "Compute-bound prefill: 2 FLOPs per active parameter per token, plus causal attention "
                  "(query-key pairs attended in each layer), divided by the instance's dense FLOPS × MFU. A lower "
                  "bound: no queue, no communication."),
    "expl.vllm_gpu_blocks_stages": ("Com pipeline parallel, os grupos continuam os do modelo inteiro; cada estágio "
                                    "guarda a parte de cada grupo que cai nas suas camadas, e todos ficam com o "
                                    "número de blocos do estágio mais apertado, onde um bloco ocupa {layers} "
                                    "camadas (get_kv_cache_configs do vLLM 0.33).",
                                    "With pipeline parallelism the groups stay those of the whole model; each stage "
                                    "keeps the part of each group that falls on its layers, and every stage takes "
                                    "the block count of the tightest one, where a block spans {layers} layers "
                                    "(vLLM 0.33 get_kv_cache_configs)."),
    "expl.vllm_gpu_blocks": ("O pool de blocos de cada GPU, como o vLLM 0.33 o monta: os grupos de KV cache têm "
                             "{group_size} camadas cada ({padding} de enchimento), e um bloco ocupa uma página em "
                             "cada camada do grupo.",
                             "Each GPU's block pool, as vLLM 0.33 builds it: the KV-cache groups have {group_size} "
                             "layers each ({padding} of padding), and a block takes one page in every layer of the "
                             "group."),
    "expl.vllm_max_concurrency": ("O \"Maximum concurrency\" que o vLLM imprime na partida: blocos da GPU divididos "
                                  "pelos blocos que uma sessão de contexto inteiro pede em todos os grupos; as "
                                  "sessões são a parte inteira, e kv_cache_size_tokens é o \"GPU KV cache size\" "
                                  "(concorrência × contexto).",
                                  "The \"Maximum concurrency\" vLLM prints at startup: the GPU's blocks divided by the "
                                  "blocks a whole-context session needs across all groups; sessions are its whole "
                                  "part, and kv_cache_size_tokens is the \"GPU KV cache size\" (concurrency × "
                                  "context)."),
    "expl.weights_load": ("Tempo mínimo para ler do storage os pesos de todas as instâncias do nó.",
                          "Shortest time to read the weights of every instance on the node from storage."),
    "expl.kv_restore": ("Tempo para trazer de volta do storage o KV de uma sessão (offload ou failover).",
                        "Time to bring one session's KV back from storage (offload or failover)."),
    "expl.sessions_restored": ("Com leituras em paralelo a latência se sobrepõe e o throughput de leitura é o "
                               "limite.",
                               "With parallel reads the latency overlaps and read throughput is the limit."),
    "expl.tpot": ("Cada passo de decode lê uma vez os pesos densos, os experts que o lote toca "
                  "(E × (1 - (1 - k/E)^lote) por camada) e o KV de cada sessão em execução. Limite inferior do "
                  "tempo por token.",
                  "Each decode step reads the dense weights once, the experts the batch touches "
                  "(E × (1 - (1 - k/E)^batch) per layer) and the KV of every running session. A lower bound on "
                  "the time per token."),
    "expl.tpot_phases": ("Os pesos e a atenção rodam um depois do outro, e cada fase leva o maior entre ler seus "
                         "bytes e fazer suas contas: aqui a fase dos pesos é limitada por {weights} e a da atenção "
                         "por {attention} (medido numa H100: a partir de um lote de ~300 as GEMMs dos pesos passam "
                         "a ser limitadas por computação). É um modelo do hardware, não de um motor específico.",
                         "Weights and attention run one after the other, and each phase takes the longer of reading "
                         "its bytes and doing its math: here the weights phase is bound by {weights} and the "
                         "attention phase by {attention} (measured on one H100: past a batch of ~300 the weight "
                         "GEMMs turn compute-bound). It is a model of the hardware, not of a particular engine."),
    "value.phase_compute": ("computação", "compute"),
    "value.phase_memory": ("memória", "memory"),
    "expl.tokens_session": ("Velocidade de geração vista por cada usuário.", "Generation speed each user sees."),
    "expl.tokens_node": ("Vazão de saída do nó inteiro.", "Output throughput of the whole node."),
    "expl.failover_restore": ("Tempo para os nós que assumem (reservas de HA, ou os nós restantes sem HA) lerem do "
                              "storage o KV das sessões do nó que falhou, lendo em paralelo.",
                              "Time for the nodes taking over (HA spares, or the remaining nodes without HA) to "
                              "read the failed node's sessions' KV from storage, in parallel."),
    "expl.failover_recompute": ("Alternativa à restauração: refazer o prefill de cada sessão com o contexto inteiro.",
                                "The alternative to restoring: redo each session's prefill over the whole "
                                "context."),

    # -- figure labels ---------------------------------------------------------
    "label.kv_per_session_bytes": ("KV por sessão{suffix}", "KV per session{suffix}"),
    "label.kv_per_session_gib": ("KV por sessão em GiB{suffix}", "KV per session in GiB{suffix}"),
    "label.hbm_total_gib": ("HBM total por nó", "Total HBM per node"),
    "label.weights_per_instance_gib": ("Pesos por instância", "Weights per instance"),
    "label.weights_per_node_gib": ("Pesos por nó", "Weights per node"),
    "label.kv_budget_gib": ("Budget de KV por nó", "KV budget per node"),
    "label.sessions_per_node": ("Sessões por nó", "Sessions per node"),
    "label.sessions_per_node_memory": ("Sessões por nó pela memória", "Sessions per node by memory"),
    "label.sessions_other_sessions_per_node": ("Sessões por nó na base {basis}", "Sessions per node on the {basis} basis"),
    "label.sessions_other_sessions_per_instance": ("Sessões por instância na base {basis}",
                                                   "Sessions per instance on the {basis} basis"),
    "label.sessions_per_instance": ("Sessões por instância ({nodes} nós)", "Sessions per instance ({nodes} nodes)"),
    "label.sessions_per_instance_memory": ("Sessões por instância pela memória ({nodes} nós)",
                                           "Sessions per instance by memory ({nodes} nodes)"),
    "label.kv_cache_memory_gib": ("Memória de KV do motor por nó", "The engine's KV memory per node"),
    "label.engine_pool_tokens": ("Tokens no pool de KV por GPU ({engine})", "KV pool tokens per GPU ({engine})"),
    "label.engine_swa_tokens": ("Tokens no pool SWA por GPU ({engine})", "SWA pool tokens per GPU ({engine})"),
    "label.vllm_gpu_blocks": ("Blocos de KV por GPU (vLLM)", "KV blocks per GPU (vLLM)"),
    "label.vllm_max_concurrency": ("Concorrência máxima (vLLM)", "Maximum concurrency (vLLM)"),
    "label.runtime_overhead_gib": ("Overhead de runtime (auto)", "Runtime overhead (auto)"),
    "label.goodput_tokens_per_s_node": ("Goodput por nó (tokens/s dentro da meta de TPOT)",
                                        "Goodput per node (tokens/s within the TPOT target)"),
    "label.goodput_after_failure_tokens_per_s_node": ("Goodput por nó durante a falha",
                                                      "Goodput per node during the failure"),
    "label.power_kw": ("Potência máxima", "Maximum power"),
    "label.monthly_cost_usd": ("Custo mensal (USD)", "Monthly cost (USD)"),
    "label.cost_per_million_tokens_usd": ("Custo por milhão de tokens de saída (USD)",
                                          "Cost per million output tokens (USD)"),
    "label.nodes_decode": ("Nós pelo decode", "Nodes for decode"),
    "label.decode_demand_tokens_per_s": ("Demanda de decode", "Decode demand"),
    "label.nodes_prefill": ("Nós pelo prefill", "Nodes for prefill"),
    "label.prefill_demand_instance_s_per_s": ("Demanda de prefill", "Prefill demand"),
    "label.nodes_capacity": ("Nós por capacidade", "Nodes for capacity"),
    "label.nodes_with_headroom": ("Nós com headroom", "Nodes with headroom"),
    "label.decode_pool_nodes": ("Nós do pool de decode", "Decode pool nodes"),
    "label.prefill_pool_nodes": ("Nós do pool de prefill", "Prefill pool nodes"),
    "label.nodes_aggregated": ("Nós sem desagregar", "Nodes without disaggregation"),
    "label.kv_transfer_s": ("Transferência do KV de um prompt", "KV transfer of one prompt"),
    "label.ttft_disaggregated_s": ("TTFT desagregado", "Disaggregated TTFT"),
    "label.nodes_final": ("Nós finais", "Final nodes"),
    "label.concurrency": ("Concorrência pela lei de Little", "Concurrency by Little's law"),
    "label.ttft_full_context_s": ("TTFT de um prompt com o contexto inteiro", "TTFT of a prompt with the whole context"),
    "label.weights_load_s": ("Carga dos pesos num cold start", "Weight load on a cold start"),
    "label.kv_restore_session_s": ("Restauração do KV de uma sessão", "Restoring one session's KV"),
    "label.sessions_restored_per_s": ("Sessões restauráveis por segundo por nó",
                                      "Sessions restorable per second per node"),
    "label.tpot_full_ms": ("TPOT, nó cheio ({batch} sessões por instância)",
                           "TPOT, full node ({batch} sessions per instance)"),
    "label.tpot_load_ms": ("TPOT, carga do cenário ({batch} sessões por instância)",
                           "TPOT, scenario load ({batch} sessions per instance)"),
    "label.tokens_per_s_session_full": ("Tokens/s por sessão, nó cheio ({batch} sessões por instância)",
                                        "Tokens/s per session, full node ({batch} sessions per instance)"),
    "label.tokens_per_s_session_load": ("Tokens/s por sessão, carga do cenário ({batch} sessões por instância)",
                                        "Tokens/s per session, scenario load ({batch} sessions per instance)"),
    "label.tokens_per_s_node_full": ("Tokens/s por nó, nó cheio ({batch} sessões por instância)",
                                     "Tokens/s per node, full node ({batch} sessions per instance)"),
    "label.tokens_per_s_node_load": ("Tokens/s por nó, carga do cenário ({batch} sessões por instância)",
                                     "Tokens/s per node, scenario load ({batch} sessions per instance)"),
    "label.failover_restore_s": ("Failover: restaurar do storage as sessões de um nó",
                                 "Failover: restore a node's sessions from storage"),
    "label.failover_recompute_s": ("Failover: recomputar o prefill dessas sessões",
                                   "Failover: recompute those sessions' prefill"),

    # -- bounds, scenarios, counts, units ----------------------------------------
    "bound.memory": ("memória", "memory"),
    "bound.latency": ("latência ({names})", "latency ({names})"),
    "limit.memory": ("memória", "memory"),
    "limit.tpot": ("meta de TPOT", "TPOT target"),
    "limit.ttft": ("meta de TTFT", "TTFT target"),
    "limit.max_num_seqs": ("max_num_seqs", "max_num_seqs"),
    "limit.weights_exceed_instance": ("os pesos não cabem nas GPUs de uma instância",
                                      "the weights do not fit an instance's GPUs"),
    "limit.overhead_exceeds_hbm": ("o overhead de runtime não deixa memória para o KV",
                                   "the runtime overhead leaves no memory for KV"),
    "limit.decode": ("demanda de decode", "decode demand"),
    "limit.prefill": ("demanda de prefill", "prefill demand"),
    "limit.vllm_would_not_start": ("o vLLM não inicia com este pool", "vLLM would not start with this pool"),
    "limit.engine_no_memory": ("o motor não tem memória para o KV", "the engine has no memory for KV"),
    "limit.overhead_below_weights": ("os pesos não cabem no overhead de runtime",
                                     "the weights do not fit the runtime overhead"),
    "scenario.minimum.label": ("MÍNIMO", "MINIMUM"),
    "scenario.recommended.label": ("RECOMENDADO", "RECOMMENDED"),
    "scenario.ideal.label": ("IDEAL", "IDEAL"),
    "scenario.minimum.ha": ("sem HA", "no HA"),
    "scenario.recommended.ha": ("N+1", "N+1"),
    "scenario.ideal.ha": ("N+2", "N+2"),
    "scenario.minimum.usage": ("PoC, desenvolvimento e testes", "PoC, development and tests"),
    "scenario.recommended.usage": ("produção", "production"),
    "scenario.ideal.usage": ("missão crítica", "mission critical"),
    "count.nodes": (("{n} nó", "{n} nós"), ("{n} node", "{n} nodes")),
    "count.sessions": (("{n} sessão", "{n} sessões"), ("{n} session", "{n} sessions")),
    "count.instances": (("{n} instância", "{n} instâncias"), ("{n} instance", "{n} instances")),
    "count.gpus": (("{n} GPU", "{n} GPUs"), ("{n} GPU", "{n} GPUs")),
    "count.concurrent_sessions": (("{n} sessão simultânea", "{n} sessões simultâneas"),
                                  ("{n} concurrent session", "{n} concurrent sessions")),
    "unit.USD/month": ("USD/mês", "USD/month"),
    "unit.USD/Mtok": ("USD por milhão de tokens", "USD per million tokens"),
    "unit.kW": ("kW", "kW"),
    "unit.bytes": ("bytes", "bytes"),
    "unit.GiB": ("GiB", "GiB"),
    "unit.s": ("s", "s"),
    "unit.ms": ("ms", "ms"),
    "unit.tokens/s": ("tokens/s", "tokens/s"),
    "unit.sessions/s": ("sessões/s", "sessions/s"),
    "unit.nodes": ("nós", "nodes"),
    "unit.sessions": ("sessões", "sessions"),
    "unit.blocks": ("blocos", "blocks"),
    "unit.x": ("x", "x"),
    "unit.%": ("%", "%"),
    "unit.tokens": ("tokens", "tokens"),
    "unit.instance-s/s": ("instância·s/s", "instance·s/s"),
    "value.not_applicable": ("— (não se aplica)", "— (not applicable)"),
    "value.no_session": ("— (nenhuma sessão cabe)", "— (no session fits)"),
    "value.infeasible": ("— (inviável)", "— (infeasible)"),

    # -- alerts ------------------------------------------------------------------
    "alert.context_clamped": ("Contexto solicitado ({requested} tokens) maior que max_position_embeddings do "
                              "modelo ({maximum}): limitado a {used} tokens.",
                              "Requested context ({requested} tokens) exceeds the model's max_position_embeddings "
                              "({maximum}): clamped to {used} tokens."),
    "alert.kv_precision_high": ("Precisão KV {precision} usa {bytes:p} bytes por elemento: {factor:p}x a memória de "
                                "KV de fp8, logo {factor:p}x menos sessões por nó. Use fp8 se a qualidade permitir.",
                                "KV precision {precision} uses {bytes:p} bytes per element: {factor:p}x the KV memory "
                                "of fp8, so {factor:p}x fewer sessions per node. Use fp8 if quality allows."),
    "alert.long_context_storage_io": ("Contexto efetivo de {context} tokens (> {threshold}): cada sessão carrega "
                                      "{kv_gib:f2} GiB de KV; restaurar uma sessão do storage '{storage}' leva "
                                      "{restore_s:f3} s ({rate:f2} sessões/s por nó){failover}.",
                                      "Effective context of {context} tokens (> {threshold}): each session holds "
                                      "{kv_gib:f2} GiB of KV; restoring one session from storage '{storage}' takes "
                                      "{restore_s:f3} s ({rate:f2} sessions/s per node){failover}."),
    "alert.long_context_failover": ("; no RECOMENDADO, as sessões de um nó que falha voltam em {seconds:f1} s",
                                    "; in RECOMMENDED, a failed node's sessions are back in {seconds:f1} s"),
    "alert.failover_restore_slow": ("No RECOMENDADO, restaurar do storage '{storage}' as sessões de um nó que falhou "
                                    "leva {seconds:f1} s, acima do limite de {limit} s; compare com recomputar o "
                                    "prefill ({recompute:f1} s) ou use um storage mais rápido.",
                                    "In RECOMMENDED, restoring a failed node's sessions from storage '{storage}' "
                                    "takes {seconds:f1} s, over the {limit} s limit; compare with recomputing the "
                                    "prefill ({recompute:f1} s) or use faster storage."),
    "alert.latency_unknown": ("Sem latência estimada: faltam {missing}.", "No latency estimate: missing {missing}."),
    "alert.latency_unusable": ("Com o nó cheio (RECOMENDADO) o roofline dá TPOT de {tpot:f1} ms (limite {tpot_limit} "
                               "ms, ou seja, menos de {tokens} tokens/s por sessão) e TTFT de {ttft:f2} s para um "
                               "prompt com o contexto inteiro (limite {ttft_limit} s). Use --tpot-slo-ms/"
                               "--ttft-slo-ms para dimensionar pela latência.",
                               "On a full node (RECOMMENDED) the roofline gives a TPOT of {tpot:f1} ms (limit "
                               "{tpot_limit} ms, that is fewer than {tokens} tokens/s per session) and a TTFT of "
                               "{ttft:f2} s for a prompt with the whole context (limit {ttft_limit} s). Use "
                               "--tpot-slo-ms/--ttft-slo-ms to size by latency."),
    "alert.latency_bound": ("No RECOMENDADO as sessões por nó são limitadas pela {bound}, não pela memória.",
                            "In RECOMMENDED the sessions per node are limited by {bound}, not by memory."),
    "alert.kv_budget_fragmentation": ("kv_budget_ratio {ratio:p} acima de {threshold:p}: risco de fragmentação e de "
                                      "falta de memória para ativações.",
                                      "kv_budget_ratio {ratio:p} above {threshold:p}: risk of fragmentation and of "
                                      "too little memory for activations."),
    "alert.runtime_overhead_low": ("runtime_overhead_gib {overhead:p} abaixo de {threshold:p} GiB: provavelmente "
                                   "subestimado (pesos, ativações, grafos CUDA).",
                                   "runtime_overhead_gib {overhead:p} below {threshold:p} GiB: probably "
                                   "underestimated (weights, activations, CUDA graphs)."),
    "alert.runtime_overhead_below_weights": ("runtime_overhead_gib {overhead:p} não comporta nem {holder} "
                                             "({weights_gib:f2} GiB): use --runtime-overhead-gib de pelo menos "
                                             "{minimum:p}, ou auto (pesos + ativações){advice}.",
                                             "runtime_overhead_gib {overhead:p} cannot even hold {holder} "
                                             "({weights_gib:f2} GiB): use --runtime-overhead-gib of at least "
                                             "{minimum:p}, or auto (weights + activations){advice}."),
    "alert.weights_holder": ("os pesos de {instances} no nó", "the weights of {instances} on the node"),
    "alert.weights_holder_spanning": ("os pesos que cada nó guarda (1/{nodes} de uma instância)",
                                      "the weights each node holds (1/{nodes} of an instance)"),
    "alert.engine_no_memory": ("O motor usa {usable_gib:f2} GiB por GPU, e os pesos ({weights_gib:f2} GiB por GPU), as "
                               "ativações e a parte fixa ({allowance_gib:f2} GiB) não deixam memória para o KV. Aumente "
                               "--gpu-memory-utilization, use mais GPUs por instância ou pesos menores.",
                               "The engine uses {usable_gib:f2} GiB per GPU, and the weights ({weights_gib:f2} GiB per "
                               "GPU), activations and the fixed part ({allowance_gib:f2} GiB) leave no memory for KV. "
                               "Raise --gpu-memory-utilization, use more GPUs per instance or smaller weights."),
    "alert.runtime_overhead_exceeds_hbm": ("runtime_overhead_gib {overhead:p} não deixa memória para o KV: a HBM do nó "
                                           "é {hbm_gib:f2} GiB. Use um overhead menor que isso{weights}, ou "
                                           "--runtime-overhead-gib auto.",
                                           "runtime_overhead_gib {overhead:p} leaves no memory for KV: the node's HBM "
                                           "is {hbm_gib:f2} GiB. Use a smaller overhead{weights}, or "
                                           "--runtime-overhead-gib auto."),
    "alert.overhead_weights_note": (" (os pesos do nó ocupam {weights_gib:f2} GiB)",
                                    " (the node's weights take {weights_gib:f2} GiB)"),
    "alert.weights_exceed_instance": ("Os pesos de uma instância ({weights_gib:f2} GiB, {stage_gib:f2} GiB por GPU no "
                                      "estágio mais pesado) não cabem em GPUs de {hbm_gpu_gib:f2} GiB com TP "
                                      "{tensor_parallel} × PP {stages}: {fit}{fp8}.",
                                      "An instance's weights ({weights_gib:f2} GiB, {stage_gib:f2} GiB per GPU on the "
                                      "heaviest stage) do not fit GPUs of {hbm_gpu_gib:f2} GiB at TP "
                                      "{tensor_parallel} × PP {stages}: {fit}{fp8}."),
    "alert.weights_fit_layout": ("use TP {tensor_parallel} × PP {stages} (--tensor-parallel {tensor_parallel} "
                                 "--pipeline-parallel {stages}{auto})",
                                 "use TP {tensor_parallel} × PP {stages} (--tensor-parallel {tensor_parallel} "
                                 "--pipeline-parallel {stages}{auto})"),
    "alert.weights_no_layout": ("nenhum TP × PP com estes nós comporta esses pesos",
                                "no TP × PP on these nodes holds those weights"),
    "alert.weights_fp8_option": ("; ou pesos fp8 (--weight-precision fp8: {gib:f2} GiB por instância)",
                                 "; or fp8 weights (--weight-precision fp8: {gib:f2} GiB per instance)"),
    "alert.peak_headroom_percent": ("peak_headroom_ratio {ratio:p} é uma folga de {ratio:pct} sobre a concorrência: "
                                    "se a intenção era {ratio:p}%, use --peak-headroom-ratio {suggested:p}.",
                                    "peak_headroom_ratio {ratio:p} is {ratio:pct} of headroom over the concurrency: "
                                    "if {ratio:p}% was meant, use --peak-headroom-ratio {suggested:p}."),
    "alert.kv_heads_replicated": ("Com TP {tensor_parallel} e só {kv_heads} KV heads, cada head fica guardado em "
                                  "{copies} GPUs. TP {alt_tp} ({alt_instances} por nó) guardaria cada head uma vez: "
                                  "{alt_sessions} sessões por nó no RECOMENDADO, contra {sessions} hoje.",
                                  "With TP {tensor_parallel} and only {kv_heads} KV heads, each head is stored on "
                                  "{copies} GPUs. TP {alt_tp} ({alt_instances} per node) would store each head once: "
                                  "{alt_sessions} sessions per node in RECOMMENDED, against {sessions} now."),
    "alert.kv_heads_replicated_infeasible": ("Com TP {tensor_parallel} e só {kv_heads} KV heads, cada head fica "
                                             "guardado em {copies} GPUs. TP {alt_tp} ({alt_instances} por nó) "
                                             "guardaria cada head uma vez, mas não cabe com estas opções (os pesos de "
                                             "todas as instâncias precisam caber no overhead).",
                                             "With TP {tensor_parallel} and only {kv_heads} KV heads, each head is "
                                             "stored on {copies} GPUs. TP {alt_tp} ({alt_instances} per node) would "
                                             "store each head once, but does not fit with these options (the weights "
                                             "of every instance must fit the overhead)."),
    "alert.weights_advice_tp": (" ou reduza as instâncias por nó com um --tensor-parallel maior",
                                " or run fewer instances per node with a larger --tensor-parallel"),
    "alert.weights_unknown": ("O modelo não informa o tamanho dos pesos: não foi possível verificar se cabem no "
                              "overhead de runtime.",
                              "The model does not state its weight size: could not check that the weights fit in "
                              "the runtime overhead."),
    "alert.no_session_fits": ("Cenário {scenario}: nenhuma sessão cabe em um nó ({cause}).",
                              "Scenario {scenario}: no session fits in a node ({cause})."),
    "alert.no_session_memory": ("KV por sessão de {kv_gib:f2} GiB maior que o budget de KV. Reduza o contexto, use "
                                "fp8 ou um servidor com mais HBM",
                                "KV per session of {kv_gib:f2} GiB larger than the KV budget. Reduce the context, "
                                "use fp8 or a server with more HBM"),
    "alert.ttft_unreachable": ("A meta de TTFT de {target:p} ms é inalcançável em '{server}' com TP {tp}: o prefill "
                               "de um prompt leva {ttft_ms:f0} ms no roofline ({ratio:f2}x a meta), e mais nós não "
                               "mudam isso. {advice}",
                               "The {target:p} ms TTFT target is unreachable on '{server}' with TP {tp}: one prompt's "
                               "prefill takes {ttft_ms:f0} ms at the roofline ({ratio:f2}x the target), and more nodes "
                               "do not change that. {advice}"),
    "alert.ttft_more_tp": ("Relaxe a meta, encurte os prompts (--input-tokens) ou aumente o --tensor-parallel.",
                           "Relax the target, shorten the prompts (--input-tokens) or raise --tensor-parallel."),
    "alert.ttft_no_more_tp": ("Relaxe a meta, encurte os prompts (--input-tokens) ou use GPUs mais rápidas: o TP "
                              "já ocupa o nó inteiro.",
                              "Relax the target, shorten the prompts (--input-tokens) or use faster GPUs: the TP "
                              "already fills the node."),
    "alert.no_session_latency": ("a memória comporta sessões, mas a meta de {bound} não é atingida nem com uma. "
                                 "Relaxe a meta, reduza o contexto ou aumente o --tensor-parallel",
                                 "memory holds sessions, but the {bound} target is not met even with one. Relax "
                                 "the target, reduce the context or raise --tensor-parallel"),
    "alert.vllm_would_not_start": ("Cenário {scenario}: o vLLM {version} não inicia: um pedido de {context} tokens "
                                    "precisa de {needed_gib:f2} GiB de KV por GPU e o pool tem {available_gib:f2} "
                                    "GiB{null_note}. {estimate}Reduza o contexto, use fp8 ou mais GPUs por instância.",
                                    "Scenario {scenario}: vLLM {version} will not start: a request of {context} tokens "
                                    "needs {needed_gib:f2} GiB of KV per GPU and the pool has {available_gib:f2} "
                                    "GiB{null_note}. {estimate}Reduce the context, use fp8 or more GPUs per instance."),
    "alert.calibration_gap": ("{check}: o log e as regras deste modelo divergem em {gap:f2}% (mais de {tolerance}%): "
                              "confira se modelo (e drafter), TP, dtype do KV e bloco são os do deployment.",
                              "{check}: the log and this model's rules differ by {gap:f2}% (more than {tolerance}%): "
                              "check that the model (and drafter), TP, KV dtype and block are the deployment's."),
    "alert.disaggregated_pools": ("Serviço desagregado: o RECOMENDADO tem prefill {prefill} + decode {decode} = "
                                  "{nodes} nós, cada pool com a sua folga e reserva; o mesmo tráfego agregado pede "
                                  "{aggregated} (um piso). O TTFT, com a transferência do KV, é {ttft_s:f3} s.",
                                  "Disaggregated serving: RECOMMENDED has prefill {prefill} + decode {decode} = "
                                  "{nodes} nodes, each pool with its own headroom and reserve; the same traffic "
                                  "aggregated asks for {aggregated} (a floor). The TTFT, with the KV transfer, is "
                                  "{ttft_s:f3} s."),
    "alert.decode_bound": ("A demanda de decode do tráfego ({demand:f1} tokens/s) pede mais nós que a memória e o "
                           "prefill: o RECOMENDADO tem {nodes} nós, contra {memory} pelas sessões por nó (antes de folga e "
                           "HA).",
                           "The traffic's decode demand ({demand:f1} tokens/s) needs more nodes than memory and "
                           "prefill: RECOMMENDED has {nodes} nodes, against {memory} by sessions per node (before "
                           "headroom and HA)."),
    "alert.calibration_exceeds_hbm": ("O pool do log, com as regras deste modelo (KV {precision}, TP {tp}), ocupa "
                                      "{memory:f2} GiB por nó, mais que os {hbm:f2} GiB de HBM do nó: o dtype do KV "
                                      "ou o TP não são os do deployment (dê --kv-precision ou --tensor-parallel).",
                                      "The log's pool, under this model's rules (KV {precision}, TP {tp}), takes "
                                      "{memory:f2} GiB per node, more than the node's {hbm:f2} GiB of HBM: the KV "
                                      "dtype or the TP is not the deployment's (give --kv-precision or "
                                      "--tensor-parallel)."),
    "alert.prefill_bound": ("A demanda de prefill do tráfego ({demand:f2} instância·s/s) pede mais nós que a memória: "
                            "o RECOMENDADO tem {nodes} nós, contra {memory} só pela memória (antes de folga e HA).",
                            "The traffic's prefill demand ({demand:f2} instance·s/s) needs more nodes than memory: "
                            "RECOMMENDED has {nodes} nodes, against {memory} by memory alone (before headroom and HA)."),
    "alert.vllm_null_note": (" além do bloco nulo", " besides the null block"),
    "alert.vllm_estimate": ("O próprio vLLM estima o max_model_len possível em {tokens} tokens. ",
                            "vLLM itself estimates the possible max_model_len at {tokens} tokens. "),
    "alert.max_num_seqs_exceeded_spec": ("No RECOMENDADO a base spec põe {sessions} sessões numa instância, mais que "
                                         "o --max-num-seqs {max_num_seqs} com que o motor agrupa sessões: o vLLM não "
                                         "rodará tantas ao mesmo tempo (veja --kv-accounting vllm).",
                                         "In RECOMMENDED the spec basis puts {sessions} sessions on an instance, more "
                                         "than the --max-num-seqs {max_num_seqs} the engine batches: vLLM will not run "
                                         "that many at once (see --kv-accounting vllm)."),
    "alert.basis_nodes_differ": ("As bases de contabilidade dão números de nós diferentes: {scenarios} (base usada: "
                                 "{basis}).",
                                 "The accounting bases give different node counts: {scenarios} (basis used: "
                                 "{basis})."),
    "alert.basis_nodes_scenario": ("{scenario} {spec} pela fórmula do guia (spec), {engine_nodes} pelo {engine}",
                                   "{scenario} {spec} by the guide's formula (spec), {engine_nodes} by {engine}"),
    "alert.max_num_seqs_binding": ("max_num_seqs ({max_num_seqs}) limita as sessões por instância abaixo do que a "
                                   "memória admite.",
                                   "max_num_seqs ({max_num_seqs}) limits the sessions per instance below what "
                                   "memory admits."),
    "alert.swa_pools_unbalanced": ("Na base sglang, com --swa-full-tokens-ratio {ratio:p}, o pool full comporta "
                                   "{full} sessões por instância e o pool SWA {window}: a razão {balanced:p} (tokens da "
                                   "janela / tokens do contexto) equilibraria os dois, com {sessions} sessões por "
                                   "instância no RECOMENDADO.",
                                   "On the sglang basis, with --swa-full-tokens-ratio {ratio:p}, the full pool holds "
                                   "{full} sessions per instance and the SWA pool {window}: the ratio {balanced:p} (window "
                                   "tokens / context tokens) would balance them, at {sessions} sessions per "
                                   "instance in RECOMMENDED."),
    "alert.accounting_gap": ("As bases de contabilidade divergem mais de 10% (cenário RECOMENDADO): {spec} sessões "
                             "por nó pela fórmula do guia (spec) e {engine_sessions} pelo KV cache manager do "
                             "{engine}. Base usada: {basis}.",
                             "The accounting bases differ by more than 10% (RECOMMENDED scenario): {spec} sessions "
                             "per node by the guide's formula (spec) and {engine_sessions} by {engine}'s KV cache "
                             "manager. Basis used: {basis}."),

    # -- the report ----------------------------------------------------------------
    "report.title": ("Relatório de Dimensionamento de Inferência LLM", "LLM Inference Sizing Report"),
    "report.generated": ("Gerado por `sizing {version}` (schema {schema}). Modelo `{model}`, servidor `{server}`, "
                         "storage `{storage}`, {concurrency}, contexto de {context} tokens.",
                         "Generated by `sizing {version}` (schema {schema}). Model `{model}`, server `{server}`, "
                         "storage `{storage}`, {concurrency}, context of {context} tokens."),
    "report.summary": ("Resumo", "Summary"),
    "summary.line": ("{label}: {nodes} ({details})", "{label}: {nodes} ({details})"),
    "summary.disaggregated": ("prefill {prefill} + decode {decode}; sem desagregar: {aggregated}",
                              "prefill {prefill} + decode {decode}; without disaggregation: {aggregated}"),
    "summary.other_basis": ("(pela base {basis}: {scenarios})", "(on the {basis} basis: {scenarios})"),
    "summary.other_basis_scenario": ("{label} {nodes}", "{label} {nodes}"),
    "summary.infeasible": ("{label}: inviável ({reason})", "{label}: infeasible ({reason})"),
    "summary.no_session": ("{label}: nenhuma sessão cabe em um nó", "{label}: no session fits in a node"),
    "summary.use_in_production": (" ← USAR EM PRODUÇÃO", " ← USE IN PRODUCTION"),
    "summary.headroom": ("{ratio:pct} headroom", "{ratio:pct} headroom"),
    "summary.no_headroom": ("sem headroom", "no headroom"),
    "summary.budget": ("budget {ratio:pct}", "budget {ratio:pct}"),
    "section.title": ("Seção {number}: {title}", "Section {number}: {title}"),
    "section.inputs": ("Entradas", "Inputs"),
    "section.dictionary": ("Dicionário de Parâmetros", "Parameter Dictionary"),
    "section.results": ("Resultados por Cenário", "Results by Scenario"),
    "section.alerts": ("Alertas e Riscos", "Alerts and Risks"),
    "inputs.model": ("Modelo", "Model"),
    "inputs.server": ("Servidor", "Server"),
    "inputs.storage": ("Storage", "Storage"),
    "inputs.nfr": ("NFRs e runtime", "NFRs and runtime"),
    "row.name": ("Nome", "Name"),
    "row.layers": ("Camadas (num_hidden_layers)", "Layers (num_hidden_layers)"),
    "row.heads": ("Heads de atenção (num_attention_heads)", "Attention heads (num_attention_heads)"),
    "row.kv_heads": ("KV heads (num_key_value_heads)", "KV heads (num_key_value_heads)"),
    "row.head_dim": ("head_dim", "head_dim"),
    "row.max_context": ("Contexto máximo (max_position_embeddings)", "Maximum context (max_position_embeddings)"),
    "row.sliding_window": ("Janela deslizante (sliding_window)", "Sliding window (sliding_window)"),
    "row.attention_pattern": ("Padrão de atenção", "Attention pattern"),
    "row.parameters": ("Parâmetros totais / ativos", "Total / active parameters"),
    "row.experts": ("Experts (por token)", "Experts (per token)"),
    "row.weights": ("Pesos por instância", "Weights per instance"),
    "row.source": ("Fonte", "Source"),
    "row.gpus": ("GPUs", "GPUs"),
    "row.hbm_per_gpu": ("HBM por GPU", "HBM per GPU"),
    "row.hbm_total": ("HBM total", "Total HBM"),
    "row.nvlink": ("NVLink", "NVLink"),
    "row.hbm_bandwidth_tb_s": ("Banda HBM por GPU", "HBM bandwidth per GPU"),
    "row.bf16_dense_tflops": ("BF16 denso por GPU", "Dense BF16 per GPU"),
    "row.fp8_dense_tflops": ("FP8 denso por GPU", "Dense FP8 per GPU"),
    "row.nvlink_per_gpu_gb_s": ("NVLink por GPU", "NVLink per GPU"),
    "row.profile": ("Perfil", "Profile"),
    "row.iops": ("IOPS leitura / escrita", "IOPS read / write"),
    "row.throughput": ("Throughput leitura / escrita", "Throughput read / write"),
    "row.latency": ("Latência P99 leitura / escrita", "P99 latency read / write"),
    "row.concurrency": ("Concorrência", "Concurrency"),
    "row.latency_targets": ("Metas de latência", "Latency targets"),
    "row.roofline": ("Roofline", "Roofline"),
    "row.context": ("Contexto efetivo", "Effective context"),
    "row.kv_precision": ("Precisão KV", "KV precision"),
    "row.kv_budget_ratio": ("KV budget ratio", "KV budget ratio"),
    "row.overhead": ("Overhead de runtime", "Runtime overhead"),
    "row.headroom": ("Headroom de pico", "Peak headroom"),
    "row.tensor_parallel": ("Tensor parallel", "Tensor parallel"),
    "row.basis": ("Base de capacidade (kv_accounting)", "Capacity basis (kv_accounting)"),
    "value.tokens": ("{tokens} tokens", "{tokens} tokens"),
    "value.context_clamped": ("{tokens} tokens (solicitado: {requested}, limitado ao máximo do modelo)",
                              "{tokens} tokens (requested: {requested}, clamped to the model's maximum)"),
    "value.operating_point": ("{concurrency} ({rate:p} req/s × (TTFT de {input} tokens + {output} tokens × TPOT))",
                              "{concurrency} ({rate:p} req/s × (TTFT of {input} tokens + {output} tokens × TPOT))"),
    "value.littles_law": ("{concurrency} (lei de Little: ceil({rate:p} req/s × {seconds:p} s))",
                          "{concurrency} (Little's law: ceil({rate:p} req/s × {seconds:p} s))"),
    "value.no_targets": ("nenhuma (nós pela memória)", "none (nodes by memory)"),
    "value.target": ("{name} {value:p} ms", "{name} {value:p} ms"),
    "value.roofline": ("eficiência de HBM {hbm:pct}, MFU {mfu:pct}", "HBM efficiency {hbm:pct}, MFU {mfu:pct}"),
    "value.kv_precision": ("{precision} ({bytes:p} byte por elemento)", "{precision} ({bytes:p} byte per element)"),
    "value.gib": ("{value:p} GiB", "{value:p} GiB"),
    "value.percent": ("{ratio:pct}", "{ratio:pct}"),
    "value.tensor_pipeline": ("TP {tensor_parallel} × PP {stages} = {gpus} por instância, {placement}",
                              "TP {tensor_parallel} × PP {stages} = {gpus} per instance, {placement}"),
    "value.nodes_per_instance": ("{nodes} nós por instância", "{nodes} nodes per instance"),
    "value.instances_per_node": ("{instances} por nó", "{instances} per node"),
    "value.overhead_auto": ("auto: {gib:f2} GiB (pesos + ativações + fixo)",
                            "auto: {gib:f2} GiB (weights + activations + fixed)"),
    "value.tensor_parallel": ("{gpus} por instância, {instances} por nó", "{gpus} per instance, {instances} per node"),
    "value.basis_spec": ("spec (fórmula do guia)", "spec (the guide's formula)"),
    "value.basis_sglang": ("sglang (pool de tokens, páginas de {page} token(s), swa_full_tokens_ratio {ratio:p})",
                           "sglang (token pool, pages of {page} token(s), swa_full_tokens_ratio {ratio:p})"),
    "value.basis_trtllm": ("trtllm (blocos de {page} tokens de todas as camadas)",
                           "trtllm (blocks of {page} tokens of every layer)"),
    "value.basis_vllm": ("vllm (blocos de {block_size} tokens, max_num_batched_tokens {batched}, max_num_seqs "
                         "{seqs})",
                         "vllm (blocks of {block_size} tokens, max_num_batched_tokens {batched}, max_num_seqs "
                         "{seqs})"),
    "value.attention": ("{pattern} ({groups})", "{pattern} ({groups})"),
    "value.attention_mla": ("mla ({groups}, latente {latent})", "mla ({groups}, latent {latent})"),
    "value.weights": ("{bytes} bytes ({gib:f2} GiB)", "{bytes} bytes ({gib:f2} GiB)"),
    "value.pair": ("{first} / {second}", "{first} / {second}"),
    "value.experts": ("{experts} ({per_token})", "{experts} ({per_token})"),
    "value.quantity": ("{value:p} {unit}", "{value:p} {unit}"),
    "value.hbm_total": ("{gb:p} GB ({gib:f2} GiB)", "{gb:p} GB ({gib:f2} GiB)"),
    "value.profile": ("{name} ({type})", "{name} ({type})"),
    "value.latency_pair": ("{read:f2} / {write:f2} ms", "{read:f2} / {write:f2} ms"),
    "value.throughput_pair": ("{read:p} / {write:p} GB/s", "{read:p} / {write:p} GB/s"),
    "common.title": ("Valores comuns aos três cenários", "Values common to the three scenarios"),
    "compare.title": ("Comparação de Configurações", "Configuration Comparison"),
    "compare.generated": ("Gerado por `sizing {version}`: {n} configurações, variando {varying}.",
                          "Generated by `sizing {version}`: {n} configurations, varying {varying}."),
    "compare.fixed": ("Iguais em todas", "The same in all"),
    "compare.table": ("Nós por cenário e o RECOMENDADO de cada configuração",
                      "Nodes per scenario and each configuration's RECOMMENDED"),
    "compare.row": ("#", "#"),
    "compare.row_number": ("linha {n}", "row {n}"),
    "compare.errors": ("Configurações recusadas", "Configurations refused"),
    "compare.sessions": ("Sessões/nó (REC.)", "Sessions/node (REC.)"),
    "compare.kv": ("KV/sessão (GiB)", "KV/session (GiB)"),
    "compare.limit": ("Limite (REC.)", "Limit (REC.)"),
    "compare.status": ("Status", "Status"),
    "compare.cost": ("USD/mês (REC.)", "USD/month (REC.)"),
    "compare.chart_title": ("Nós por cenário", "Nodes per scenario"),
    "compare.chart_nodes": ("nós", "nodes"),
    "compare.chart_note": ("Linhas, de baixo para cima: MÍNIMO, RECOMENDADO, IDEAL (0 = nenhuma sessão cabe).",
                           "Lines, bottom to top: MINIMUM, RECOMMENDED, IDEAL (0 = no session fits)."),
    "column.model": ("Modelo", "Model"),
    "column.server": ("Servidor", "Server"),
    "column.storage": ("Storage", "Storage"),
    "column.kv_precision": ("Precisão KV", "KV precision"),
    "column.effective_context": ("Contexto", "Context"),
    "column.concurrency": ("Concorrência", "Concurrency"),
    "column.tensor_parallel": ("TP", "TP"),
    "column.pipeline_parallel": ("PP", "PP"),
    "column.kv_accounting": ("Base", "Basis"),
    "status.ok": ("ok", "ok"),
    "status.infeasible": ("inviável", "infeasible"),
    "status.error": ("erro", "error"),
    "comparison.title": ("Comparação Rápida", "Quick Comparison"),
    "comparison.metric": ("Métrica", "Metric"),
    "comparison.row": ("{label} ({unit})", "{label} ({unit})"),
    "comparison.nodes_final": ("Nós Finais", "Final Nodes"),
    "scenario.heading": ("Cenário: {label}", "Scenario: {label}"),
    "scenario.line": ("Uso: {usage} | HA: {ha} | Headroom: {headroom:pct} | Budget KV: {budget:pct}",
                      "Use: {usage} | HA: {ha} | Headroom: {headroom:pct} | KV budget: {budget:pct}"),
    "scenario.row.usage": ("Uso", "Use"),
    "scenario.row.ha": ("HA", "HA"),
    "scenario.row.headroom": ("Headroom", "Headroom"),
    "scenario.row.budget": ("Budget KV", "KV budget"),
    "figure.rationale": ("Racional", "Rationale"),
    "figure.formula": ("Fórmula", "Formula"),
    "figure.inputs": ("Entradas", "Inputs"),
    "figure.explanation": ("Interpretação", "Interpretation"),
    "alerts.none": ("Nenhum alerta.", "No alerts."),
    "alerts.level": ("Nível", "Level"),
    "alerts.code": ("Código", "Code"),
    "alerts.message": ("Mensagem", "Message"),
    "summary_table.scenario": ("Cenário", "Scenario"),
    "summary_table.nodes": ("Nós", "Nodes"),
    "summary_table.sessions": ("Sessões por nó", "Sessions per node"),
    "summary_table.sessions_instance": ("Sessões por instância", "Sessions per instance"),
    "summary_table.kv": ("KV por sessão (GiB)", "KV per session (GiB)"),
    "summary_table.limit": ("Limite", "Limit"),
    "dictionary.parameter": ("Parâmetro", "Parameter"),
    "dictionary.origin": ("Origem", "Origin"),
    "dictionary.what": ("O que é", "What it is"),
    "dictionary.why": ("Importância", "Why it matters"),
    "dictionary.mistake": ("Erro comum", "Common mistake"),
    "origin.model": ("Modelo", "Model"),
    "origin.runtime": ("Runtime", "Runtime"),
    "origin.nfr": ("NFR", "NFR"),
    "origin.hardware": ("Hardware", "Hardware"),

    # -- the parameter dictionary ------------------------------------------------------
    "dict.num_hidden_layers.what": ("Número de camadas do transformer; cada camada de atenção guarda o seu próprio "
                                    "K e V.",
                                    "Number of transformer layers; each attention layer keeps its own K and V."),
    "dict.num_hidden_layers.why": ("O KV cresce linearmente com o número de camadas que guardam cache.",
                                   "The KV grows linearly with the number of layers that keep a cache."),
    "dict.num_hidden_layers.mistake": ("Contar camadas sem atenção (MLP, Mamba) como se guardassem KV, ou esquecer "
                                       "que camadas sliding guardam só a janela.",
                                       "Counting layers without attention (MLP, Mamba) as if they kept KV, or "
                                       "forgetting that sliding layers keep only the window."),
    "dict.num_attention_heads.what": ("Número de heads de query da atenção.", "Number of attention query heads."),
    "dict.num_attention_heads.why": ("Define head_dim quando o config não traz head_dim (hidden_size / "
                                     "num_attention_heads).",
                                     "Sets head_dim when the config has no head_dim (hidden_size / "
                                     "num_attention_heads)."),
    "dict.num_attention_heads.mistake": ("Usá-lo no lugar de num_key_value_heads: superestima o KV em 4 a 8 vezes em "
                                         "modelos GQA.",
                                         "Using it instead of num_key_value_heads: overestimates the KV 4 to 8 times "
                                         "in GQA models."),
    "dict.num_key_value_heads.what": ("Número de heads de K/V; com GQA é menor que o de query, com MQA é 1.",
                                      "Number of K/V heads; with GQA fewer than the query heads, with MQA 1."),
    "dict.num_key_value_heads.why": ("8 KV heads em vez de 64 significam 8 vezes menos memória de KV.",
                                     "8 KV heads instead of 64 mean 8 times less KV memory."),
    "dict.num_key_value_heads.mistake": ("Usar num_attention_heads: superestimação de 4 a 8 vezes.",
                                         "Using num_attention_heads: a 4 to 8 times overestimate."),
    "dict.head_dim.what": ("Dimensão de cada head de atenção (elementos por head por token).",
                           "Width of each attention head (elements per head per token)."),
    "dict.head_dim.why": ("Multiplica diretamente o KV por token.", "Multiplies the KV per token directly."),
    "dict.head_dim.mistake": ("Calcular hidden_size / num_attention_heads quando o config traz head_dim (gpt-oss: "
                              "2880/64 = 45, mas head_dim real é 64).",
                              "Computing hidden_size / num_attention_heads when the config has head_dim (gpt-oss: "
                              "2880/64 = 45, but the real head_dim is 64)."),
    "dict.max_position_embeddings.what": ("Maior contexto que o modelo suporta.",
                                          "The longest context the model supports."),
    "dict.max_position_embeddings.why": ("O contexto efetivo é limitado a este valor (clamp automático com alerta).",
                                         "The effective context is clamped to it (automatically, with an alert)."),
    "dict.max_position_embeddings.mistake": ("Dimensionar para um contexto que o modelo não aceita.",
                                             "Sizing for a context the model does not accept."),
    "dict.sliding_window.what": ("Tamanho da janela das camadas de atenção deslizante (sliding window).",
                                 "Window size of the sliding-window attention layers."),
    "dict.sliding_window.why": ("Camadas sliding guardam no máximo a janela, não o contexto inteiro.",
                                "Sliding layers keep at most the window, not the whole context."),
    "dict.sliding_window.mistake": ("Cobrar contexto cheio nas camadas sliding, ou aplicar a janela a camadas full.",
                                    "Charging the full context to sliding layers, or applying the window to full "
                                    "layers."),
    "dict.attention_pattern.what": ("Distribuição das camadas entre atenção full, sliding, chunked ou MLA.",
                                    "How the layers split between full, sliding, chunked and MLA attention."),
    "dict.attention_pattern.why": ("Em modelos híbridos só as camadas full crescem com o contexto.",
                                   "In hybrid models only the full layers grow with the context."),
    "dict.attention_pattern.mistake": ("Tratar um modelo híbrido como se todas as camadas fossem full.",
                                       "Treating a hybrid model as if every layer were full."),
    "dict.effective_context.what": ("Tokens de contexto (prompt + resposta) que cada sessão mantém em cache.",
                                    "Context tokens (prompt + answer) each session keeps in cache."),
    "dict.effective_context.why": ("O KV das camadas full cresce linearmente com ele.",
                                   "The KV of the full layers grows linearly with it."),
    "dict.effective_context.mistake": ("Usar o contexto máximo do modelo quando o uso real é bem menor (ou o "
                                       "contrário).",
                                       "Using the model's maximum context when real use is much shorter (or the "
                                       "reverse)."),
    "dict.concurrency.what": ("Sessões ativas ao mesmo tempo, cada uma com o seu KV residente na HBM.",
                              "Sessions active at the same time, each with its KV resident in HBM."),
    "dict.concurrency.why": ("Os nós necessários crescem linearmente com a concorrência.",
                             "The nodes needed grow linearly with the concurrency."),
    "dict.concurrency.mistake": ("Confundir usuários cadastrados ou requisições por segundo com sessões simultâneas.",
                                 "Confusing registered users or requests per second with concurrent sessions."),
    "dict.kv_precision.what": ("Tipo numérico dos elementos do KV cache (fp8, fp16, bf16, fp32, int8, nvfp4).",
                               "Numeric type of the KV cache elements (fp8, fp16, bf16, fp32, int8, nvfp4)."),
    "dict.kv_precision.why": ("fp16/bf16 ocupam o dobro de fp8: metade das sessões por nó.",
                              "fp16/bf16 take twice the memory of fp8: half the sessions per node."),
    "dict.kv_precision.mistake": ("Assumir fp8 sem validar a qualidade, ou esquecer de habilitá-lo no runtime.",
                                  "Assuming fp8 without checking quality, or forgetting to enable it in the "
                                  "runtime."),
    "dict.kv_budget_ratio.what": ("Fração da HBM livre (após o overhead de runtime) reservada ao KV cache.",
                                  "Share of the free HBM (after the runtime overhead) set aside for the KV cache."),
    "dict.kv_budget_ratio.why": ("Define quantas sessões cabem por nó.", "Sets how many sessions fit per node."),
    "dict.kv_budget_ratio.mistake": ("Usar valores acima de 0.75: fragmentação e falta de memória para ativações.",
                                     "Values above 0.75: fragmentation and too little memory for activations."),
    "dict.runtime_overhead_gib.what": ("Memória por nó reservada a pesos do modelo, ativações, grafos CUDA e "
                                       "buffers.",
                                       "Memory per node set aside for model weights, activations, CUDA graphs and "
                                       "buffers."),
    "dict.runtime_overhead_gib.why": ("É descontada da HBM antes de aplicar o budget de KV.",
                                      "It comes out of the HBM before the KV budget is applied."),
    "dict.runtime_overhead_gib.mistake": ("Subestimar (abaixo de 50 GiB) ou esquecer que os pesos de cada instância "
                                          "ficam aqui.",
                                          "Underestimating it (below 50 GiB), or forgetting that every instance's "
                                          "weights live here."),
    "dict.peak_headroom_ratio.what": ("Folga sobre a concorrência para absorver picos de tráfego.",
                                      "Slack over the concurrency to absorb traffic peaks."),
    "dict.peak_headroom_ratio.why": ("Multiplica a concorrência antes de calcular os nós.",
                                     "Multiplies the concurrency before the nodes are counted."),
    "dict.peak_headroom_ratio.mistake": ("Dimensionar pela média de tráfego, sem folga para picos.",
                                         "Sizing for the mean traffic, with no slack for peaks."),
    "dict.ha_extra_nodes.what": ("Nós de reserva para alta disponibilidade (N+1, N+2).",
                                 "Spare nodes for high availability (N+1, N+2)."),
    "dict.ha_extra_nodes.why": ("Garante capacidade quando um ou dois nós falham ou entram em manutenção.",
                                "Keeps capacity when one or two nodes fail or go into maintenance."),
    "dict.ha_extra_nodes.mistake": ("Contar a reserva como capacidade disponível para tráfego normal.",
                                    "Counting the spares as capacity for normal traffic."),
    "dict.total_hbm_gb.what": ("HBM total do servidor em GB (10^9 bytes), somando todas as GPUs.",
                               "The server's total HBM in GB (10^9 bytes), over all its GPUs."),
    "dict.total_hbm_gb.why": ("É a memória de onde saem overhead e budget de KV.",
                              "The memory that the overhead and the KV budget come out of."),
    "dict.total_hbm_gb.mistake": ("Misturar GB (10^9) e GiB (2^30): 2304 GB são 2145.77 GiB, não 2304 GiB.",
                                  "Mixing GB (10^9) and GiB (2^30): 2304 GB are 2145.77 GiB, not 2304 GiB."),
    "dict.storage_profile.what": ("Perfil de storage (IOPS, throughput, latência) usado para pesos e offload de KV.",
                                  "Storage profile (IOPS, throughput, latency) used for weights and KV offload."),
    "dict.storage_profile.why": ("Contextos longos e recuperação de sessões pressionam o I/O.",
                                 "Long contexts and session recovery press on I/O."),
    "dict.storage_profile.mistake": ("Ignorar o storage em contextos acima de 128k tokens.",
                                     "Ignoring storage for contexts above 128k tokens."),

    # -- command line -------------------------------------------------------------------
    "help.description": ("Dimensiona quantos servidores GPU uma implantação de LLM precisa, em três cenários "
                         "(MÍNIMO, RECOMENDADO, IDEAL), com o racional de cada número.",
                         "Sizes how many GPU servers an LLM deployment needs, in three scenarios (MINIMUM, "
                         "RECOMMENDED, IDEAL), with the rationale of every number."),
    "help.epilog": ("Exemplo: sizing --model opt-oss-120b --server dgx300 --concurrency 1000 --effective-context "
                    "131072. Saída: 0 = dimensionado; 1 = algum cenário não comporta nenhuma sessão (ou os pesos não "
                    "cabem no overhead); 2 = entrada inválida.",
                    "Example: sizing --model opt-oss-120b --server dgx300 --concurrency 1000 --effective-context "
                    "131072. Exit status: 0 = sized; 1 = some scenario holds no session (or the weights do not fit "
                    "the overhead); 2 = bad input."),
    "help.group.load": ("modelo, servidor e carga", "model, server and load"),
    "help.group.runtime": ("runtime e cenários", "runtime and scenarios"),
    "help.group.cost": ("custo e energia (USD)", "cost and power (USD)"),
    "help.group.latency": ("latência (roofline)", "latency (roofline)"),
    "help.group.catalogs": ("catálogos", "catalogs"),
    "help.group.output": ("saída", "output"),
    "metavar.name": ("NOME", "NAME"),
    "metavar.file": ("ARQUIVO", "FILE"),
    "metavar.profile": ("PERFIL", "PROFILE"),
    "metavar.basis": ("BASE", "BASIS"),
    "help.model": ("modelo do catálogo (ex.: opt-oss-120b)", "model from the catalog (e.g. opt-oss-120b)"),
    "help.model_config": ("config.json do Hugging Face (caminho, ou id do modelo como org/nome, baixado do Hub), "
                          "no lugar de --model",
                          "a Hugging Face config.json (a path, or a model id such as org/name, fetched from the "
                          "Hub), instead of --model"),
    "help.server": ("servidor do catálogo (ex.: dgx300)", "server from the catalog (e.g. dgx300)"),
    "help.storage": ("perfil de storage (padrão: %(default)s)", "storage profile (default: %(default)s)"),
    "help.concurrency": ("sessões simultâneas (inteiro > 0)", "concurrent sessions (whole number > 0)"),
    "help.requests_per_second": ("chegadas por segundo; com --mean-session-seconds, no lugar de --concurrency",
                                 "arrivals per second; with --mean-session-seconds, instead of --concurrency"),
    "help.mean_session_seconds": ("duração média de uma sessão em segundos (lei de Little)",
                                  "mean duration of a session in seconds (Little's law)"),
    "help.effective_context": ("contexto por sessão em tokens (limitado a max_position_embeddings)",
                               "context per session in tokens (clamped to max_position_embeddings)"),
    "help.kv_precision": ("precisão do KV cache: {choices} (padrão: %(default)s)",
                          "KV cache precision: {choices} (default: %(default)s)"),
    "help.kv_budget_ratio": ("fração da HBM livre para KV, 0 < R <= 1 (padrão: %(default)s)",
                             "share of the free HBM for KV, 0 < R <= 1 (default: %(default)s)"),
    "help.runtime_overhead_gib": ("GiB por nó para pesos e ativações, >= 0, ou auto (pesos das instâncias + "
                                  "ativações e grafos CUDA por GPU) (padrão: %(default)s)",
                                  "GiB per node for weights and activations, >= 0, or auto (the instances' weights + "
                                  "activations and CUDA graphs per GPU) (default: %(default)s)"),
    "help.weight_precision": ("precisão das camadas lineares dos pesos: {choices} (padrão: a do checkpoint)",
                              "precision of the weights' linear layers: {choices} (default: the checkpoint's)"),
    "help.disable_hybrid_kv_cache_manager": ("base vllm: cobra camadas sliding e chunked como full, como o vLLM "
                                             "faz sem o gerenciador híbrido (ou com um conector de KV sem suporte "
                                             "a ele, como o LMCache)",
                                             "vllm basis: charge sliding and chunked layers as full, as vLLM does "
                                             "without its hybrid manager (or with a KV connector that lacks it, "
                                             "such as LMCache)"),
    "help.calibrate_from": ("um log de inicialização do vLLM de um deployment real: a memória de KV que ele teve "
                            "substitui o overhead e o budget, e o TP, PP, dtype do KV, bloco e versão do log viram "
                            "os padrões",
                            "a vLLM startup log of a real deployment: the KV memory it had replaces the overhead and "
                            "budget, and the log's TP, PP, KV dtype, block and release become the defaults"),
    "list.server": ("{gpus} GPUs × {hbm:p} GB. {description}", "{gpus} GPUs × {hbm:p} GB. {description}"),
    "list.storage": ("{type}: leitura {read:p} GB/s, p99 {latency:p} ms", "{type}: read {read:p} GB/s, p99 {latency:p} ms"),
    "list.kv_precision": ("KV: {bytes:p} byte(s) por elemento", "KV: {bytes:p} byte(s) per element"),
    "list.weight_precision": ("pesos: {bytes:p} byte(s) por parâmetro", "weights: {bytes:p} byte(s) per parameter"),
    "list.aliases": (" (também: {aliases})", " (also: {aliases})"),
    "help.solve": ("a pergunta inversa, com --nodes: concurrency (quantas sessões os nós comportam, com "
                   "--effective-context) ou context (o maior contexto para --concurrency sessões)",
                   "the inverse question, with --nodes: concurrency (how many sessions the nodes hold, with "
                   "--effective-context) or context (the longest context for --concurrency sessions)"),
    "help.nodes": ("número de nós para --solve", "number of nodes for --solve"),
    "help.list": ("lista os nomes e uma linha de descrição de: {kinds} (texto, ou JSON com --json-only)",
                  "lists the names and a one-line description of: {kinds} (text, or JSON with --json-only)"),
    "help.mamba_cache_dtype": ("camadas Mamba/atenção linear: dtype do estado de convolução, como no vLLM (auto = o "
                               "dtype do modelo; float32, bfloat16, float16)",
                               "Mamba/linear-attention layers: dtype of the convolution state, as vLLM names it "
                               "(auto = the model dtype; float32, bfloat16, float16)"),
    "help.mamba_ssm_cache_dtype": ("camadas Mamba/atenção linear: dtype do estado SSM (auto = o do estado de "
                                   "convolução, salvo o que o modelo define: NemotronH usa float32)",
                                   "Mamba/linear-attention layers: dtype of the SSM state (auto = the convolution "
                                   "state's, unless the model sets it: NemotronH keeps float32)"),
    "help.enable_prefix_caching": ("base vllm: prefix caching ligado/desligado; nos modelos com camadas de estado "
                                   "ele guarda 2 páginas de estado por pedido em vez de 1 (padrão: ligado a partir "
                                   "da 0.33)",
                                   "vllm basis: prefix caching on/off; with state layers it keeps 2 state pages per "
                                   "request instead of 1 (default: on from 0.33)"),
    "help.num_speculative_tokens": ("tokens de rascunho por passo, como no vLLM (padrão: as camadas MTP do "
                                    "checkpoint com mtp, 1 com eagle); com MTP de vários módulos, a partir da 0.33, "
                                    "as janelas deslizantes guardam N - 1 tokens a mais",
                                    "draft tokens per step, as vLLM names it (default: the checkpoint's MTP layers "
                                    "with mtp, 1 with eagle); with multi-module MTP, from 0.33, sliding windows keep "
                                    "N - 1 more tokens"),
    "help.speculative": ("decodificação especulativa: eagle, eagle3 (uma camada a mais) ou mtp (as "
                         "num_nextn_predict_layers do checkpoint); o drafter guarda KV no mesmo pool",
                         "speculative decoding: eagle, eagle3 (one more layer) or mtp (the checkpoint's "
                         "num_nextn_predict_layers); the drafter keeps KV in the same pool"),
    "help.gpu_memory_utilization": ("memória do motor: fração dos bytes visíveis ao CUDA que o vLLM usa (o padrão "
                                    "do vLLM 0.33 é 0.92); substitui o overhead e o kv_budget_ratio do guia",
                                    "engine memory: the share of the CUDA-visible bytes vLLM uses (vLLM 0.33's "
                                    "default is 0.92); replaces the guide's overhead and kv_budget_ratio"),
    "help.kv_cache_memory_bytes": ("memória do motor: bytes de KV por GPU, como a opção do vLLM (a linha \"Available "
                                   "KV cache memory\" de um log); substitui o overhead e o kv_budget_ratio do guia",
                                   "engine memory: KV bytes per GPU, as vLLM's option (a log's \"Available KV cache "
                                   "memory\" line); replaces the guide's overhead and kv_budget_ratio"),
    "help.vllm_version": ("base vllm: a versão do vLLM cujas regras valem, X.Y (padrão: %(default)s)",
                          "vllm basis: the vLLM release whose rules apply, X.Y (default: %(default)s)"),
    "help.async_scheduling": ("base vllm: escalonamento assíncrono ligado (padrão do vLLM desde 0.26)",
                              "vllm basis: async scheduling on (vLLM's default since 0.26)"),
    "help.no_async_scheduling": ("base vllm: escalonamento assíncrono desligado",
                                 "vllm basis: async scheduling off"),
    "help.pipeline_parallel": ("estágios de pipeline por instância; uma instância tem TP × PP GPUs e pode ocupar "
                               "vários nós (padrão: %(default)s)",
                               "pipeline stages per instance; an instance has TP × PP GPUs and may span nodes "
                               "(default: %(default)s)"),
    "help.data_parallel_attention": ("modelos MLA: cada GPU guarda o latente das suas sessões (atenção data-parallel "
                                     "com expert parallel, como no vLLM)",
                                     "MLA models: each GPU keeps the latent of its own sessions (data-parallel "
                                     "attention with expert parallelism, as in vLLM)"),
    "help.peak_headroom_ratio": ("folga para picos, >= 0 (padrão: %(default)s; IDEAL usa no mínimo 0.30)",
                                 "slack for peaks, >= 0 (default: %(default)s; IDEAL uses at least 0.30)"),
    "help.tensor_parallel": ("GPUs por instância do modelo (padrão: todas as GPUs do nó)",
                             "GPUs per model instance (default: every GPU of the node)"),
    "help.kv_accounting": ("base de capacidade: spec (fórmula do guia), vllm (blocos paginados do vLLM v1), sglang "
                           "(pool de tokens do SGLang) ou trtllm (blocos do TensorRT-LLM) (padrão: %(default)s)",
                           "capacity basis: spec (the guide's formula), vllm (vLLM v1's paged blocks), sglang "
                           "(SGLang's token pool) or trtllm (TensorRT-LLM's blocks) (default: %(default)s)"),
    "help.page_size": ("tokens por página na base sglang, o --page-size do SGLang (padrão: %(default)s)",
                       "tokens per page on the sglang basis, SGLang's --page-size (default: %(default)s)"),
    "help.swa_full_tokens_ratio": ("tokens do pool SWA / tokens do pool full na base sglang, o "
                                   "--swa-full-tokens-ratio do SGLang (padrão: %(default)s)",
                                   "SWA pool tokens / full pool tokens on the sglang basis, SGLang's "
                                   "--swa-full-tokens-ratio (default: %(default)s)"),
    "help.tokens_per_block": ("tokens por bloco na base trtllm, o tokens_per_block do TensorRT-LLM (padrão: "
                              "%(default)s)",
                              "tokens per block on the trtllm basis, TensorRT-LLM's tokens_per_block (default: "
                              "%(default)s)"),
    "help.block_size": ("tokens por bloco de KV na base vllm (padrão: %(default)s)",
                        "tokens per KV block on the vllm basis (default: %(default)s)"),
    "help.max_num_batched_tokens": ("tokens por passo do scheduler na base vllm (padrão: %(default)s)",
                                    "tokens per scheduler step on the vllm basis (default: %(default)s)"),
    "help.max_num_seqs": ("sessões por instância no máximo, base vllm (padrão: %(default)s)",
                          "sessions per instance at most, vllm basis (default: %(default)s)"),
    "help.tpot_slo_ms": ("meta de tempo por token de saída; limita as sessões por nó",
                         "time-per-output-token target; caps the sessions per node"),
    "help.ttft_slo_ms": ("meta de tempo até o primeiro token (prompt com o contexto inteiro)",
                         "time-to-first-token target (a prompt with the whole context)"),
    "help.hbm_efficiency": ("fração da banda de HBM de pico atingida no decode, 0.01 <= R <= 1 (padrão: "
                            "%(default)s)",
                            "share of peak HBM bandwidth reached in decode, 0.01 <= R <= 1 (default: %(default)s)"),
    "help.input_tokens": ("tokens de prompt por requisição (média), com --requests-per-second: o TTFT e a demanda "
                          "de prefill usam prompts desse tamanho",
                          "prompt tokens per request (mean), with --requests-per-second: TTFT and prefill demand "
                          "use prompts of this size"),
    "help.node_cost_per_hour": ("USD por hora de um nó inteiro (aluguel), no lugar do catálogo",
                                "USD per hour of a whole node (rent), instead of the catalog's"),
    "help.node_price": ("USD de compra de um nó: o custo mensal é o preço / --amortization-months",
                        "USD to buy one node: the monthly cost is the price / --amortization-months"),
    "help.power_cost_per_kwh": ("USD por kWh: soma ao custo a energia dos nós na potência máxima",
                                "USD per kWh: adds the nodes' energy at maximum power to the cost"),
    "help.amortization_months": ("meses em que o preço de compra é amortizado (padrão: %(default)s)",
                                 "months over which the purchase price is amortized (default: %(default)s)"),
    "help.disaggregated": ("prefill e decode em pools separados (com --requests-per-second): o relatório mostra os "
                           "dois pools, o total e a resposta agregada",
                           "prefill and decode in separate pools (with --requests-per-second): the report shows both "
                           "pools, their total and the aggregated answer"),
    "help.kv_transfer_gb_s": ("GB/s com que o KV de um prompt vai do nó de prefill ao de decode (padrão: %(default)s, "
                              "uma NIC de 400 Gb/s)",
                              "GB/s at which a prompt's KV goes from the prefill node to the decode node (default: "
                              "%(default)s, one 400 Gb/s NIC)"),
    "help.output_tokens": ("tokens gerados por requisição (média); com --input-tokens e sem --mean-session-seconds, "
                           "a duração da sessão é TTFT + saída × TPOT e o contexto padrão é entrada + saída",
                           "generated tokens per request (mean); with --input-tokens and no --mean-session-seconds, "
                           "a session lasts TTFT + output × TPOT and the default context is input + output"),
    "help.decode_mfu": ("fração dos FLOPS densos de pico atingida pelas GEMMs do decode, 0.01 <= R <= 1 (padrão: "
                        "%(default)s, medido numa H100)",
                        "share of peak dense FLOPS the decode GEMMs reach, 0.01 <= R <= 1 (default: %(default)s, "
                        "measured on one H100)"),
    "help.mfu": ("fração dos FLOPS densos de pico atingida no prefill, 0.01 <= R <= 1 (padrão: %(default)s)",
                 "share of peak dense FLOPS reached in prefill, 0.01 <= R <= 1 (default: %(default)s)"),
    "help.models_file": ("catálogo de modelos (padrão: models.json do sizing)",
                         "models catalog (default: sizing's models.json)"),
    "help.servers_file": ("catálogo de servidores (padrão: servers.json do sizing)",
                          "servers catalog (default: sizing's servers.json)"),
    "help.storage_file": ("catálogo de storage (padrão: storage.json do sizing)",
                          "storage catalog (default: sizing's storage.json)"),
    "help.json_only": ("imprime só o JSON", "print only the JSON"),
    "help.markdown_only": ("imprime só o Markdown", "print only the Markdown"),
    "help.summary_only": ("imprime só o resumo: uma tabela por cenário e os alertas",
                          "print only the summary: one table of the scenarios, and the alerts"),
    "help.output_markdown_file": ("grava também o relatório Markdown neste arquivo",
                                  "also write the Markdown report to this file"),
    "help.output_json_file": ("grava também o JSON neste arquivo", "also write the JSON to this file"),
    "help.csv_only": ("imprime só a tabela de comparação em CSV (uma linha por configuração)",
                      "print only the comparison table as CSV (one row per configuration)"),
    "help.output_csv_file": ("grava também a tabela de comparação em CSV neste arquivo",
                             "also write the comparison table as CSV to this file"),
    "help.order_by": ("ordena uma comparação por: {keys} (o custo mensal ou os nós do RECOMENDADO)",
                      "order a comparison by: {keys} (RECOMMENDED's monthly cost or nodes)"),
    "help.lang": ("idioma do relatório, dos alertas, dos erros e da ajuda: pt-BR ou en (padrão: %(default)s)",
                  "language of the report, alerts, errors and help: pt-BR or en (default: %(default)s)"),
    "help.version": ("mostra a versão e sai", "show the version and exit"),
    "help.help": ("mostra esta ajuda e sai", "show this help and exit"),

    # argparse's own messages, by their English text (argparse looks `_` and
    # `ngettext` up in its module at call time; these cover Python 3.8 to 3.13).
    "argparse:usage: ": ("uso: ", "usage: "),
    "argparse:options": ("opções", "options"),
    "argparse:optional arguments": ("opções", "options"),
    "argparse:positional arguments": ("argumentos posicionais", "positional arguments"),
    "argparse:the following arguments are required: %s": ("faltam opções obrigatórias: %s",
                                                           "the following arguments are required: %s"),
    "argparse:unrecognized arguments: %s": ("argumentos não reconhecidos: %s", "unrecognized arguments: %s"),
    "argparse:expected one argument": ("esperava um valor", "expected one argument"),
    "argparse:ignored explicit argument %r": ("valor não esperado: %r", "ignored explicit argument %r"),
    "argparse:argument %(argument_name)s: %(message)s": ("opção %(argument_name)s: %(message)s",
                                                         "argument %(argument_name)s: %(message)s"),
    "argparse:not allowed with argument %s": ("não pode ser usada junto com %s", "not allowed with argument %s"),
    "argparse:one of the arguments %s is required": ("uma das opções %s é obrigatória",
                                                     "one of the arguments %s is required"),
    "argparse:ambiguous option: %(option)s could match %(matches)s": ("opção ambígua: %(option)s pode ser "
                                                                      "%(matches)s",
                                                                      "ambiguous option: %(option)s could match "
                                                                      "%(matches)s"),
    "argparse:invalid choice: %(value)r (choose from %(choices)s)": ("valor inválido: %(value)r (escolha entre "
                                                                     "%(choices)s)",
                                                                     "invalid choice: %(value)r (choose from "
                                                                     "%(choices)s)"),
}


def render(text, lang):
    """A Text in a language: the template looked up, its parameters formatted (section 9)."""
    entry = MESSAGES[text.id][LANGUAGES.index(lang)]
    params = dict(text.params)
    if isinstance(entry, tuple):
        entry = entry[0] if params.get("n") == 1 else entry[1]
    return _MessageFormatter(lang).vformat(entry, (), params)


def say(value, lang):
    """Anything shown to a person: Texts and Joins rendered, numbers and names as they are."""
    if isinstance(value, Text):
        return render(value, lang)
    if isinstance(value, Join):
        return value.separator.join(say(item, lang) for item in value.items)
    return format_input(value)


def translate_argparse(lang):
    def translate(message):
        entry = MESSAGES.get("argparse:" + message)
        return entry[LANGUAGES.index(lang)] if entry else message
    return translate


# ---------------------------------------------------------------------------
# 9. Display: rounding happens here and only here
# ---------------------------------------------------------------------------

def _fixed(value, places):
    """Round an exact number half-to-even to `places` decimals, for display."""
    scaled = round(Fraction(value) * 10 ** places)
    sign = "-" if scaled < 0 else ""
    digits = str(abs(scaled)).rjust(places + 1, "0")
    if not places:
        return sign + digits
    return "%s%s.%s" % (sign, digits[:-places], digits[-places:])


def _plain(value):
    """Shortest faithful decimal: exact when it has up to 6 decimals."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    return _fixed(value, 6).rstrip("0").rstrip(".")


def _percent(ratio):
    return _plain(Fraction(ratio) * 100) + "%"


def _sci(value):
    """Scientific notation with 4 significant digits, from the exact value (no float underflow)."""
    value = Fraction(value)
    if value == 0:
        return "0.000e+00"
    sign, value = ("-" if value < 0 else ""), abs(value)
    exponent = len(str(value.numerator)) - len(str(value.denominator))
    mantissa = value / Fraction(10) ** exponent
    while mantissa >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    while mantissa < 1:
        mantissa, exponent = mantissa * 10, exponent - 1
    digits = _fixed(mantissa, 3)
    if digits == "10.000":
        digits, exponent = "1.000", exponent + 1
    return "%s%se%+03d" % (sign, digits, exponent)


# Format specs usable in message templates ({x:f2}, {x:p}, {x:pct}, {x:sci}).
NUMBER_FORMATS = {"p": _plain, "pct": _percent, "sci": _sci}


class _MessageFormatter(string.Formatter):
    """str.format for the message table: nested Texts, Joins and exact numbers."""

    def __init__(self, lang):
        string.Formatter.__init__(self)
        self.lang = lang

    def format_field(self, value, spec):
        if value is None:
            return "—"
        if spec in NUMBER_FORMATS:
            return NUMBER_FORMATS[spec](value)
        if spec[:1] == "f" and spec[1:].isdigit():
            return _fixed(value, int(spec[1:]))
        return say(value, self.lang)


def format_input(value):
    """An input value as shown in a rationale: exact numbers plainly, null as JSON does."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, Fraction)):
        return _plain(value)
    return str(value)


def format_value(value, unit, lang, absent=None):
    """A figure's value with its unit, rounded for display; `absent` says why a None is none."""
    if value is None:
        return say(absent or T("value.not_applicable" if unit in UNIT_PLACES else "value.no_session"), lang)
    if unit in UNIT_PLACES:
        return "%s %s" % (_fixed(value, UNIT_PLACES[unit]), say(T("unit." + unit), lang))
    if unit == Unit.NODES:
        return say(T("count.nodes", n=value), lang)
    if unit == Unit.SESSIONS:
        return say(T("count.sessions", n=value), lang)
    return "%s %s" % (_plain(value), say(T("unit." + unit), lang))


# ---------------------------------------------------------------------------
# 10. Outline: the report as neutral blocks, in reading order. Text and
#     Markdown serialize the same blocks (as coverage.py builds its table once
#     for report_text and report_markdown).
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class TitleBlock:
    title: Text
    generated: Text


@dataclass(frozen=True)
class SummaryBlock:
    title: Text
    lines: tuple


@dataclass(frozen=True)
class AnswerBlock(SummaryBlock):
    """The answers of --solve, set apart from the summary above them."""


@dataclass(frozen=True)
class SectionBlock:
    number: int
    title: Text


@dataclass(frozen=True)
class BulletsBlock:
    title: Text
    rows: tuple                 # (label, value)


@dataclass(frozen=True)
class DictionaryBlock:
    header: tuple
    rows: tuple                 # (parameter, origin, what, why, mistake)


@dataclass(frozen=True)
class TableBlock:
    title: object               # a Text, or None
    header: tuple
    rows: tuple
    right_aligned: tuple = ()
    strong_rows: tuple = ()     # rows shown in bold where the format has bold


@dataclass(frozen=True)
class SubheadingBlock:
    title: Text


@dataclass(frozen=True)
class FigureBlock:
    figure: Figure


@dataclass(frozen=True)
class ScenarioBlock:
    result: ScenarioResult


@dataclass(frozen=True)
class AlertsBlock:
    alerts: tuple


@dataclass(frozen=True)
class ChartBlock:
    """Nodes per scenario against one numeric option (Markdown only: a Mermaid xychart-beta)."""
    title: Text
    x_label: Text
    x_values: tuple
    y_label: Text
    series: tuple               # (label, values) per scenario; None values plot as 0
    note: Text


SECTION_ICONS = {1: "📋", 2: "📚", 3: "🎯", 4: "⚠️"}
ALERT_ICONS = {Level.ERROR: "❌", Level.WARNING: "⚠️", Level.INFO: "ℹ️"}
RECOMMENDED_MARK = " ✅"


def scenario_label(result):
    return T("scenario.%s.label" % result.scenario.key)


def summary_line(result):
    """The guide's one-line answer per scenario, e.g. 'MÍNIMO: 2 nós (sem HA, sem headroom)'."""
    scenario, params = result.scenario, result.parameters
    if result.capacity.limit in BLOCKERS + (Bound.VLLM_WOULD_NOT_START,):
        return T("summary.infeasible", label=scenario_label(result), reason=T("limit." + result.capacity.limit))
    if result.nodes_final is None:
        return T("summary.no_session", label=scenario_label(result))
    details = [T("scenario.%s.ha" % scenario.key),
               T("summary.headroom", ratio=params.peak_headroom_ratio) if params.peak_headroom_ratio
               else T("summary.no_headroom")]
    if scenario.budget_cap is not None:
        details.append(T("summary.budget", ratio=params.kv_budget_ratio))
    if result.value("prefill_pool_nodes") is not None:
        details.append(T("summary.disaggregated", prefill=result.value("prefill_pool_nodes"),
                         decode=result.value("decode_pool_nodes"), aggregated=result.value("nodes_aggregated")))
    line = T("summary.line", label=scenario_label(result), nodes=T("count.nodes", n=result.nodes_final),
             details=Join(tuple(details)))
    return Join((line, T("summary.use_in_production")), "") if scenario.recommended else line


def other_basis_line(report):
    """When the other accounting basis needs another node count, the summary says so."""
    other = other_basis(report.options.kv_accounting)
    differing = tuple(T("summary.other_basis_scenario", label=scenario_label(result),
                        nodes=T("count.nodes", n=spec if other == Basis.SPEC else engine))
                      for result, spec, engine in basis_node_counts(report)
                      if spec != engine and None not in (spec, engine))
    return (T("summary.other_basis", basis=other, scenarios=Join(differing)),) if differing else ()


def outline(report):
    """The full report as blocks: title, summary, the guide's four sections."""
    options = report.options
    blocks = [
        TitleBlock(T("report.title"), T("report.generated", version=__version__, schema=SCHEMA_VERSION,
                                        model=report.model.name, server=report.server.name,
                                        storage=report.storage.name,
                                        concurrency=T("count.concurrent_sessions", n=options.concurrency),
                                        context=report.context_tokens)),
        SummaryBlock(T("report.summary"), tuple(summary_line(r) for r in report.scenarios) + other_basis_line(report)),
    ] + list(solve_blocks(report)) + [
        SectionBlock(1, T("section.inputs")),
    ]
    blocks.extend(input_blocks(report))
    blocks.append(SectionBlock(2, T("section.dictionary")))
    blocks.append(DictionaryBlock(
        tuple(T("dictionary." + column) for column in ("parameter", "origin", "what", "why", "mistake")),
        tuple((name, T("origin." + origin), T("dict.%s.what" % name), T("dict.%s.why" % name),
               T("dict.%s.mistake" % name)) for name, origin in PARAMETER_DICTIONARY)))
    blocks.append(SectionBlock(3, T("section.results")))
    blocks.append(comparison_table(report))
    shared = shared_scenario_figures(report)
    blocks.append(SubheadingBlock(T("common.title")))
    blocks.extend(FigureBlock(item) for item in report.common + shared)
    for result in report.scenarios:
        blocks.append(ScenarioBlock(result))
        blocks.extend(FigureBlock(item) for item in result.figures if item not in shared)
    blocks.append(SectionBlock(4, T("section.alerts")))
    blocks.append(AlertsBlock(report.alerts))
    return tuple(blocks)


def shared_scenario_figures(report):
    """Figures identical in every scenario (same value, formula and inputs): shown once."""
    first, others = report.scenarios[0], report.scenarios[1:]
    return tuple(item for item in first.figures if all(item in other.figures for other in others))


def comparison_table(report):
    scenarios = report.scenarios
    rows = []
    for item in scenarios[0].figures:
        if item.unit not in (Unit.NODES, Unit.SESSIONS, Unit.GIB) or item.key == "nodes_final":
            continue
        cells = [result.value(item.key) for result in scenarios]
        rows.append((T("comparison.row", label=item.label, unit=T("unit." + item.unit)),)
                    + tuple("—" if value is None else _fixed(value, 2) if item.unit == Unit.GIB else str(value)
                            for value in cells))
    rows.append((T("comparison.nodes_final"),) + tuple(
        ("—" if r.nodes_final is None else str(r.nodes_final)) + (RECOMMENDED_MARK if r.scenario.recommended else "")
        for r in scenarios))
    return TableBlock(T("comparison.title"), (T("comparison.metric"),) + tuple(scenario_label(r) for r in scenarios),
                      tuple(rows), right_aligned=tuple(range(1, len(scenarios) + 1)), strong_rows=(len(rows) - 1,))


def input_blocks(report):
    """Section 1: model, server, storage, NFRs and runtime."""
    model, server, storage, options = report.model, report.server, report.storage, report.options
    model_rows = [
        ("row.name", model.name), ("row.layers", model.num_hidden_layers),
        ("row.heads", model.num_attention_heads), ("row.kv_heads", model.num_key_value_heads),
        ("row.head_dim", model.head_dim), ("row.max_context", model.max_position_embeddings),
        ("row.sliding_window", "—" if model.sliding_window is None else model.sliding_window),
        ("row.attention_pattern", attention_description(model)),
    ]
    if model.parameters_total is not None:
        model_rows.append(("row.parameters", T("value.pair", first=model.parameters_total,
                                               second=model.parameters_active)))
    if model.num_local_experts is not None:
        model_rows.append(("row.experts", T("value.experts", experts=model.num_local_experts,
                                            per_token=model.num_experts_per_tok)))
    if model.weights is not None:
        model_rows.append(("row.weights", T("value.weights", bytes=model.weights.weights_bytes,
                                            gib=find(report.common, "weights_per_instance_gib"))))
    if model.source:
        model_rows.append(("row.source", model.source))
    server_rows = [
        ("row.name", server.name), ("row.gpus", server.gpus),
        ("row.hbm_per_gpu", T("value.quantity", value=server.hbm_per_gpu_gb, unit="GB")),
        ("row.hbm_total", T("value.hbm_total", gb=server.total_hbm_gb, gib=find(report.common, "hbm_total_gib"))),
        ("row.nvlink", "—" if server.nvlink_bandwidth_tbps is None
         else T("value.quantity", value=server.nvlink_bandwidth_tbps, unit="TB/s")),
    ]
    for field, unit in (("hbm_bandwidth_tb_s", "TB/s"), ("bf16_dense_tflops", "TFLOPS"),
                        ("fp8_dense_tflops", "TFLOPS"), ("nvlink_per_gpu_gb_s", "GB/s")):
        if getattr(server, field) is not None:
            server_rows.append(("row." + field, T("value.quantity", value=getattr(server, field), unit=unit)))
    storage_rows = [
        ("row.profile", T("value.profile", name=storage.name, type=storage.type)),
        ("row.iops", T("value.pair", first=storage.read_iops, second=storage.write_iops)),
        ("row.throughput", T("value.throughput_pair", read=storage.read_throughput_gb_s,
                             write=storage.write_throughput_gb_s)),
        ("row.latency", T("value.latency_pair", read=storage.read_latency_p99_ms, write=storage.write_latency_p99_ms)),
    ]
    concurrency = T("count.concurrent_sessions", n=options.concurrency)
    if options.mean_session_seconds is not None:
        concurrency = T("value.littles_law", concurrency=concurrency, rate=options.requests_per_second,
                        seconds=options.mean_session_seconds)
    elif options.requests_per_second is not None:
        concurrency = T("value.operating_point", concurrency=concurrency, rate=options.requests_per_second,
                        input=options.input_tokens, output=options.output_tokens)
    targets = tuple(T("value.target", name=name, value=value) for name, value in
                    (("TPOT", options.tpot_slo_ms), ("TTFT", options.ttft_slo_ms)) if value is not None)
    context = T("value.tokens", tokens=report.context_tokens)
    if options.effective_context != report.context_tokens:
        context = T("value.context_clamped", tokens=report.context_tokens, requested=options.effective_context)
    nfr_rows = [
        ("row.concurrency", concurrency),
        ("row.latency_targets", Join(targets) if targets else T("value.no_targets")),
        ("row.roofline", T("value.roofline", hbm=options.hbm_efficiency, mfu=options.mfu)),
        ("row.context", context),
        ("row.kv_precision", T("value.kv_precision", precision=options.kv_precision,
                               bytes=KV_PRECISIONS[options.kv_precision])),
        ("row.kv_budget_ratio", T("value.percent", ratio=options.kv_budget_ratio)),
        ("row.overhead", T("value.overhead_auto", gib=report.overhead_gib) if options.runtime_overhead_auto
         else T("value.gib", value=options.runtime_overhead_gib)),
        ("row.headroom", T("value.percent", ratio=options.peak_headroom_ratio)),
        ("row.tensor_parallel", parallelism_description(report.layout)),
        ("row.basis", basis_description(report)),
    ]
    return tuple(BulletsBlock(T(title), tuple((T(label), value) for label, value in rows))
                 for title, rows in (("inputs.model", model_rows), ("inputs.server", server_rows),
                                     ("inputs.storage", storage_rows), ("inputs.nfr", nfr_rows)))


def parallelism_description(layout):
    if layout.pipeline_parallel == 1:
        return T("value.tensor_parallel", gpus=T("count.gpus", n=layout.tensor_parallel),
                 instances=T("count.instances", n=layout.instances_per_node))
    placement = (T("value.nodes_per_instance", nodes=layout.nodes_per_instance) if layout.spans_nodes
                 else T("value.instances_per_node", instances=T("count.instances", n=layout.instances_per_node)))
    return T("value.tensor_pipeline", tensor_parallel=layout.tensor_parallel, stages=layout.pipeline_parallel,
             gpus=T("count.gpus", n=layout.gpus_per_instance), placement=placement)


def attention_description(model):
    groups = Join(tuple(g.describe() for g in model.layer_groups), " + ")
    if model.mla_latent_dim is not None:
        return T("value.attention_mla", groups=groups, latent=model.mla_latent_dim)
    return T("value.attention", pattern=model.attention_pattern, groups=groups)


def basis_description(report):
    options = report.options
    if options.kv_accounting == Basis.SPEC:
        return T("value.basis_spec")
    if options.kv_accounting in Basis.TOKEN_POOLS:
        return T("value.basis_" + options.kv_accounting, ratio=options.swa_full_tokens_ratio,
                 page=engine_page_tokens(options.kv_accounting, options, options.block_size))
    pool = report.kv_by_basis[Basis.VLLM].pool
    return T("value.basis_vllm", block_size=options.block_size if pool is None else pool.block_size,
             batched=options.max_num_batched_tokens, seqs=options.max_num_seqs)


def summary_table(report):
    """--summary-only: one row per scenario (nodes, sessions, KV, what limits it)."""
    rows = tuple((Join((scenario_label(r), RECOMMENDED_MARK if r.scenario.recommended and r.capacity.feasible
                        else ""), ""),
                  "—" if r.nodes_final is None else str(r.nodes_final),
                  str(r.capacity.sessions) if r.capacity.limit not in BLOCKERS else "—",
                  _fixed(report.kv.gib, 2), T("limit." + r.limit)) for r in report.scenarios)
    sessions = "sessions_instance" if report.layout.spans_nodes else "sessions"
    return TableBlock(None, tuple(T("summary_table." + c) for c in ("scenario", "nodes", sessions, "kv", "limit")),
                      rows, right_aligned=(1, 2, 3))


# ---------------------------------------------------------------------------
# 11. Renderers: each serializes blocks (or the records, for JSON) in a language
# ---------------------------------------------------------------------------

TEXT_RULE = "═" * 72


def render_text(report, lang=DEFAULT_LANGUAGE):
    return "\n".join(line for block in outline(report) for line in text_block(block, lang)) + "\n"


def solve_blocks(report):
    """The answers of --solve, one line per scenario, right after the summary."""
    if report.solve is None:
        return ()
    kind = report.solve[0]
    return (AnswerBlock(report.scenarios[0].figures[0].label, tuple(
        T("solve.line", label=result.figures[0].label, value=T("value.solve_" + kind, n=result.figures[0].value,
                                                                 scenario=scenario_label(result)))
        for result in report.scenarios)),)


def render_summary(report, lang=DEFAULT_LANGUAGE):
    lines = [line[2:] if line.startswith("  ") else line
             for block in solve_blocks(report) for line in _text_summary(block, lang) + [""]]
    lines += _text_table(summary_table(report), lang, indent="")
    lines.append("")
    lines.extend(line[2:] for line in text_block(AlertsBlock(report.alerts), lang))
    return "\n".join(lines) + "\n"


def text_block(block, lang):
    """One block as lines of the text report."""
    return TEXT_WRITERS[type(block)](block, lang)


def _text_title(block, lang):
    return [TEXT_RULE, "%s (sizing %s)" % (say(block.title, lang).upper(), __version__), TEXT_RULE, ""]


def _text_summary(block, lang):
    return [say(block.title, lang).upper()] + ["  " + say(line, lang) for line in block.lines]


def _text_answer(block, lang):
    return [""] + _text_summary(block, lang)


def _text_section(block, lang):
    title = say(T("section.title", number=block.number, title=block.title), lang).upper()
    return ["", "┌%s┐\n│ %s│\n└%s┘" % ("─" * 70, title.ljust(69), "─" * 70)]


def _text_bullets(block, lang):
    return ["  " + say(block.title, lang)] + ["    • %s: %s" % (say(label, lang), say(value, lang))
                                              for label, value in block.rows]


def _text_dictionary(block, lang):
    lines = []
    _, origin_head, what_head, why_head, mistake_head = block.header
    for name, origin, what, why, mistake in block.rows:
        lines.append("  【%s】" % name)
        lines.extend("    %s: %s" % (say(head, lang), say(value, lang)) for head, value in
                     ((what_head, what), (origin_head, origin), (why_head, why), (mistake_head, mistake)))
    return lines


def _text_table_block(block, lang):
    return ["", "  " + say(block.title, lang)] + _text_table(block, lang, indent="    ")


def _text_subheading(block, lang):
    return ["", "  " + say(block.title, lang)]


def _text_figure(block, lang):
    item = block.figure
    lines = ["", "  ▸ %s (%s): %s" % (say(item.label, lang), item.key,
                                        format_value(item.value, item.unit, lang, item.absent)),
             "    %s:" % say(T("figure.rationale"), lang),
             "      %s: %s" % (say(T("figure.formula"), lang), say(item.formula, lang)),
             "      %s:" % say(T("figure.inputs"), lang)]
    lines.extend("        • %s: %s" % (name, say(value, lang)) for name, value in item.inputs)
    lines.append("      %s: %s" % (say(T("figure.explanation"), lang), _explanation(item, lang)))
    return lines


def _text_scenario(block, lang):
    result, params = block.result, block.result.parameters
    mark = RECOMMENDED_MARK if result.scenario.recommended else ""
    nodes = "—" if result.nodes_final is None else say(T("count.nodes", n=result.nodes_final), lang)
    return ["", "  ── %s%s: %s ──" % (say(scenario_label(result), lang), mark, nodes),
            "    " + say(T("scenario.line", usage=T("scenario.%s.usage" % result.scenario.key),
                           ha=T("scenario.%s.ha" % result.scenario.key), headroom=params.peak_headroom_ratio,
                           budget=params.kv_budget_ratio), lang)]


def _text_alerts(block, lang):
    if not block.alerts:
        return ["  ✅ " + say(T("alerts.none"), lang)]
    return ["  %s [%s] %s: %s" % (ALERT_ICONS[a.level], a.level, a.code, say(a.message, lang)) for a in block.alerts]


TEXT_WRITERS = {TitleBlock: _text_title, SummaryBlock: _text_summary, AnswerBlock: _text_answer, SectionBlock: _text_section,
                BulletsBlock: _text_bullets, DictionaryBlock: _text_dictionary, TableBlock: _text_table_block,
                SubheadingBlock: _text_subheading, FigureBlock: _text_figure, ScenarioBlock: _text_scenario,
                AlertsBlock: _text_alerts, ChartBlock: lambda block, lang: []}   # a chart is Markdown only


def _explanation(item, lang):
    return " ".join(say(part, lang) for part in item.explanation)


def _text_table(block, lang, indent):
    """A table as aligned text columns; numbers right-aligned."""
    rows = [[say(cell, lang) for cell in block.header]] + [[say(cell, lang) for cell in row] for row in block.rows]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(block.header))]
    lines = []
    for row in rows:
        cells = [_pad(cell, width, i in block.right_aligned) for i, (cell, width) in enumerate(zip(row, widths))]
        lines.append((indent + "  ".join(cells)).rstrip())
    return lines


def _width(text):
    """Columns a terminal gives `text`: wide characters (such as ✅) take two."""
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text, width, right):
    fill = " " * (width - _width(text))
    return fill + text if right else text + fill


def render_markdown(report, lang=DEFAULT_LANGUAGE):
    out = [line for block in outline(report) for line in markdown_block(block, lang)]
    # One blank line between blocks, never two.
    return "\n".join(line for i, line in enumerate(out) if line or i == 0 or out[i - 1]) + "\n"


def markdown_block(block, lang):
    """One block as lines of the Markdown report."""
    return MARKDOWN_WRITERS[type(block)](block, lang)


def _md_title(block, lang):
    return ["# " + say(block.title, lang), "", say(block.generated, lang), ""]


def _md_summary(block, lang):
    return ["## " + say(block.title, lang), ""] + ["- " + _md_cell(say(line, lang)) for line in block.lines]


def _md_answer(block, lang):
    return [""] + _md_summary(block, lang)


def _md_section(block, lang):
    return ["", "## %s %s" % (SECTION_ICONS[block.number],
                              say(T("section.title", number=block.number, title=block.title), lang)), ""]


def _md_bullets(block, lang):
    return ["", "### " + say(block.title, lang), ""] + [
        "- **%s:** %s" % (_md_cell(say(label, lang)), _md_cell(say(value, lang))) for label, value in block.rows]


def _md_dictionary(block, lang):
    return [""] + _md_table([say(h, lang) for h in block.header],
                            [["`%s`" % row[0]] + [say(cell, lang) for cell in row[1:]] for row in block.rows])


def _md_table_block(block, lang):
    rows = [[("**%s**" % say(cell, lang)) if i in block.strong_rows and j == 0 else say(cell, lang)
             for j, cell in enumerate(row)] for i, row in enumerate(block.rows)]
    return ["", "### " + say(block.title, lang), ""] + _md_table([say(h, lang) for h in block.header], rows,
                                                                 block.right_aligned)


def _md_subheading(block, lang):
    return ["", "### " + say(block.title, lang), ""]


def _md_figure(block, lang):
    item = block.figure
    return ["#### %s (`%s`): %s" % (_md_cell(say(item.label, lang)), item.key,
                                    _md_cell(format_value(item.value, item.unit, lang, item.absent))), "",
            "- **%s:** `%s`" % (say(T("figure.formula"), lang), say(item.formula, lang).replace("`", "'")),
            "- **%s:** " % say(T("figure.inputs"), lang) + ", ".join(
                "`%s` = %s" % (name, _md_cell(say(value, lang))) for name, value in item.inputs),
            "- **%s:** " % say(T("figure.explanation"), lang) + _md_cell(_explanation(item, lang)), ""]


def _md_scenario(block, lang):
    result, params = block.result, block.result.parameters
    key = result.scenario.key
    icon = "🟢" if result.scenario.recommended else "🔹"
    mark = RECOMMENDED_MARK if result.scenario.recommended else ""
    return ["### %s %s%s" % (icon, say(T("scenario.heading", label=scenario_label(result)), lang), mark), "",
            "- %s: **%s**" % (say(T("comparison.nodes_final"), lang),
                              "—" if result.nodes_final is None else result.nodes_final),
            "- %s: %s" % (say(T("scenario.row.usage"), lang), say(T("scenario.%s.usage" % key), lang)),
            "- %s: %s" % (say(T("scenario.row.ha"), lang), say(T("scenario.%s.ha" % key), lang)),
            "- %s: %s" % (say(T("scenario.row.headroom"), lang), _percent(params.peak_headroom_ratio)),
            "- %s: %s" % (say(T("scenario.row.budget"), lang), _percent(params.kv_budget_ratio)), ""]


def _md_alerts(block, lang):
    if not block.alerts:
        return ["✅ " + say(T("alerts.none"), lang)]
    return _md_table([say(T("alerts." + c), lang) for c in ("level", "code", "message")],
                     [["%s %s" % (ALERT_ICONS[a.level], a.level), "`%s`" % a.code, say(a.message, lang)]
                      for a in block.alerts])


def _md_chart(block, lang):
    """A Mermaid xychart-beta (GitHub and GitLab render it in Markdown): one line per scenario."""
    def quoted(text):
        return '"%s"' % say(text, lang).replace('"', "'")
    top = max([n for _, values in block.series for n in values if n is not None] + [1])
    lines = ["", "### " + say(block.title, lang), "", "```mermaid", "xychart-beta",
             "    title " + quoted(block.title),
             "    x-axis %s [%s]" % (quoted(block.x_label), ", ".join(str(x) for x in block.x_values)),
             "    y-axis %s 0 --> %d" % (quoted(block.y_label), top)]
    lines.extend("    line [%s]" % ", ".join(str(n or 0) for n in values) for _, values in block.series)
    lines += ["```", "", say(block.note, lang)]
    return lines


MARKDOWN_WRITERS = {TitleBlock: _md_title, SummaryBlock: _md_summary, AnswerBlock: _md_answer, SectionBlock: _md_section,
                    BulletsBlock: _md_bullets, DictionaryBlock: _md_dictionary, TableBlock: _md_table_block,
                    SubheadingBlock: _md_subheading, FigureBlock: _md_figure, ScenarioBlock: _md_scenario,
                    AlertsBlock: _md_alerts, ChartBlock: _md_chart}


def _md_cell(value):
    """Escape what would break a Markdown table cell (hyperfine escapes | the same way)."""
    return str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _md_table(header, rows, right_aligned=()):
    lines = ["| " + " | ".join(_md_cell(h) for h in header) + " |",
             "|" + "|".join("---:" if i in right_aligned else "---" for i in range(len(header))) + "|"]
    lines.extend("| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows)
    return lines


def _json_number(value):
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else float(value)
    return value


def _json_ready(value, lang):
    """Plain JSON data: exact numbers as JSON numbers, words in the language."""
    if isinstance(value, dict):
        return {k: _json_ready(v, lang) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v, lang) for v in value]
    if isinstance(value, (Text, Join)):
        return say(value, lang)
    return _json_number(value)


def model_details(report):
    import dataclasses
    model = report.model
    return {
        "name": model.name, "model_type": model.model_type, "num_hidden_layers": model.num_hidden_layers,
        "num_attention_heads": model.num_attention_heads, "num_key_value_heads": model.num_key_value_heads,
        "head_dim": model.head_dim, "max_position_embeddings": model.max_position_embeddings,
        "sliding_window": model.sliding_window, "kv_format": "mla" if model.mla_latent_dim is not None else "attention",
        "mla_latent_dim": model.mla_latent_dim, "attention_pattern": model.attention_pattern,
        "derivation": list(model.derivation), "description": model.description, "source": model.source,
        "aliases": list(model.aliases), "total_parameters": model.total_parameters,
        "active_parameters": model.active_parameters, "weights_bytes": model.weights_bytes,
        "weight_precision": model.weight_precision, "num_local_experts": model.num_local_experts,
        "num_experts_per_tok": model.num_experts_per_tok,
        "weights": None if model.weights is None else {"weights_bytes": model.weights.weights_bytes,
                                                        "formula": model.weights.formula,
                                                        "precision": model.weights.precision},
        "parameter_count": None if model.parameters is None else dict(
            dataclasses.asdict(model.parameters), total=model.parameters.total, active=model.parameters.active),
        "layer_groups": [g.details() for g in model.layer_groups],
        "attention_description": attention_description(model),
    }


def report_document(report, lang=DEFAULT_LANGUAGE):
    """The JSON document: raw numbers, a unit and the rationale beside every result."""
    import dataclasses
    options = report.options
    inputs = {
        "model": report.model.name, "server": report.server.name, "storage": report.storage.name,
        "concurrency": options.concurrency, "effective_context": report.context_tokens,
        "effective_context_requested": options.effective_context, "kv_precision": options.kv_precision,
        "kv_bytes_per_element": KV_PRECISIONS[options.kv_precision], "kv_budget_ratio": options.kv_budget_ratio,
        "runtime_overhead_gib": report.overhead_gib, "runtime_overhead_auto": options.runtime_overhead_auto,
        "peak_headroom_ratio": options.peak_headroom_ratio,
        "kv_accounting": options.kv_accounting, "tensor_parallel": report.tensor_parallel,
        "instances_per_node": report.instances_per_node, "pipeline_parallel": report.layout.pipeline_parallel,
        "nodes_per_instance": report.layout.nodes_per_instance,
        "data_parallel_attention": options.data_parallel_attention,
        "weight_precision": options.weight_precision, "block_size": options.block_size,
        "max_num_batched_tokens": options.max_num_batched_tokens, "max_num_seqs": options.max_num_seqs,
        "disaggregated": options.disaggregated, "kv_transfer_gb_s": options.kv_transfer_gb_s,
        "page_size": options.page_size, "swa_full_tokens_ratio": options.swa_full_tokens_ratio,
        "tokens_per_block": options.tokens_per_block,
        "requests_per_second": options.requests_per_second, "mean_session_seconds": options.mean_session_seconds,
        "hbm_efficiency": options.hbm_efficiency, "mfu": options.mfu, "decode_mfu": options.decode_mfu,
        "tpot_slo_ms": options.tpot_slo_ms,
        "ttft_slo_ms": options.ttft_slo_ms, "roofline_missing_facts": list(report.roofline_missing),
        "vllm_version": "%d.%d" % options.vllm_version, "input_tokens": options.input_tokens,
        "output_tokens": options.output_tokens,
        "calibrate_from": None if options.calibration is None else options.calibration.path,
        "model_details": model_details(report), "server_details": dataclasses.asdict(report.server),
        "storage_details": dataclasses.asdict(report.storage),
    }
    scenarios = {}
    for result in report.scenarios:
        figures = report.common + result.figures
        scenarios[result.scenario.key] = {
            "label": scenario_label(result), "usage": T("scenario.%s.usage" % result.scenario.key),
            "parameters": dataclasses.asdict(result.parameters),
            "results": {f.key: f.value for f in figures},
            "rationale": {f.key: {"formula": f.formula, "inputs": dict(f.inputs),
                                  "explanation": " ".join(say(part, lang) for part in f.explanation)}
                          for f in figures},
            "summary": summary_line(result),
            "units": {f.key: f.unit for f in figures},
            "feasible": result.capacity.feasible,
            "limit": result.limit,
        }
    dictionary = {name: {"what": T("dict.%s.what" % name), "origin": T("origin." + origin),
                         "why_it_matters": T("dict.%s.why" % name), "common_mistake": T("dict.%s.mistake" % name)}
                  for name, origin in PARAMETER_DICTIONARY}
    document = {"schema_version": SCHEMA_VERSION, "tool": {"name": "sizing", "version": __version__},
                "status": report.status, "language": lang, "inputs": inputs, "parameter_dictionary": dictionary,
                "scenarios": scenarios,
                "alerts": [{"level": a.level, "code": a.code, "message": a.message} for a in report.alerts]}
    if report.solve is not None:
        document["solve"] = {"question": report.solve[0], "nodes": report.solve[1],
                             "answers": {result.scenario.key: result.figures[0].value for result in report.scenarios}}
    return _json_ready(document, lang)


def render_json(report, lang=DEFAULT_LANGUAGE):
    return json.dumps(report_document(report, lang), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


# --list: the catalogs' names, each with one line about it.
LIST_KINDS = ("models", "servers", "storage", "precisions")


@dataclass(frozen=True)
class Listing:
    kind: str
    items: tuple                # ((name, description Text or str, aliases), ...)


def catalog_listing(kind, models_file, servers_file, storage_file):
    """A Listing of one catalog (each entry validated, as a sizing run validates them)."""
    if kind == "models":
        catalog, _ = load_models(models_file)
        items = tuple((name, entry.get("description") or "", tuple(_aliases(entry, models_file, name)))
                      for name, entry in sorted(catalog.items(), key=lambda item: item[0].lower()))
    elif kind == "servers":
        catalog = load_catalog(servers_file, "servers")
        servers = [server_from_entry(name, entry, servers_file) for name, entry in catalog.items()]
        items = tuple((server.name, T("list.server", gpus=server.gpus, hbm=server.hbm_per_gpu_gb,
                                      description=catalog[server.name].get("description") or ""), ())
                      for server in sorted(servers, key=lambda server: server.name))
    elif kind == "storage":
        storages = [storage_from_entry(name, entry, storage_file)
                    for name, entry in load_catalog(storage_file, "storage").items()]
        items = tuple((item.name, T("list.storage", type=item.type, read=item.read_throughput_gb_s,
                                    latency=item.read_latency_p99_ms), ())
                      for item in sorted(storages, key=lambda item: item.name))
    else:
        names = sorted(set(KV_PRECISIONS) | set(WEIGHT_PRECISIONS))
        items = tuple((name, Join(tuple(part for part in (
            T("list.kv_precision", bytes=KV_PRECISIONS[name]) if name in KV_PRECISIONS else None,
            T("list.weight_precision", bytes=WEIGHT_PRECISIONS[name]) if name in WEIGHT_PRECISIONS else None)
            if part is not None), "; "), ()) for name in names)
    return Listing(kind, items)


def render_listing(listing, lang, as_json):
    if as_json:
        document = {"schema_version": SCHEMA_VERSION, "list": listing.kind, "language": lang,
                    "items": [{"name": name, "description": description, "aliases": list(aliases)}
                              for name, description, aliases in listing.items]}
        return json.dumps(_json_ready(document, lang), ensure_ascii=False, indent=2) + "\n"
    width = max([len(name) for name, _, _ in listing.items] + [4])
    lines = []
    for name, description, aliases in listing.items:
        text = say(description, lang) if not isinstance(description, str) else description
        if aliases:
            text += say(T("list.aliases", aliases=Join(aliases)), lang)
        lines.append(("%-*s  %s" % (width, name, text)).rstrip())
    return "\n".join(lines) + "\n"


# --- Comparisons: one table, in text, Markdown (with a chart), JSON and CSV ---

def comparison_outline(comparison):
    """A comparison as blocks: what stays fixed, one row per configuration, the chart when one numeric
    option varies alone, and the reasons of error rows."""
    blocks = [TitleBlock(T("compare.title"), T("compare.generated", version=__version__, n=len(comparison.rows),
                                                  varying=Join(tuple(T("column." + c) for c in comparison.varying))))]
    if comparison.fixed:
        blocks.append(BulletsBlock(T("compare.fixed"), tuple((T("column." + column), _cell(column, value))
                                                            for column, value in comparison.fixed)))
    blocks.append(comparison_rows_table(comparison))
    chart = comparison_chart(comparison)
    if chart is not None:
        blocks.append(chart)
    errors = tuple((T("compare.row_number", n=index + 1), row.error) for index, row in enumerate(comparison.rows)
                   if row.status == ROW_ERROR)
    if errors:
        blocks.append(BulletsBlock(T("compare.errors"), errors))
    return blocks


def _cell(column, value):
    return "—" if value is None else str(value)


def comparison_rows_table(comparison):
    scenarios = tuple(T("scenario.%s.label" % scenario.key) for scenario in SCENARIOS)
    header = (T("compare.row"),) + tuple(T("column." + c) for c in comparison.varying) + scenarios + tuple(
        T("compare." + c) for c in ("sessions", "kv", "limit", "status", "cost"))
    rows = []
    for index, row in enumerate(comparison.rows):
        rows.append((str(index + 1),) + tuple(_cell(c, row.value(c)) for c in comparison.varying)
                    + tuple(_cell("nodes", n) for n in row.nodes)
                    + (_cell("sessions", row.sessions),
                       "—" if row.kv_gib is None else _fixed(row.kv_gib, 2),
                       T("limit." + row.limit) if row.limit else "—", T("status." + row.status),
                       "—" if row.monthly_cost_usd is None else _fixed(row.monthly_cost_usd, 2)))
    first = 1 + len(comparison.varying)
    numeric = (0,) + tuple(1 + i for i, c in enumerate(comparison.varying) if c in NUMERIC_COLUMNS)
    return TableBlock(T("compare.table"), header, tuple(rows),
                      right_aligned=numeric + tuple(range(first, first + 5)) + (first + 7,))


def comparison_chart(comparison):
    """When exactly one numeric option varies, nodes per scenario against it."""
    if len(comparison.varying) != 1 or comparison.varying[0] not in NUMERIC_COLUMNS:
        return None
    column = comparison.varying[0]
    return ChartBlock(T("compare.chart_title"), T("column." + column),
                      tuple(row.value(column) for row in comparison.rows), T("compare.chart_nodes"),
                      tuple((T("scenario.%s.label" % scenario.key), tuple(row.nodes[i] for row in comparison.rows))
                            for i, scenario in enumerate(SCENARIOS)),
                      T("compare.chart_note"))


def render_comparison_text(comparison, lang=DEFAULT_LANGUAGE):
    return "\n".join(line for block in comparison_outline(comparison) for line in text_block(block, lang)) + "\n"


def render_comparison_markdown(comparison, lang=DEFAULT_LANGUAGE):
    lines = []
    for line in (line for block in comparison_outline(comparison) for line in markdown_block(block, lang)):
        if line or (lines and lines[-1]):       # one blank line between blocks, never two
            lines.append(line)
    return "\n".join(lines).strip("\n") + "\n"


def comparison_document(comparison, lang=DEFAULT_LANGUAGE):
    rows = []
    for row in comparison.rows:
        item = dict(row.config)
        item.update(nodes=dict(zip((s.key for s in SCENARIOS), row.nodes)), sessions_per_node=row.sessions,
                    kv_per_session_gib=row.kv_gib, limit=row.limit, status=row.status,
                    monthly_cost_usd=row.monthly_cost_usd, power_kw=row.power_kw,
                    error=None if row.error is None else row.error)
        rows.append(item)
    return {"schema_version": SCHEMA_VERSION, "tool": {"name": "sizing", "version": __version__},
            "status": comparison.status, "language": lang, "currency": CURRENCY,
            "varying": list(comparison.varying), "fixed": dict(comparison.fixed), "order_by": comparison.order_by,
            "comparison": rows}


def render_comparison_json(comparison, lang=DEFAULT_LANGUAGE):
    return json.dumps(_json_ready(comparison_document(comparison, lang), lang), ensure_ascii=False, indent=2) + "\n"


# CSV columns: the configuration, then RECOMENDADO's figures (names are codes, as in JSON).
CSV_COLUMNS = COMPARISON_COLUMNS + ("nodes_minimum", "nodes_recommended", "nodes_ideal",
                                    "sessions_per_node_recommended", "kv_per_session_gib", "limit_recommended",
                                    "status", "monthly_cost_usd_recommended", "power_kw_recommended", "error")


def render_comparison_csv(comparison, lang=DEFAULT_LANGUAGE):
    import csv
    import io
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in comparison.rows:
        writer.writerow(tuple("" if value is None else value for _, value in row.config) + tuple(
            "" if n is None else n for n in row.nodes) + (
            "" if row.sessions is None else row.sessions,
            "" if row.kv_gib is None else _fixed(row.kv_gib, 6), row.limit or "", row.status,
            "" if row.monthly_cost_usd is None else _fixed(row.monthly_cost_usd, 2),
            "" if row.power_kw is None else _fixed(row.power_kw, 1),
            "" if row.error is None else say(row.error, lang)))
    return out.getvalue()


COMPARISON_RENDERERS = {"text": render_comparison_text, "summary": render_comparison_text,
                        "markdown": render_comparison_markdown, "json": render_comparison_json,
                        "csv": render_comparison_csv}


# The output formats: name -> renderer(report, lang).
RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json, "summary": render_summary}


# ---------------------------------------------------------------------------
# 12. Command line: argparse with messages from the table, safe file writing, main
# ---------------------------------------------------------------------------

def default_catalog(filename):
    """A shipped catalog: beside this file, or where `pip install` put it."""
    for folder in (HERE, os.path.join(sys.prefix, "share", "sizing")):
        candidate = os.path.join(folder, filename)
        if os.path.isfile(candidate):
            return candidate
    return os.path.join(HERE, filename)


class UsageError(Exception):
    """argparse rejected the command line (message already in the chosen language)."""


def requested_language(argv):
    """--lang, read before argparse so that its own messages and --help follow it."""
    lang = DEFAULT_LANGUAGE
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            lang = argv[index + 1]
        elif isinstance(arg, str) and arg.startswith("--lang="):
            lang = arg[len("--lang="):]
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def build_parser(lang=DEFAULT_LANGUAGE):
    import argparse
    argparse._ = translate_argparse(lang)
    argparse.ngettext = lambda singular, plural, count: argparse._(singular if count == 1 else plural)

    def text(message_id, **params):
        return render(T(message_id, **params), lang)

    class Parser(argparse.ArgumentParser):
        def error(self, message):
            # An unknown option gets the closest known ones ("--modle" -> "--model").
            known = [option for option in self._option_string_actions if option.startswith("--")]
            unknown = [word for word in re.findall(r"--[A-Za-z][A-Za-z0-9-]*", message) if word not in known]
            close = []
            for word in unknown:
                close += [option for option in difflib.get_close_matches(word, known, n=2, cutoff=0.7)
                          if option not in close]
            if close:
                message += text("err.did_you_mean", names=Join(tuple(close)))
            raise UsageError(message)

        def _print_message(self, message, file=None):
            if message:
                emit(file or sys.stdout, message)

    parser = Parser(prog="sizing", add_help=False, allow_abbrev=False, description=text("help.description"),
                    epilog=text("help.epilog"))
    name, file, profile = text("metavar.name"), text("metavar.file"), text("metavar.profile")
    group = parser.add_argument_group(text("help.group.load"))
    group.add_argument("--list", metavar="KIND", help=text("help.list", kinds=", ".join(LIST_KINDS)))
    group.add_argument("--model", metavar=name, help=text("help.model"))
    group.add_argument("--model-config", metavar=file, action="append", help=text("help.model_config"))
    group.add_argument("--server", metavar=name, help=text("help.server"))
    group.add_argument("--storage", metavar=profile, default=DEFAULTS["storage"], help=text("help.storage"))
    group.add_argument("--concurrency", metavar="N", help=text("help.concurrency"))
    group.add_argument("--requests-per-second", metavar="R", help=text("help.requests_per_second"))
    group.add_argument("--mean-session-seconds", metavar="S", help=text("help.mean_session_seconds"))
    group.add_argument("--effective-context", metavar="TOKENS", help=text("help.effective_context"))
    group.add_argument("--input-tokens", metavar="N", help=text("help.input_tokens"))
    group.add_argument("--solve", metavar="WHAT", help=text("help.solve"))
    group.add_argument("--nodes", metavar="N", help=text("help.nodes"))
    group.add_argument("--output-tokens", metavar="N", help=text("help.output_tokens"))
    group.add_argument("--disaggregated", action="store_true", help=text("help.disaggregated"))
    group = parser.add_argument_group(text("help.group.cost"))
    group.add_argument("--node-cost-per-hour", metavar="USD", help=text("help.node_cost_per_hour"))
    group.add_argument("--node-price", metavar="USD", help=text("help.node_price"))
    group.add_argument("--power-cost-per-kwh", metavar="USD", help=text("help.power_cost_per_kwh"))
    group.add_argument("--amortization-months", metavar="N", default=str(DEFAULTS["amortization_months"]),
                       help=text("help.amortization_months"))
    group.add_argument("--kv-transfer-gb-s", metavar="GB_S", default=_plain(DEFAULTS["kv_transfer_gb_s"]),
                       help=text("help.kv_transfer_gb_s"))
    group = parser.add_argument_group(text("help.group.runtime"))
    group.add_argument("--kv-precision", metavar="P", default=DEFAULTS["kv_precision"],
                       help=text("help.kv_precision", choices=", ".join(KV_PRECISIONS)))
    group.add_argument("--kv-budget-ratio", metavar="R", default=_fixed(DEFAULTS["kv_budget_ratio"], 2),
                       help=text("help.kv_budget_ratio"))
    group.add_argument("--runtime-overhead-gib", metavar="GIB", default=_plain(DEFAULTS["runtime_overhead_gib"]),
                       help=text("help.runtime_overhead_gib"))
    group.add_argument("--peak-headroom-ratio", metavar="R", default=_fixed(DEFAULTS["peak_headroom_ratio"], 2),
                       help=text("help.peak_headroom_ratio"))
    group.add_argument("--tensor-parallel", metavar="N", help=text("help.tensor_parallel"))
    group.add_argument("--pipeline-parallel", metavar="N", default="1", help=text("help.pipeline_parallel"))
    group.add_argument("--data-parallel-attention", action="store_true", help=text("help.data_parallel_attention"))
    group.add_argument("--weight-precision", metavar="P",
                       help=text("help.weight_precision", choices=", ".join(WEIGHT_PRECISIONS)))
    group.add_argument("--kv-accounting", metavar=text("metavar.basis"), default=DEFAULTS["kv_accounting"],
                       help=text("help.kv_accounting"))
    group.add_argument("--block-size", metavar="TOKENS", default=str(DEFAULTS["block_size"]),
                       help=text("help.block_size"))
    group.add_argument("--page-size", metavar="TOKENS", default=str(DEFAULTS["page_size"]),
                       help=text("help.page_size"))
    group.add_argument("--swa-full-tokens-ratio", metavar="R", default=_plain(DEFAULTS["swa_full_tokens_ratio"]),
                       help=text("help.swa_full_tokens_ratio"))
    group.add_argument("--tokens-per-block", metavar="TOKENS", default=str(DEFAULTS["tokens_per_block"]),
                       help=text("help.tokens_per_block"))
    group.add_argument("--max-num-batched-tokens", metavar="N", default=str(DEFAULTS["max_num_batched_tokens"]),
                       help=text("help.max_num_batched_tokens"))
    group.add_argument("--max-num-seqs", metavar="N", default=str(DEFAULTS["max_num_seqs"]),
                       help=text("help.max_num_seqs"))
    group.add_argument("--disable-hybrid-kv-cache-manager", action="store_true",
                       help=text("help.disable_hybrid_kv_cache_manager"))
    group.add_argument("--vllm-version", metavar="X.Y", default="%d.%d" % NEWEST_VLLM, help=text("help.vllm_version"))
    group.add_argument("--speculative", metavar="METHOD", help=text("help.speculative"))
    group.add_argument("--num-speculative-tokens", metavar="N", help=text("help.num_speculative_tokens"))
    group.add_argument("--calibrate-from", metavar="LOG", help=text("help.calibrate_from"))
    group.add_argument("--mamba-cache-dtype", metavar="DTYPE", help=text("help.mamba_cache_dtype"))
    group.add_argument("--mamba-ssm-cache-dtype", metavar="DTYPE", help=text("help.mamba_ssm_cache_dtype"))
    prefix = group.add_mutually_exclusive_group()
    prefix.add_argument("--enable-prefix-caching", dest="enable_prefix_caching", action="store_true", default=None,
                        help=text("help.enable_prefix_caching"))
    prefix.add_argument("--no-enable-prefix-caching", dest="enable_prefix_caching", action="store_false",
                        help=text("help.enable_prefix_caching"))
    engine = group.add_mutually_exclusive_group()
    engine.add_argument("--gpu-memory-utilization", metavar="R", help=text("help.gpu_memory_utilization"))
    engine.add_argument("--kv-cache-memory-bytes", metavar="N", help=text("help.kv_cache_memory_bytes"))
    scheduling = group.add_mutually_exclusive_group()
    scheduling.add_argument("--async-scheduling", dest="async_scheduling", action="store_const", const=True,
                            default=None, help=text("help.async_scheduling"))
    scheduling.add_argument("--no-async-scheduling", dest="async_scheduling", action="store_const", const=False,
                            help=text("help.no_async_scheduling"))
    group = parser.add_argument_group(text("help.group.latency"))
    group.add_argument("--tpot-slo-ms", metavar="MS", help=text("help.tpot_slo_ms"))
    group.add_argument("--ttft-slo-ms", metavar="MS", help=text("help.ttft_slo_ms"))
    group.add_argument("--hbm-efficiency", metavar="R", default=_plain(DEFAULTS["hbm_efficiency"]),
                       help=text("help.hbm_efficiency"))
    group.add_argument("--mfu", metavar="R", default=_plain(DEFAULTS["mfu"]), help=text("help.mfu"))
    group.add_argument("--decode-mfu", metavar="R", default=_plain(DEFAULTS["decode_mfu"]), help=text("help.decode_mfu"))
    group = parser.add_argument_group(text("help.group.catalogs"))
    group.add_argument("--models-file", metavar=file, default=None, help=text("help.models_file"))
    group.add_argument("--servers-file", metavar=file, default=None, help=text("help.servers_file"))
    group.add_argument("--storage-file", metavar=file, default=None, help=text("help.storage_file"))
    group = parser.add_argument_group(text("help.group.output"))
    only = group.add_mutually_exclusive_group()
    only.add_argument("--json-only", action="store_true", help=text("help.json_only"))
    only.add_argument("--markdown-only", action="store_true", help=text("help.markdown_only"))
    only.add_argument("--summary-only", action="store_true", help=text("help.summary_only"))
    only.add_argument("--csv-only", action="store_true", help=text("help.csv_only"))
    group.add_argument("--output-markdown-file", metavar=file, help=text("help.output_markdown_file"))
    group.add_argument("--output-json-file", metavar=file, help=text("help.output_json_file"))
    group.add_argument("--output-csv-file", metavar=file, help=text("help.output_csv_file"))
    group.add_argument("--order-by", metavar="KEY", help=text("help.order_by", keys=", ".join(ORDER_BY)))
    group.add_argument("--lang", metavar="LANG", default=DEFAULTS["lang"], help=text("help.lang"))
    group.add_argument("--version", action="version", version="sizing %s" % __version__, help=text("help.version"))
    group.add_argument("-h", "--help", action="help", help=text("help.help"))
    return parser


AUTO = "auto"
_VERSION_TEXT = re.compile(r"0\.([0-9]{1,2})(\.[0-9]{1,3})?", re.ASCII)


def parse_vllm_version(text):
    """A vLLM release as (major, minor): 0.9 to the newest release whose rules are modeled."""
    match = _VERSION_TEXT.fullmatch(_option_text(text))
    if not match or not (0, 1) <= (0, int(match.group(1))) <= NEWEST_VLLM:
        raise InputError("err.vllm_version", text=text, newest="%d.%d" % NEWEST_VLLM)
    return (0, int(match.group(1)))


def _choice(value, option, choices):
    if value not in choices:
        raise InputError("err.choice", option=option, value=value, choices=Join(tuple(choices)))
    return value


def options_from_args(args):
    """Validate every option; returns Options with exact numbers."""
    if isinstance(args.model_config, list):         # --model-config may be repeated (a comparison)
        configs = model_config_values(args.model_config)
        if len(configs) > 1:        # a comparison's configs are split by compared_values first
            raise InputError("err.repeated_option", option="--model-config")
        args.model_config = configs[0]
    for name, value in vars(args).items():
        if isinstance(value, list):
            setattr(args, name, _option_text(value))
    lang = _choice(args.lang, "--lang", LANGUAGES)
    if (args.model is None) == (args.model_config is None):
        raise InputError("err.model_or_config")
    question = None if args.solve is None else _choice(_option_text(args.solve), "--solve", SOLVE_KINDS)
    if (question is None) != (args.nodes is None):
        raise InputError("err.solve_nodes")
    if question is not None and (args.requests_per_second is not None or args.mean_session_seconds is not None):
        raise InputError("err.solve_traffic")
    if question == "concurrency" and args.concurrency is None:
        args.concurrency = "1"      # searched for
    if question == "context" and args.effective_context is None:
        args.effective_context = "1"    # searched for
    tokens = (args.input_tokens, args.output_tokens)
    if tokens != (None, None) and args.requests_per_second is None:
        raise InputError("err.tokens_need_traffic")
    input_tokens = None if args.input_tokens is None else parse_int_option(args.input_tokens, "--input-tokens")
    output_tokens = None if args.output_tokens is None else parse_int_option(args.output_tokens, "--output-tokens")
    solve = args.mean_session_seconds is None and None not in tokens
    for option, value in (("--server", args.server),
                          ("--effective-context", args.effective_context if None in tokens else "derived")):
        if value is None:
            raise InputError("err.required", option=option)
    traffic = (args.requests_per_second, args.mean_session_seconds)
    if args.concurrency is None and None in traffic and not solve:
        raise InputError("err.concurrency_or_traffic")
    if args.concurrency is not None and traffic != (None, None):
        raise InputError("err.concurrency_and_traffic")
    rate = seconds = None
    if args.concurrency is None:
        rate = parse_fraction_option(args.requests_per_second, "--requests-per-second", minimum=0,
                                     minimum_inclusive=False)
        concurrency = None      # the operating point, solved with the roofline
        if not solve:
            seconds = parse_fraction_option(args.mean_session_seconds, "--mean-session-seconds", minimum=0,
                                            minimum_inclusive=False)
            concurrency = int(cdiv(rate * seconds, 1))
            if concurrency > MAX_INPUT:
                raise InputError("err.traffic_bound", value=rate * seconds)
    else:
        concurrency = parse_int_option(args.concurrency, "--concurrency")
    effective_context = (parse_int_option(args.effective_context, "--effective-context")
                         if args.effective_context is not None else input_tokens + output_tokens)

    if args.node_price is not None and args.node_cost_per_hour is not None:
        raise InputError("err.cost_basis")

    def optional_positive(text, option):
        if text is None:
            return None
        return parse_fraction_option(text, option, minimum=0, minimum_inclusive=False)

    return Options(
        model=args.model, model_config=args.model_config, server=args.server, storage=args.storage,
        concurrency=concurrency, requests_per_second=rate, mean_session_seconds=seconds,
        tpot_slo_ms=optional_positive(args.tpot_slo_ms, "--tpot-slo-ms"),
        ttft_slo_ms=optional_positive(args.ttft_slo_ms, "--ttft-slo-ms"),
        hbm_efficiency=parse_fraction_option(args.hbm_efficiency, "--hbm-efficiency", minimum=MIN_EFFICIENCY,
                                             maximum=1),
        mfu=parse_fraction_option(args.mfu, "--mfu", minimum=MIN_EFFICIENCY, maximum=1),
        decode_mfu=parse_fraction_option(args.decode_mfu, "--decode-mfu", minimum=MIN_EFFICIENCY, maximum=1),
        effective_context=effective_context, input_tokens=input_tokens, output_tokens=output_tokens,
        disaggregated=args.disaggregated,
        node_cost_per_hour=optional_positive(args.node_cost_per_hour, "--node-cost-per-hour"),
        node_price=optional_positive(args.node_price, "--node-price"),
        power_cost_per_kwh=optional_positive(args.power_cost_per_kwh, "--power-cost-per-kwh"),
        amortization_months=parse_int_option(args.amortization_months, "--amortization-months"),
        kv_transfer_gb_s=parse_fraction_option(args.kv_transfer_gb_s, "--kv-transfer-gb-s", minimum=0,
                                               minimum_inclusive=False),
        solve=question, nodes=None if args.nodes is None else parse_int_option(args.nodes, "--nodes"),
        kv_precision=_choice(args.kv_precision, "--kv-precision", KV_PRECISIONS),
        kv_budget_ratio=parse_fraction_option(args.kv_budget_ratio, "--kv-budget-ratio", minimum=0,
                                              minimum_inclusive=False, maximum=1),
        runtime_overhead_gib=(None if _option_text(args.runtime_overhead_gib) == AUTO else
                              parse_fraction_option(args.runtime_overhead_gib, "--runtime-overhead-gib", minimum=0)),
        runtime_overhead_auto=_option_text(args.runtime_overhead_gib) == AUTO,
        weight_precision=(None if args.weight_precision is None
                          else _choice(args.weight_precision, "--weight-precision", WEIGHT_PRECISIONS)),
        pipeline_parallel=parse_int_option(args.pipeline_parallel, "--pipeline-parallel"),
        data_parallel_attention=args.data_parallel_attention,
        disable_hybrid_kv_cache_manager=args.disable_hybrid_kv_cache_manager,
        vllm_version=parse_vllm_version(args.vllm_version), async_scheduling=args.async_scheduling,
        speculative=None if args.speculative is None else _choice(args.speculative, "--speculative", SPECULATIVE),
        num_speculative_tokens=_speculative_tokens_option(args),
        mamba_cache_dtype=_mamba_dtype_option(args.mamba_cache_dtype, "--mamba-cache-dtype"),
        mamba_ssm_cache_dtype=_mamba_dtype_option(args.mamba_ssm_cache_dtype, "--mamba-ssm-cache-dtype"),
        enable_prefix_caching=args.enable_prefix_caching,
        gpu_memory_utilization=(None if args.gpu_memory_utilization is None else parse_fraction_option(
            args.gpu_memory_utilization, "--gpu-memory-utilization", minimum=0, minimum_inclusive=False, maximum=1)),
        kv_cache_memory_bytes=(None if args.kv_cache_memory_bytes is None
                               else parse_int_option(args.kv_cache_memory_bytes, "--kv-cache-memory-bytes")),
        peak_headroom_ratio=parse_fraction_option(args.peak_headroom_ratio, "--peak-headroom-ratio", minimum=0),
        tensor_parallel=(parse_int_option(args.tensor_parallel, "--tensor-parallel")
                         if args.tensor_parallel is not None else None),
        kv_accounting=_choice(args.kv_accounting, "--kv-accounting", Basis.ALL),
        block_size=parse_int_option(args.block_size, "--block-size"),
        page_size=parse_int_option(args.page_size, "--page-size"),
        swa_full_tokens_ratio=parse_fraction_option(args.swa_full_tokens_ratio, "--swa-full-tokens-ratio", minimum=0,
                                                    minimum_inclusive=False, maximum=1),
        tokens_per_block=parse_int_option(args.tokens_per_block, "--tokens-per-block"),
        max_num_batched_tokens=parse_int_option(args.max_num_batched_tokens, "--max-num-batched-tokens"),
        max_num_seqs=parse_int_option(args.max_num_seqs, "--max-num-seqs"),
        models_file=args.models_file or default_catalog("models.json"),
        servers_file=args.servers_file or default_catalog("servers.json"),
        storage_file=args.storage_file or default_catalog("storage.json"),
        lang=lang)


def check_output_paths(paths, input_paths):
    """Refuse before writing anything if an output file cannot be written or is an input."""
    seen = set()
    inputs = {os.path.realpath(path): option for option, path in input_paths if path}
    for option, path in paths:
        if not path:
            raise InputError("err.output_empty", option=option)
        real = os.path.realpath(path)
        if real in seen:
            raise InputError("err.output_twice", option=option)
        seen.add(real)
        for input_real, input_option in inputs.items():
            if real == input_real or _same_file(real, input_real):
                raise InputError("err.output_is_input", option=option, path=path, input_option=input_option)
        if not _is_regular_or_absent(path):       # /dev/null, /dev/stdout, a FIFO: written into
            if not os.access(path, os.W_OK):
                raise InputError("err.output_permission", option=option, path=path)
            continue
        folder = os.path.dirname(real)
        if os.path.isdir(real):
            raise InputError("err.output_directory", option=option, path=path)
        if not os.path.isdir(folder):
            raise InputError("err.output_no_folder", option=option, path=path)
        if not os.access(folder, os.W_OK) or (os.path.exists(real) and not os.access(real, os.W_OK)):
            raise InputError("err.output_permission", option=option, path=path)


def _same_file(first, second):
    try:
        return os.path.samefile(first, second)
    except (OSError, ValueError):
        return False


def _is_regular_or_absent(path):
    """True for a regular file or a path where nothing exists yet (a directory is checked apart)."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return True
    return stat.S_ISREG(mode) or stat.S_ISDIR(mode)


def write_files_atomically(contents):
    """Write every (option, path, text).

    Regular files (and new ones) go to a temporary file beside them and are renamed
    over the target only when every output is ready, so an existing file is either
    replaced whole or left as it was. A target that exists and is not a regular file
    (/dev/null, /dev/stdout, a FIFO, a character device) is written into, as a shell
    redirection would: it is never replaced by a regular file.
    """
    staged = []
    option = path = None
    try:
        for option, path, text in contents:
            if _is_regular_or_absent(path):
                real = os.path.realpath(path)
                staged.append((real, _stage(real, _encoded(text))))
        for option, path, text in contents:
            if not _is_regular_or_absent(path):
                _write_into(path, _encoded(text))
        for real, temporary in staged:
            os.replace(temporary, real)
        staged = []
    except OSError as error:
        reason = T("err.fifo_no_reader") if isinstance(error, _NoReader) else _os_reason(error)
        raise InputError("err.output_write", option=option, path=path, reason=reason)
    finally:
        for _, temporary in staged:
            _remove_quietly(temporary)


def _encoded(text):
    return text if isinstance(text, bytes) else text.encode("utf-8", "backslashreplace")


def _stage(real, data):
    """A temporary file beside `real`, holding `data`, with the target's mode.

    The name is short (not derived from the target's) so that any valid file name
    still has a valid temporary name next to it.
    """
    import tempfile
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(real), prefix=".sizing-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        mode = 0o666 & ~_umask()
        if os.path.exists(real):
            mode = os.stat(real).st_mode & 0o7777
        os.chmod(temporary, mode)
    except BaseException:
        _remove_quietly(temporary)
        raise
    return temporary


class _NoReader(OSError):
    """A FIFO output that nobody reads (ENXIO on a non-blocking open)."""


def _write_into(path, data):
    """Write into an existing non-regular file; a FIFO with no reader is an error, not a hang."""
    import errno
    try:
        handle = os.open(path, os.O_WRONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        if error.errno == errno.ENXIO:
            raise _NoReader(error.errno, "")
        raise
    try:
        if hasattr(os, "set_blocking"):
            os.set_blocking(handle, True)
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view):]
    finally:
        os.close(handle)


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _remove_quietly(path):
    try:
        os.remove(path)
    except OSError:
        pass


class OutputClosed(Exception):
    """The reader of stdout went away (a closed pipe): stop quietly, as `cat` does."""


class OutputError(Exception):
    """stdout cannot be written (closed, full disk): exit 2 with one line on stderr."""

    def __init__(self, text):
        Exception.__init__(self, text.id)
        self.text = text


def emit(stream, text):
    """Write UTF-8 whatever the locale or PYTHONIOENCODING; never raise a traceback.

    A failed write silences the stream (its descriptor now points at /dev/null), so
    that nothing is retried when the interpreter flushes its streams at exit.
    """
    if stream is None:
        raise OutputError(T("err.stdout_closed"))
    buffer = getattr(stream, "buffer", None)
    try:
        if buffer is None:
            stream.write(text)
            stream.flush()
            return
        stream.flush()
        buffer.write(text.encode("utf-8", "backslashreplace"))
        buffer.flush()
    except BrokenPipeError:
        _silence(stream)
        raise OutputClosed()
    except (OSError, ValueError) as error:
        _silence(stream)
        raise OutputError(T("err.stdout_write", reason=_os_reason(error)))


def _silence(stream):
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, stream.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass


def report_error(text, lang):
    """The one stderr line of exit 2; if stderr itself is closed or full, say nothing."""
    try:
        emit(sys.stderr, "sizing: error: %s\n" % printable(render(text, lang)))
    except (OutputClosed, OutputError):
        pass


def main(argv=None):
    """Run the CLI; returns the exit status.

    0: sized. 1: sized, with an error alert (a scenario fits no session, the weights
    do not fit). 2: bad input or environment, with one `sizing: error:` line on
    stderr. A closed pipe on stdout (`sizing ... | head`) stops quietly with the
    status the run would have had.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    lang = requested_language(argv)
    status = 2
    try:
        status, text = _run(argv, lang)
        if text is not None:
            emit(sys.stdout, text)
        return status
    except (InputError, OutputError) as error:
        report_error(error.text, lang)
        return 2
    except OutputClosed:
        return status


def model_config_values(values):
    """The paths of a repeated --model-config (each `--model-config=--` is the text '--')."""
    return [_option_text(value) if isinstance(value, list) else value for value in values]


def compared_values(args):
    """The options given as lists: (((Options field, parsed values), ...), the arguments with each list's
    first value). Each value is parsed alone, as options_from_args parses it, so it is checked once."""
    import argparse
    single = argparse.Namespace(**vars(args))
    raws = {}
    for field, option in COMPARED_OPTIONS:
        value = getattr(args, field)
        if value is None:
            continue
        items = model_config_values(value) if field == "model_config" else _option_text(value).split(",")
        if any(not item.strip() for item in items):
            raise InputError("err.list_item", option=option, value=printable(",".join(items)))
        items = [item if field == "model_config" else item.strip() for item in items]
        setattr(single, field, items[0])
        if len(items) > 1:
            raws[field] = (option, items)
    combinations = 1
    for _, items in raws.values():
        combinations *= len(items)
    if combinations > MAX_COMBINATIONS:
        raise InputError("err.too_many_combinations", n=combinations, maximum=MAX_COMBINATIONS)
    variants = []
    for field, (option, items) in raws.items():
        values = []
        for item in items:
            alone = argparse.Namespace(**vars(single))
            setattr(alone, field, item)
            values.append(getattr(options_from_args(alone), field))
        variants.append((field, tuple(values)))
    return tuple(variants), single


def _run_comparison(args, options, variants, lang):
    """Size every combination; render the table in the formats asked; write the files."""
    if options.solve is not None or args.calibrate_from is not None:
        raise InputError("err.compare_unsupported", option="--solve" if options.solve else "--calibrate-from")
    order_by = None if args.order_by is None else _choice(_option_text(args.order_by), "--order-by", ORDER_BY)
    outputs = [(option, path, name) for option, path, name in (
        ("--output-markdown-file", args.output_markdown_file, "markdown"),
        ("--output-json-file", args.output_json_file, "json"), ("--output-csv-file", args.output_csv_file, "csv"))
        if path is not None]
    inputs = [("--servers-file", options.servers_file), ("--storage-file", options.storage_file)] + [
        ("--model-config", value) for field, values in variants if field == "model_config" for value in values] + [
        ("--model-config", options.model_config)]
    if options.model_config is None:
        inputs.append(("--models-file", options.models_file))
    check_output_paths([(option, path) for option, path, _ in outputs], inputs)
    loaded = {}

    def load(changed):
        key = (changed.model, changed.model_config, changed.server, changed.storage)
        if key not in loaded:
            loaded[key] = load_inputs(changed)
        return loaded[key]

    # Names, catalogs and configs are checked before anything is sized: a bad one is bad input.
    named = [(field, values) for field, values in variants if field in ("model", "model_config", "server", "storage")]
    for values in itertools.product(*(values for _, values in named)):
        load(_replace(options, **dict(zip((field for field, _ in named), values))))
    comparison = compare(options, variants, load, order_by)
    stdout_format = ("json" if args.json_only else "markdown" if args.markdown_only else "csv" if args.csv_only
                     else "summary" if args.summary_only else "text")
    wanted = {stdout_format} | {name for _, _, name in outputs} | ({"json"} if stdout_format == "text" else set())
    rendered = {name: COMPARISON_RENDERERS[name](comparison, lang) for name in wanted}
    write_files_atomically([(option, path, rendered[name]) for option, path, name in outputs])
    text = rendered[stdout_format]
    if stdout_format == "text":
        text += "\n" + rendered["json"]
    return (0 if comparison.status == Status.OK else 1), text


def _run(argv, lang):
    """Parse, compute, render and write the files; returns (status, text for stdout)."""
    parser = build_parser(lang)
    try:
        args = parser.parse_args(argv)
    except UsageError as error:
        raise InputError("err.usage", message=str(error))
    except SystemExit as done:       # --help and --version, already printed
        return done.code or 0, None
    except OutputClosed:             # `sizing --help | true`
        return 0, None
    if args.list is not None:
        kind = _choice(_option_text(args.list), "--list", LIST_KINDS)
        listing = catalog_listing(kind, args.models_file or default_catalog("models.json"),
                                  args.servers_file or default_catalog("servers.json"),
                                  args.storage_file or default_catalog("storage.json"))
        return 0, render_listing(listing, lang, args.json_only)
    variants, args = compared_values(args)
    options = options_from_args(args)
    if variants or args.csv_only or args.output_csv_file is not None:
        return _run_comparison(args, options, variants, lang)
    outputs = [(option, path) for option, path in (("--output-markdown-file", args.output_markdown_file),
                                                   ("--output-json-file", args.output_json_file))
               if path is not None]
    inputs = [("--model-config", options.model_config), ("--servers-file", options.servers_file),
              ("--storage-file", options.storage_file), ("--calibrate-from", args.calibrate_from)]
    if options.model_config is None:
        inputs.append(("--models-file", options.models_file))
    check_output_paths(outputs, inputs)
    model, server, storage = load_inputs(options)
    if args.calibrate_from is not None:
        if options.kv_cache_memory_bytes is not None or options.gpu_memory_utilization is not None:
            raise InputError("err.calibrate_conflict")
        log = load_engine_log(args.calibrate_from)
        check_log_model(log, model, options)
        options = calibrated_options(options, log, model)
    report = (solve_report if options.solve else build_report)(options, model, server, storage)
    stdout_format = ("json" if args.json_only else "markdown" if args.markdown_only
                     else "summary" if args.summary_only else "text")
    wanted = {stdout_format} | {"markdown" if option == "--output-markdown-file" else "json" for option, _ in outputs}
    if stdout_format == "text":
        wanted.add("json")
    rendered = {name: RENDERERS[name](report, lang) for name in wanted}
    write_files_atomically([(option, path, rendered["markdown" if option == "--output-markdown-file" else "json"])
                            for option, path in outputs])
    text = rendered[stdout_format]
    if stdout_format == "text":
        text += "\n" + rendered["json"]
    return exit_status(report), text


if __name__ == "__main__":
    sys.exit(main())
