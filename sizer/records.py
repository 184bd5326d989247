"""Records: frozen Server, Storage, Options, Weights, ParameterCount and Model, each built by one
function from its catalog entry or arguments; everything after this receives validated values.
"""

from __future__ import annotations      # record annotations stay text (3.8 reads `X | None`)

from fractions import Fraction

from sizer.frozen import record, replace
from sizer.inputs import (_where, optional_positive_int, refuse_unknown_fields, require_date, require_one_of,
    require_positive_int, require_positive_number, require_text)
from sizer.layers import FullAttentionLayers, MLALatentLayers, SlidingWindowLayers, kind_parts
from sizer.numbers import InputError
from sizer.vocab import (DEFAULTS, DEFAULT_LANGUAGE, Direction, GB_BYTES, Interconnect, MEMORY_KINDS,
    NEWEST_VLLM, Text)

TYPE_CHECKING = False
if TYPE_CHECKING:      # names the annotations use, never imported at run time
    from sizer.compute.lengths import Lengths
    from sizer.enginelog import EngineLog
    from sizer.model.config import PrecisionScheme
    from sizer.tracefile import Trace


# ---------------------------------------------------------------------------
# 3. Records: validated, typed, frozen; everything below receives these
# ---------------------------------------------------------------------------

# Per-GPU facts for the roofline (optional: without them no latency figures).
# Cost and power of a whole node, each with its source in the catalog (cost_source, power_source).
SERVER_COST_FIELDS = ("node_cost_per_hour_usd", "node_price_usd", "node_power_kw")
SERVER_PERFORMANCE_FIELDS = ("hbm_bandwidth_tb_s", "bf16_dense_tflops", "fp8_dense_tflops",
                             "nvlink_per_gpu_gb_s", "fp4_dense_tflops")
STORAGE_NUMBER_FIELDS = ("read_iops", "write_iops", "read_throughput_gb_s", "write_throughput_gb_s",
                         "read_latency_p99_ms", "write_latency_p99_ms")


@record
class Server:
    name: str
    gpus: int
    hbm_per_gpu_gb: Fraction
    total_hbm_gb: Fraction
    nvlink_bandwidth_tbps: Fraction | None
    hbm_bandwidth_tb_s: Fraction | None = None
    bf16_dense_tflops: Fraction | None = None
    fp8_dense_tflops: Fraction | None = None
    nvlink_per_gpu_gb_s: Fraction | None = None
    cuda_visible_bytes_per_gpu: int | None = None
    description: str | None = None
    source: str | None = None
    node_cost_per_hour_usd: Fraction | None = None   # renting the whole node for an hour
    node_price_usd: Fraction | None = None           # buying it
    node_power_kw: Fraction | None = None            # its maximum input power
    cost_source: str | None = None
    power_source: str | None = None
    fp4_dense_tflops: Fraction | None = None
    memory_kind: str | None = None              # HBM3e, GDDR7, ... (hbm_per_gpu_gb holds either)
    interconnect: str | None = None             # Interconnect.NVLINK, INFINITY_FABRIC or PCIE
    interconnect_per_gpu_gb_s: Fraction | None = None
    interconnect_direction: str | None = None   # Direction: how interconnect_per_gpu_gb_s is counted
    gpus_per_tray: int | None = None            # rack-scale: GPUs of the compute tray, the unit that fails
    visible_memory_source: str | None = None    # how cuda_visible_bytes_per_gpu was measured or derived
    use: str | None = None                      # what the platform is for (--list servers)
    source_date: str | None = None
    cost_date: str | None = None
    power_date: str | None = None
    host_memory_gb: Fraction | None = None           # CPU memory of one entry (a node, or a whole rack)
    host_link_gb_s: Fraction | None = None           # each GPU's link to host memory, one way (PCIe, NVLink-C2C)
    host_source: str | None = None

    @property
    def rack_scale(self):
        """A rack whose GPUs share one NVLink domain but fail and are replaced a tray at a time."""
        return self.gpus_per_tray is not None and self.gpus_per_tray < self.gpus

    @property
    def tensor_parallel_sizes(self):
        """The TP sizes this server takes: the divisors of its node's GPUs; on a rack-scale system
        also whole trays up to the rack."""
        if self.rack_scale:
            tray = self.gpus_per_tray
            return tuple(tp for tp in range(1, self.gpus + 1) if tray % tp == 0 or tp % tray == 0)
        return tuple(tp for tp in range(1, self.gpus + 1) if self.gpus % tp == 0)

    @property
    def trays(self):
        return self.gpus // self.gpus_per_tray if self.rack_scale else 1

    @property
    def interconnect_bytes_s_per_direction(self):
        """One GPU's scale-up bandwidth one way, in bytes/s (None when not given): what a ring
        all-reduce's send or receive runs at. NVIDIA's and AMD's figures count both ways."""
        if self.interconnect_per_gpu_gb_s is None:
            return None
        both_ways = 2 if self.interconnect_direction == Direction.BIDIRECTIONAL else 1
        return self.interconnect_per_gpu_gb_s * GB_BYTES / both_ways


@record
class ServerField:
    """One field of the server catalog, as --list servers --json-only documents it."""
    name: str
    kind: str                   # FieldKind
    unit: str | None                # None, or the unit the number is in
    text_id: str                # what it is (message id)
    required: bool = False
    choices: tuple[str, ...] = ()


class FieldKind:
    TEXT, INTEGER, NUMBER, CHOICE, DATE = "text", "integer", "number", "choice", "date"


# Every field a servers file may hold, in the order the catalog writes them.
SERVER_FIELDS = (
    ServerField("description", FieldKind.TEXT, None, "field.server.description"),
    ServerField("use", FieldKind.TEXT, None, "field.server.use"),
    ServerField("gpus", FieldKind.INTEGER, "GPUs", "field.server.gpus", required=True),
    ServerField("gpus_per_tray", FieldKind.INTEGER, "GPUs", "field.server.gpus_per_tray"),
    ServerField("hbm_per_gpu_gb", FieldKind.NUMBER, "GB", "field.server.hbm_per_gpu_gb", required=True),
    ServerField("total_hbm_gb", FieldKind.NUMBER, "GB", "field.server.total_hbm_gb"),
    ServerField("memory_kind", FieldKind.CHOICE, None, "field.server.memory_kind", choices=MEMORY_KINDS),
    ServerField("hbm_bandwidth_tb_s", FieldKind.NUMBER, "TB/s", "field.server.hbm_bandwidth_tb_s"),
    ServerField("bf16_dense_tflops", FieldKind.NUMBER, "TFLOPS", "field.server.bf16_dense_tflops"),
    ServerField("fp8_dense_tflops", FieldKind.NUMBER, "TFLOPS", "field.server.fp8_dense_tflops"),
    ServerField("fp4_dense_tflops", FieldKind.NUMBER, "TFLOPS", "field.server.fp4_dense_tflops"),
    ServerField("interconnect", FieldKind.CHOICE, None, "field.server.interconnect", choices=Interconnect.ALL),
    ServerField("interconnect_per_gpu_gb_s", FieldKind.NUMBER, "GB/s", "field.server.interconnect_per_gpu_gb_s"),
    ServerField("interconnect_direction", FieldKind.CHOICE, None, "field.server.interconnect_direction",
                choices=Direction.ALL),
    ServerField("nvlink_per_gpu_gb_s", FieldKind.NUMBER, "GB/s", "field.server.nvlink_per_gpu_gb_s"),
    ServerField("nvlink_bandwidth_tbps", FieldKind.NUMBER, "TB/s", "field.server.nvlink_bandwidth_tbps"),
    ServerField("cuda_visible_bytes_per_gpu", FieldKind.INTEGER, "bytes", "field.server.cuda_visible_bytes_per_gpu"),
    ServerField("visible_memory_source", FieldKind.TEXT, None, "field.server.visible_memory_source"),
    ServerField("source", FieldKind.TEXT, None, "field.server.source"),
    ServerField("source_date", FieldKind.DATE, None, "field.server.source_date"),
    ServerField("node_cost_per_hour_usd", FieldKind.NUMBER, "USD/h", "field.server.node_cost_per_hour_usd"),
    ServerField("node_price_usd", FieldKind.NUMBER, "USD", "field.server.node_price_usd"),
    ServerField("cost_source", FieldKind.TEXT, None, "field.server.cost_source"),
    ServerField("cost_date", FieldKind.DATE, None, "field.server.cost_date"),
    ServerField("node_power_kw", FieldKind.NUMBER, "kW", "field.server.node_power_kw"),
    ServerField("power_source", FieldKind.TEXT, None, "field.server.power_source"),
    ServerField("power_date", FieldKind.DATE, None, "field.server.power_date"),
    ServerField("host_memory_gb", FieldKind.NUMBER, "GB", "field.server.host_memory_gb"),
    ServerField("host_link_gb_s", FieldKind.NUMBER, "GB/s", "field.server.host_link_gb_s"),
    ServerField("host_source", FieldKind.TEXT, None, "field.server.host_source"),
)
SERVER_FIELD_NAMES = tuple(field.name for field in SERVER_FIELDS)


@record
class Storage:
    name: str
    type: str
    read_iops: Fraction
    write_iops: Fraction
    read_throughput_gb_s: Fraction
    write_throughput_gb_s: Fraction
    read_latency_p99_ms: Fraction
    write_latency_p99_ms: Fraction
    description: str | None = None
    source: str | None = None


def server_from_entry(name, entry, path):
    refuse_unknown_fields(entry, SERVER_FIELD_NAMES, path, name)
    gpus = require_positive_int(entry, "gpus", path, name)
    hbm_per_gpu_gb = require_positive_number(entry, "hbm_per_gpu_gb", path, name)
    total_hbm_gb = require_positive_number(entry, "total_hbm_gb", path, name, optional=True)
    if total_hbm_gb is None:
        total_hbm_gb = gpus * hbm_per_gpu_gb
    elif total_hbm_gb != gpus * hbm_per_gpu_gb:
        raise InputError("err.total_hbm", where=_where(path, name, "total_hbm_gb"), gpus=gpus,
                         per_gpu=hbm_per_gpu_gb, expected=gpus * hbm_per_gpu_gb, value=total_hbm_gb)
    tray = optional_positive_int(entry, "gpus_per_tray", path, name)
    if tray is not None and gpus % tray:
        raise InputError("err.tray_divides", where=_where(path, name, "gpus_per_tray"), tray=tray, gpus=gpus)
    facts = {field: require_positive_number(entry, field, path, name, optional=True)
             for field in SERVER_PERFORMANCE_FIELDS + SERVER_COST_FIELDS
             + ("fp4_dense_tflops", "interconnect_per_gpu_gb_s", "host_memory_gb", "host_link_gb_s")}
    facts.update((field, require_text(entry, field, path, name, optional=True))
                 for field in ("cost_source", "power_source", "visible_memory_source", "use", "host_source"))
    facts.update((field, require_date(entry, field, path, name))
                 for field in ("source_date", "cost_date", "power_date"))
    facts.update(memory_kind=require_one_of(entry, "memory_kind", path, name, MEMORY_KINDS),
                 interconnect=require_one_of(entry, "interconnect", path, name, Interconnect.ALL),
                 interconnect_direction=require_one_of(entry, "interconnect_direction", path, name, Direction.ALL))
    if facts["interconnect_per_gpu_gb_s"] is not None:
        # A link bandwidth means nothing without its link and the way it is counted.
        for field in ("interconnect", "interconnect_direction"):
            if facts[field] is None:
                raise InputError("err.field_missing", where=_where(path, name, field))
    return Server(name=name, gpus=gpus, hbm_per_gpu_gb=hbm_per_gpu_gb, total_hbm_gb=total_hbm_gb,
                  nvlink_bandwidth_tbps=require_positive_number(entry, "nvlink_bandwidth_tbps", path, name,
                                                                optional=True),
                  cuda_visible_bytes_per_gpu=optional_positive_int(entry, "cuda_visible_bytes_per_gpu", path, name),
                  description=require_text(entry, "description", path, name, optional=True),
                  source=require_text(entry, "source", path, name, optional=True), gpus_per_tray=tray, **facts)


def storage_from_entry(name, entry, path):
    numbers = {field: require_positive_number(entry, field, path, name) for field in STORAGE_NUMBER_FIELDS}
    return Storage(name=name, type=require_text(entry, "type", path, name),
                   description=require_text(entry, "description", path, name, optional=True),
                   source=require_text(entry, "source", path, name, optional=True), **numbers)


@record
class Options:
    """Every option, validated, with exact numbers."""
    model: str | None
    model_config: str | None
    server: str
    storage: str
    concurrency: int | None
    requests_per_second: Fraction | None
    mean_session_seconds: Fraction | None
    tpot_slo_ms: Fraction | None
    ttft_slo_ms: Fraction | None
    hbm_efficiency: Fraction
    mfu: Fraction
    effective_context: int
    kv_precision: str
    kv_budget_ratio: Fraction
    runtime_overhead_gib: Fraction | None
    peak_headroom_ratio: Fraction
    tensor_parallel: int | None
    kv_accounting: str
    block_size: int
    max_num_batched_tokens: int
    max_num_seqs: int
    models_file: str
    servers_file: str
    storage_file: str
    lang: str = DEFAULT_LANGUAGE
    weight_precision: str | None = None         # None: the checkpoint's own
    pipeline_parallel: int = 1
    runtime_overhead_auto: bool = False
    data_parallel_attention: bool = False
    expert_parallel: bool = False           # routed experts split whole across the instance's GPUs
    disable_hybrid_kv_cache_manager: bool = False
    allow_chunked_hybrid: bool = False      # VLLM_ALLOW_CHUNKED_LOCAL_ATTN_WITH_HYBRID_KV_CACHE=1
    vllm_version: tuple[int, ...] = NEWEST_VLLM
    async_scheduling: bool | None = None         # None: the release's default
    speculative: str | None = None              # eagle, eagle3 or mtp: the draft's layers hold KV too
    mamba_cache_dtype: str | None = None        # state layers: conv state dtype (None: auto)
    mamba_ssm_cache_dtype: str | None = None    # state layers: SSM state dtype (None: auto)
    enable_prefix_caching: bool | None = None    # None: the release's default
    num_speculative_tokens: int | None = None   # draft tokens per step (vLLM's default when None)
    draft_model: str | None = None              # the EAGLE drafter the engine commands load (--draft-model)
    gpu_memory_utilization: Fraction | None = None   # engine memory: a share of the CUDA-visible bytes
    kv_cache_memory_bytes: int | None = None    # engine memory: KV bytes per GPU, as given
    calibration: EngineLog | None = None              # EngineLog of --calibrate-from
    decode_mfu: Fraction = DEFAULTS["decode_mfu"]   # share of dense FLOPS the decode GEMMs reach
    input_tokens: int | None = None             # mean prompt tokens per request (traffic)
    solve: str | None = None                    # --solve concurrency|context
    nodes: int | None = None                    # --nodes N for --solve
    output_tokens: int | None = None            # mean generated tokens per request (traffic)
    page_size: int = DEFAULTS["page_size"]                  # SGLang: tokens per page
    swa_full_tokens_ratio: Fraction = DEFAULTS["swa_full_tokens_ratio"]    # SGLang: SWA / full pool tokens
    tokens_per_block: int = DEFAULTS["tokens_per_block"]    # TensorRT-LLM: tokens per block
    node_cost_per_hour: Fraction | None = None       # USD per node-hour, over the catalog's
    node_price: Fraction | None = None               # USD per node bought: the cost is its amortization
    power_cost_per_kwh: Fraction | None = None       # USD per kWh: the energy is added to the cost
    amortization_months: int = DEFAULTS["amortization_months"]
    disaggregated: bool = False             # prefill and decode in separate pools
    scenario_performance: bool = True       # the decode, failover and cost-per-token figures (a
                                            # comparison row shows none of them)
    layout_hints: bool = True               # size the other layouts a hint compares (a search sizes them all)
    kv_transfer_gb_s: Fraction = DEFAULTS["kv_transfer_gb_s"]  # KV from a prefill node to a decode node, GB/s
    kv_precision_default: bool = False      # --kv-precision not given: the tool's default (fp8)
    runtime_overhead_default: bool = False  # --runtime-overhead-gib not given: the tool's default (120)
    amortization_default: bool = True       # --amortization-months not given
    # Traffic as it arrives (compute/traffic.py): the simulation runs when one of these asks for it.
    input_lengths: Lengths | None = None            # Lengths of --input-tokens (or the trace's column)
    output_lengths: Lengths | None = None           # Lengths of --output-tokens
    burstiness: Fraction | None = None               # coefficient of variation of the inter-arrival times
    traffic_trace: Trace | None = None            # Trace of --traffic-trace
    simulated_requests: int | None = None       # requests per run (None: the default)
    seed: int | None = None                     # the runs' seed (None: 1)
    slo_percentile: int | None = None           # the percentile the TTFT/TPOT targets bind at
    prefix_cache_hit_rate: Fraction | None = None    # share of prompt tokens served from the prefix cache
    shared_prefix_tokens: int | None = None     # a prefix every request shares (held once per instance)
    kv_offloading_size_gib: Fraction | None = None   # host-memory KV tier per instance (vLLM --kv-offloading-size)

    @property
    def simulated(self):
        """Whether the traffic simulation runs: asked by one of its options, or by lengths given as a
        distribution."""
        return (self.burstiness is not None or self.traffic_trace is not None or self.slo_percentile is not None
                or self.simulated_requests is not None or self.seed is not None
                or any(lengths is not None and lengths.is_distribution
                       for lengths in (self.input_lengths, self.output_lengths)))


# ---------------------------------------------------------------------------
# 5. Model: a catalog entry or Hugging Face config.json -> one frozen Model.
#    The rules are tried in a documented order; each rule that applies is
#    recorded in `derivation`, which the KV figure's explanation repeats.
# ---------------------------------------------------------------------------

@record
class Weights:
    """The bytes of one instance's weights, and how they were found."""
    weights_bytes: int
    formula: Text
    precision: str              # the precision of the linear layers, for the FLOPS they run at
    embedding_bytes: int = 0    # on the first pipeline stage (0 when not known apart)
    lm_head_bytes: int = 0      # on the last pipeline stage


@record
class ParameterCount:
    """Parameters a config describes, by where they live (what the checkpoint holds).

    The multi-token-prediction layers of DeepSeek-V3 (num_nextn_predict_layers, kept in
    `mtp_layers`) are left out: vLLM loads them only for speculative decoding. The vision tower
    (`vision_encoder`, counted for the families whose tower is known) is in the total and the
    weights, not in the active count: a text token never runs through it.
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
    vision_encoder: int = 0     # the vision tower loaded with the language model

    @property
    def total(self):
        return (self.embedding + self.lm_head + self.attention + self.state_mixers + self.dense_mlp
                + self.experts + self.shared_experts + self.router + self.norms + self.vision_encoder)

    @property
    def active(self):
        """Parameters one token's forward pass multiplies: every weight but the routed experts it
        skips, the input embedding table, which is a lookup (as OpenAI counts gpt-oss), and the
        vision tower."""
        return self.total - self.inactive_experts - self.embedding - self.vision_encoder

    @property
    def linear(self):
        """The projections and MLPs: what a weight quantization converts."""
        return self.attention + self.state_mixers + self.dense_mlp + self.experts + self.shared_experts


@record
class Model:
    name: str
    model_type: str | None
    num_hidden_layers: int
    num_attention_heads: int
    num_key_value_heads: int
    head_dim: int
    max_position_embeddings: int
    layer_groups: tuple[FullAttentionLayers, ...]
    derivation: tuple[Text, ...]
    layer_kinds: tuple[str, ...] = ()
    description: str | None = None
    source: str | None = None
    aliases: tuple[str, ...] = ()
    weights: Weights | None = None          # set by build_report, for the weight precision asked
    weights_bytes: int | None = None    # the checkpoint's bytes, from the catalog or the safetensors index
    weights_bytes_source: str | None = None
    weight_precision: str | None = None
    checkpoint_scheme: PrecisionScheme | None = None
    total_parameters: int | None = None
    active_parameters: int | None = None
    num_local_experts: int | None = None
    num_experts_per_tok: int | None = None
    parameters: ParameterCount | None = None
    hidden_size: int | None = None
    intermediate_size: int | None = None
    vocab_size: int | None = None

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
        return tuple(replace(group, count=counts[group.kind]) for group in self.layer_groups
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
