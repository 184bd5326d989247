"""Vocabulary: codes compared in logic (never display words), unit constants, the scenario
table, precision tables (numbers only), defaults and the small tables the CLI validates against.
"""

from __future__ import annotations      # record annotations stay text (3.8 reads `X | None`)

import os
from fractions import Fraction

from sizer.frozen import record


GIB_BYTES = 2 ** 30          # GiB = 2^30 bytes
GB_BYTES = 10 ** 9           # GB  = 10^9 bytes (vendor HBM figures)
# The folder of the entry (sizing.py), where the shipped catalogs sit beside the package.
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# ---------------------------------------------------------------------------
# 1. Vocabulary: codes compared in logic (never display words), and tables
# ---------------------------------------------------------------------------

class Unit:
    """Unit codes of figures; the JSON carries them, the message table names them."""
    BYTES, GIB, SECONDS, MS = "bytes", "GiB", "s", "ms"
    TOKENS_PER_S, SESSIONS_PER_S, REQUESTS_PER_S = "tokens/s", "sessions/s", "requests/s"
    NODES, SESSIONS = "nodes", "sessions"
    BLOCKS, TIMES, PERCENT = "blocks", "x", "%"
    INSTANCE_S_PER_S = "instance-s/s"
    TOKENS = "tokens"
    USD_PER_MONTH, USD_PER_MTOK, KW = "USD/month", "USD/Mtok", "kW"
    RACKS, TRAYS = "racks", "trays"             # rack-scale systems: racks bought, compute trays
    REQUESTS = "requests"                       # a simulated mean (queue, batch): requests, with decimals


# Decimal places shown for each unit (rounding happens only in section 9).
UNIT_PLACES = {Unit.GIB: 2, Unit.SECONDS: 3, Unit.MS: 2, Unit.TOKENS_PER_S: 1, Unit.SESSIONS_PER_S: 2,
               Unit.REQUESTS_PER_S: 3,
               Unit.TIMES: 2, Unit.PERCENT: 2, Unit.INSTANCE_S_PER_S: 2, Unit.USD_PER_MONTH: 2,
               Unit.USD_PER_MTOK: 4, Unit.KW: 1, Unit.REQUESTS: 2}


class Level:
    ERROR, WARNING, INFO = "error", "warning", "info"


class Basis:
    """The capacity bases the logic names; every basis, these and any other, is an engine class
    registered in sizer.engines.registry.ENGINES (the choices of --kv-accounting)."""
    SPEC, VLLM, SGLANG, TRTLLM = "spec", "vllm", "sglang", "trtllm"
    # Each basis's engine (its name as the engine spells it, its page option, its pool) is a
    # class in sizer/engines/, registered in sizer.engines.ENGINES.


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
    THROUGHPUT = "throughput"                         # prefill and decode sharing the steps need more nodes
    LATENCY_PERCENTILE = "latency_percentile"         # the simulated TTFT/TPOT percentile needs more nodes


class Status:
    OK, INFEASIBLE = "ok", "infeasible"


# The languages of the output: each has its catalog module, sizer/i18n/<code with "_">.py.
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


@record
class Scenario:
    """One row of the guide's scenario table. headroom: the user's ratio when
    `use_headroom`, at least `headroom_floor`; budget: the user's ratio, at most
    `budget_cap`."""
    key: str
    use_headroom: bool
    headroom_floor: Fraction | None
    ha_extra_nodes: int
    budget_cap: Fraction | None
    label_id: str            # message ids of its name, its use and its HA reserve
    usage_id: str
    ha_id: str
    recommended: bool = False


SCENARIOS = (
    Scenario("minimum", use_headroom=False, headroom_floor=None, ha_extra_nodes=0, budget_cap=None,
             label_id="scenario.minimum.label", usage_id="scenario.minimum.usage", ha_id="scenario.minimum.ha"),
    Scenario("recommended", use_headroom=True, headroom_floor=None, ha_extra_nodes=1, budget_cap=None,
             label_id="scenario.recommended.label", usage_id="scenario.recommended.usage",
             ha_id="scenario.recommended.ha", recommended=True),
    Scenario("ideal", use_headroom=True, headroom_floor=Fraction(3, 10), ha_extra_nodes=2,
             budget_cap=Fraction(65, 100), label_id="scenario.ideal.label", usage_id="scenario.ideal.usage",
             ha_id="scenario.ideal.ha"),
)
RECOMMENDED = "recommended"
# A chart draws one line per scenario, each in its own colour (the Okabe-Ito palette: told apart with
# the common colour-vision deficiencies, and dark enough on a white page): scenario key -> (colour
# code, the message id of its name). render/mermaid.py holds each code's RGB.
CHART_COLOURS = {"minimum": ("blue", "colour.blue"), "recommended": ("vermillion", "colour.vermillion"),
                 "ideal": ("green", "colour.green")}

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
#   in 'none' mode, one page, as the published hybrid logs show (not checked release by release);
# - in 'align' mode, a state layer that exports prefill checkpoints keeps one page more
#   (MambaSpec.max_memory_usage_bytes: 2 + num_speculative_blocks + num_prefill_checkpoint_blocks,
#   v1/kv_cache_interface.py:1135-1139 in 0.33.0): Mamba2 from 0.32 (mamba_mixer2.py:1108-1118,
#   absent in 0.31), Gated DeltaNet from 0.33 with FlashInfer's GDN prefill
#   (gdn/qwen_gdn_linear_attn.py:689-697 and 739-750; absent in 0.32), whose checkpoints lie on a
#   64-token grid that the attention block is then a multiple of (v1/attention/backends/gdn_attn.py:34,
#   platforms/interface.py:1089-1094).
VLLM_RELEASES = {"in_flight": (0, 26), "null_block": (0, 33), "grouped_concurrency": (0, 9),
                 "refuses_long_requests": (0, 3), "estimates_max_model_len": (0, 9),
                 "mtp_retained_tokens": (0, 33), "mamba_align": (0, 33), "mamba2_checkpoint": (0, 32),
                 "gdn_checkpoint": (0, 33)}
@record
class StateMixer:
    """What vLLM's mixer of a state-layer kind keeps per request, beyond its state shape."""
    conv_spec_columns: bool     # the conv state gains one column per speculative token
    checkpoint_release: str | None  # VLLM_RELEASES key from which it keeps a prefill-checkpoint page
                                # in 'align' mode (None: never)
    checkpoint_grid: int        # the token grid those checkpoints lie on (1: any token)


# The state mixers vLLM builds (model_executor/layers/mamba/). mamba_utils.py:171-300 in 0.33.0:
# Mamba1's conv state is conv_kernel - 1 wide, Mamba2's and Gated DeltaNet's conv_kernel - 1 +
# num_spec (seen in 0.20-0.33 for Mamba2, 0.10.2-0.33 for GDN). Prefill checkpoints: MambaMixer2
# (mamba_mixer2.py:1108-1118) declares no grid (MambaBase.get_prefill_checkpoint_alignment returns
# None: abstract.py:65-70); FlashInfer's GDN prefill emits states every 64 tokens. FlashInfer is
# what vLLM 0.33.0 runs GDN prefill with on Hopper, and on Blackwell when linear_key_head_dim is
# 128 with CUDA 13 (qwen_gdn_linear_attn.py:148-270); the Triton kernel (other GPUs) exports none:
# that case is not modeled.
# Kimi Delta Attention (layers/mamba/gdn/kimi_gdn_linear_attn.py) passes num_spec to kda_state_shape
# and runs its prefill on the Triton KDA kernel (line 285 asserts it), which exports no checkpoints.
STATE_MIXERS = {"mamba1": StateMixer(False, None, 1), "mamba2": StateMixer(True, "mamba2_checkpoint", 1),
                "gated_delta_net": StateMixer(True, "gdn_checkpoint", 64),
                "kimi_delta_attention": StateMixer(True, None, 1)}
NEWEST_VLLM = (0, 33)

# The parameter dictionary: (parameter, origin). What it is, why it matters and
# the common mistake live in the message table as dict.<parameter>.{what,why,mistake}.
@record
class DictionaryEntry:
    """One parameter of the dictionary: its name, origin code and the message ids of its texts."""
    name: str
    origin: str
    what_id: str
    why_id: str
    mistake_id: str


PARAMETER_DICTIONARY = (
    DictionaryEntry("num_hidden_layers", "model", "dict.num_hidden_layers.what", "dict.num_hidden_layers.why", "dict.num_hidden_layers.mistake"),
    DictionaryEntry("num_attention_heads", "model", "dict.num_attention_heads.what", "dict.num_attention_heads.why", "dict.num_attention_heads.mistake"),
    DictionaryEntry("num_key_value_heads", "model", "dict.num_key_value_heads.what", "dict.num_key_value_heads.why", "dict.num_key_value_heads.mistake"),
    DictionaryEntry("head_dim", "model", "dict.head_dim.what", "dict.head_dim.why", "dict.head_dim.mistake"),
    DictionaryEntry("max_position_embeddings", "model", "dict.max_position_embeddings.what", "dict.max_position_embeddings.why", "dict.max_position_embeddings.mistake"),
    DictionaryEntry("sliding_window", "model", "dict.sliding_window.what", "dict.sliding_window.why", "dict.sliding_window.mistake"),
    DictionaryEntry("attention_pattern", "model", "dict.attention_pattern.what", "dict.attention_pattern.why", "dict.attention_pattern.mistake"),
    DictionaryEntry("effective_context", "nfr", "dict.effective_context.what", "dict.effective_context.why", "dict.effective_context.mistake"),
    DictionaryEntry("concurrency", "nfr", "dict.concurrency.what", "dict.concurrency.why", "dict.concurrency.mistake"),
    DictionaryEntry("kv_precision", "runtime", "dict.kv_precision.what", "dict.kv_precision.why", "dict.kv_precision.mistake"),
    DictionaryEntry("kv_budget_ratio", "runtime", "dict.kv_budget_ratio.what", "dict.kv_budget_ratio.why", "dict.kv_budget_ratio.mistake"),
    DictionaryEntry("runtime_overhead_gib", "runtime", "dict.runtime_overhead_gib.what", "dict.runtime_overhead_gib.why", "dict.runtime_overhead_gib.mistake"),
    DictionaryEntry("peak_headroom_ratio", "nfr", "dict.peak_headroom_ratio.what", "dict.peak_headroom_ratio.why", "dict.peak_headroom_ratio.mistake"),
    DictionaryEntry("ha_extra_nodes", "nfr", "dict.ha_extra_nodes.what", "dict.ha_extra_nodes.why", "dict.ha_extra_nodes.mistake"),
    DictionaryEntry("total_hbm_gb", "hardware", "dict.total_hbm_gb.what", "dict.total_hbm_gb.why", "dict.total_hbm_gb.mistake"),
    DictionaryEntry("storage_profile", "hardware", "dict.storage_profile.what", "dict.storage_profile.why", "dict.storage_profile.mistake"),
)


# ---------------------------------------------------------------------------
# 2. Input: errors, exact numbers, JSON files, field checks
# ---------------------------------------------------------------------------

@record
class Text:
    """Words to show, not yet in any language: a message id and its parameters.

    Parameter values are numbers (exact), identifiers, other Texts, or Joins.
    """
    id: str
    params: tuple[tuple[str, Fraction | int | float | str | Text | Join | None], ...] = ()


def T(message_id, **params):
    return Text(message_id, tuple(params.items()))


@record
class Join:
    """A list shown as one parameter, its items rendered and joined by `separator`."""
    items: tuple[Text | Join | Fraction | int | str, ...]
    separator: str = ", "


# Bytes per element of vLLM's --mamba-cache-dtype / --mamba-ssm-cache-dtype values.
MAMBA_DTYPES = {"float32": 4, "bfloat16": 2, "float16": 2}

# torch dtypes of config.json (torch_dtype, or dtype in newer transformers) -> precision.
TORCH_DTYPES = {"bfloat16": "bf16", "float16": "fp16", "float32": "fp32"}


# Speculative decoding: the draft model's attention layers take their KV from the same
# pool. EAGLE and EAGLE-3 heads are one decoder layer of the target's shape; MTP adds the
# checkpoint's num_nextn_predict_layers (vLLM's EagleProposer / DeepSeek MTP drafters).
# N-gram (prompt lookup) and suffix decoding draft without layers: vLLM 0.33.0's planner then
# reserves nothing for attention (VllmConfig.num_lookahead_tokens is 0 for them:
# config/vllm.py:626-652), and state layers keep num_speculative_tokens more pages and conv
# columns (MambaBase.get_kv_cache_spec, layers/mamba/abstract.py:72-90; mamba_utils.py).
SPECULATIVE = ("eagle", "eagle3", "mtp", "ngram", "suffix")


@record
class SpeculativeMethod:
    """What vLLM does with one --speculative method beyond its draft layers."""
    draft_layers: bool          # the drafter has attention layers in the KV pool
    default_tokens: int | None      # num_speculative_tokens when not given (None: vLLM requires it)
    async_release: tuple[int, ...] | None       # first release whose async scheduling runs it (None: none does)


# - ngram: no default (SpeculativeConfig._verify_args, config/speculative.py:1946: "num_speculative_tokens
#   must be provided ..."); async scheduling from 0.33, where Model Runner V2 runs it (v1/worker/gpu/
#   spec_decode/__init__.py:87); in 0.26-0.32 vLLM turned async scheduling off for it (config/vllm.py);
# - suffix: num_speculative_tokens defaults to suffix_decoding_max_tree_depth, 24 (config/speculative.py:
#   538 and 1732-1735); Model Runner V2 does not run it (config/vllm.py:3067), and the V1 runner has no
#   async scheduling with it (config/vllm.py:1651-1663), so async scheduling is off.
# EAGLE takes 1 when not given (vLLM has no default; it does not change the pool); MTP the checkpoint's
# num_nextn_predict_layers (speculative_tokens()).
SPECULATIVE_METHODS = {"eagle": SpeculativeMethod(True, 1, (0, 1)), "eagle3": SpeculativeMethod(True, 1, (0, 1)),
                       "mtp": SpeculativeMethod(True, None, (0, 1)), "ngram": SpeculativeMethod(False, None, (0, 33)),
                       "suffix": SpeculativeMethod(False, 24, None)}
# vLLM's refusal of an explicit --async-scheduling with a method it runs synchronously: 0.33.0
# (config/vllm.py:1676-1679, {method} filled in), and 0.32.0 (config/vllm.py:1571-1575).
SYNC_SPECULATIVE_REFUSALS = (((0, 33), "Async scheduling is not supported by the V1 model runner with "
                                       "{method}-based speculative decoding."),
                             ((0, 0), "Currently, async scheduling is only supported with EAGLE/MTP/Draft Model/"
                                      "NGram GPU/DSpark/DFlash kind of speculative decoding"))


# --solve: the inverse questions, answered per scenario by a search on integers. Node counts only
# grow with the concurrency and with the context, so the largest value whose nodes fit is exact.
SOLVE_KINDS = ("concurrency", "context", "rate")
# Each question's words: (its name, the answer's explanation, label and value), as message ids.
SOLVE_TEXT = {"concurrency": ("solve.concurrency", "expl.solve_concurrency", "label.solve_concurrency",
                              "value.solve_concurrency"),
              "context": ("solve.context", "expl.solve_context", "label.solve_context", "value.solve_context"),
              "rate": ("solve.rate", "expl.solve_rate", "label.solve_rate", "value.solve_rate")}


# Comparisons: the options that shape a configuration take a comma-separated list (--model-config
# is repeated instead, since paths may hold commas), and the run sizes every combination, in the
# order given (the first option varies slowest).
COMPARED_OPTIONS = (("model", "--model"), ("model_config", "--model-config"), ("server", "--server"),
                    ("storage", "--storage"), ("kv_precision", "--kv-precision"),
                    ("effective_context", "--effective-context"), ("concurrency", "--concurrency"),
                    ("tensor_parallel", "--tensor-parallel"), ("pipeline_parallel", "--pipeline-parallel"),
                    ("kv_accounting", "--kv-accounting"))
ORDER_BY = ("cost", "nodes")
# The columns of a comparison row (--model and --model-config share "model").
COMPARISON_COLUMNS = ("model", "server", "storage", "kv_precision", "effective_context", "concurrency",
                      "tensor_parallel", "pipeline_parallel", "kv_accounting")
NUMERIC_COLUMNS = ("effective_context", "concurrency", "tensor_parallel", "pipeline_parallel")
ROW_ERROR = "error"
# Calibration: the checks of a log against this model's rules, and the accuracy goal against
# published logs (percent).
CALIBRATION_TOLERANCE_PERCENT = 1
CALIBRATION_CHECKS = ("calibration_memory_gap_percent", "calibration_concurrency_gap_percent")
MAX_COMBINATIONS = 100000       # 10x the benchmarked grid; a larger one is more likely a typo than a plan


def scenario_label(result):
    return T(result.scenario.label_id)


# --list: the catalogs' names, each with one line about it.
LIST_KINDS = ("models", "servers", "storage", "precisions")


# The server catalog's words: how GPUs reach each other inside a node or a rack (the scale-up
# interconnect), which way a link bandwidth is counted, and the kinds of GPU memory.
class Interconnect:
    NVLINK, INFINITY_FABRIC, PCIE = "nvlink", "infinity_fabric", "pcie"
    ALL = (NVLINK, INFINITY_FABRIC, PCIE)


class Direction:
    """A link's bandwidth counted both ways (NVIDIA's 1.8 TB/s NVLink 5) or one way."""
    BIDIRECTIONAL, PER_DIRECTION = "bidirectional", "per_direction"
    ALL = (BIDIRECTIONAL, PER_DIRECTION)


MEMORY_KINDS = ("HBM2e", "HBM3", "HBM3e", "HBM4", "GDDR6", "GDDR7")
INTERCONNECT_TEXT = {"nvlink": "interconnect.nvlink", "infinity_fabric": "interconnect.infinity_fabric",
                     "pcie": "interconnect.pcie"}
DIRECTION_TEXT = {"bidirectional": "direction.bidirectional", "per_direction": "direction.per_direction"}


# ---------------------------------------------------------------------------
# The words of each code: message ids, always written whole (never built from pieces), so that
# every id the code uses can be found in the catalogs (sizer/i18n) by a search.
# ---------------------------------------------------------------------------

LIMIT_TEXT = {"memory": "limit.memory", "tpot": "limit.tpot", "ttft": "limit.ttft",
              "max_num_seqs": "limit.max_num_seqs",
              "weights_exceed_instance": "limit.weights_exceed_instance",
              "overhead_exceeds_hbm": "limit.overhead_exceeds_hbm", "decode": "limit.decode",
              "prefill": "limit.prefill", "throughput": "limit.throughput",
              "latency_percentile": "limit.latency_percentile",
              "vllm_would_not_start": "limit.vllm_would_not_start",
              "engine_no_memory": "limit.engine_no_memory",
              "overhead_below_weights": "limit.overhead_below_weights"}
UNIT_TEXT = {"USD/month": "unit.USD/month", "USD/Mtok": "unit.USD/Mtok", "kW": "unit.kW",
             "bytes": "unit.bytes", "GiB": "unit.GiB", "s": "unit.s", "ms": "unit.ms",
             "tokens/s": "unit.tokens/s", "sessions/s": "unit.sessions/s", "requests/s": "unit.requests/s",
             "nodes": "unit.nodes",
             "sessions": "unit.sessions", "blocks": "unit.blocks", "x": "unit.x", "%": "unit.%",
             "tokens": "unit.tokens", "instance-s/s": "unit.instance-s/s", "racks": "unit.racks",
             "trays": "unit.trays", "requests": "unit.requests"}
# Figures counted in whole things: their value is said with the count's plural form.
COUNT_TEXT = {"nodes": "count.nodes", "sessions": "count.sessions", "racks": "count.racks", "trays": "count.trays"}
STATUS_TEXT = {"ok": "status.ok", "infeasible": "status.infeasible", "error": "status.error"}
CATALOG_TEXT = {"models": "catalog.models", "servers": "catalog.servers", "storage": "catalog.storage"}
ORIGIN_TEXT = {"model": "origin.model", "runtime": "origin.runtime", "nfr": "origin.nfr",
               "hardware": "origin.hardware"}
COLUMN_TEXT = {"model": "column.model", "server": "column.server", "storage": "column.storage",
               "kv_precision": "column.kv_precision", "effective_context": "column.effective_context",
               "concurrency": "column.concurrency", "tensor_parallel": "column.tensor_parallel",
               "pipeline_parallel": "column.pipeline_parallel", "kv_accounting": "column.kv_accounting"}
