"""The engine's time per step: what a continuous-batching engine spends on one step that carries the
running sessions' decode tokens and chunks of new prompts, as mechanisms with few constants, each
with its source (README_v2.md, "Engine time model").

A step, on each GPU, runs one phase after the other and each phase takes the longer of reading its
bytes and doing its math: the dense GEMMs (every weight but the routed experts), the routed experts
(the ones the step's tokens touch, in grouped GEMMs), decode attention (every session's KV), prefill
attention (the chunks' causal pairs), the collectives (tensor-parallel all-reduce, expert-parallel
dispatch and combine), and a launch cost per layer.
"""

from __future__ import annotations      # record annotations stay text (3.8 reads `X | None`)

from fractions import Fraction

from sizer.compute.memory import expert_weight_bytes, routed_expert_parameters
from sizer.engines.registry import ENGINES
from sizer.frozen import record, replace
from sizer.layers import FullAttentionLayers, MLALatentLayers, StateLayers
from sizer.numbers import cdiv
from sizer.vocab import GB_BYTES, KV_PRECISIONS


# -- Constants, each with its source (README_v2.md lists them) ---------------------------------------

# A step's fixed cost, per layer (kernel launches and tails): the batch-1 Llama-3.1-8B step measured on
# one H100 (shared/facts/gpu-measurements.md: 7.29 ms at context 4096) less its bytes at 80% of
# 3.35 TB/s (15,009,841,152 bytes of weights + 4096 x 131,072 bytes of KV: 5.801 ms), over its 32 layers.
MEASURED_STEP_S = Fraction("7.29e-3")
MEASURED_STEP_BYTES = 15009841152 + 4096 * 131072
MEASURED_BANDWIDTH_BYTES_S = Fraction("3.35e12") * Fraction(80, 100)
MEASURED_LAYERS = 32
LAUNCH_S_PER_LAYER = (MEASURED_STEP_S - MEASURED_STEP_BYTES / MEASURED_BANDWIDTH_BYTES_S) / MEASURED_LAYERS

# Grouped (expert) GEMMs at decode sizes: DeepGEMM's grouped FP8 GEMM, masked layout, 4 groups of 256
# tokens, N 4096, K 7168, on an H800 (3.35 TB/s, 1979 dense FP8 TFLOPS): 932 TFLOPS while moving
# 2064 GB/s (deepseek-ai/DeepGEMM README, "Grouped GEMMs for MoE models (masked layout)").
GROUPED_FLOPS_SHARE = Fraction(932, 1979)
GROUPED_BANDWIDTH_SHARE = Fraction(2064, 3350)
# Grouped GEMMs whose weights need work before the tensor cores take them, on GPUs without block-scaled
# tensor-core instructions (the GPUs without FP4 tensor cores: Hopper, Ada, CDNA3): 4-bit weights are
# converted to BF16 (W4A16) and FP8 block scales applied on CUDA cores inside the GEMM's main loop, so the
# tensor cores wait. Rates measured on an H200 with TensorRT-LLM 1.3.0rc20's MoE kernels at full M blocks
# (NVIDIA AIConfigurator at commit 095f58a5, aic-core/src/aiconfigurator_core/systems/data/h200_sxm/moe/
# trtllm/1.3.0rc20/moe_perf.parquet, balanced routing, 16,384 tokens; tests/fixtures/benchmarks/
# aiconfigurator-moe-h200.json keeps the points): W4A16 MXFP4 (triton matmul_ogs, gpt-oss-20b's experts,
# 3.261e12 FLOPs in 8.514 ms) 383.1 TFLOPS of BF16's 989; FP8 with 128 x 128 block scales (CUTLASS,
# DeepSeek-V3's experts at EP 8, 1.443e12 FLOPs in 2.499 ms) 577.4 TFLOPS of FP8's 1979. (Per-tensor FP8 in
# the same table: 950.2 TFLOPS, as DeepGEMM's figure above.)
WEIGHT_ONLY_4BIT_FLOPS_SHARE = Fraction(3831, 9890)
FP8_BLOCK_SCALED_FLOPS_SHARE = Fraction(5774, 19790)
WEIGHT_ONLY_4BIT = ("int4", "mxfp4", "nvfp4")     # measured for MXFP4; INT4 and NVFP4 there convert the same way
# A grouped GEMM computes each expert's tokens in whole M blocks, sized to the tokens an expert gets
# (triton_kernels' matmul_ogs, opt_flags.make_default_opt_flags_nvidia, v3.6.0 as TensorRT-LLM vendors it
# in triton_kernels/, the MoE kernels of gpt-oss on Hopper): up to 64 tokens per expert, "ragged and likely
# memory bound", block_m = max(16, min(next_power_of_2(2 x tokens), 64)) so each expert's weights are read
# once; above, block_m = max(16, min(next_power_of_2(tokens), 128)).
EXPERT_BLOCK_MIN, EXPERT_BLOCK_MAX, EXPERT_BLOCK_RAGGED_MAX, EXPERT_RAGGED_TOKENS = 16, 128, 64, 64

# Data-parallel attention: every step waits for the most loaded rank, so the work each rank does for its
# own sessions (dense GEMMs, attention, host) takes 1 / balance ratio of its mean. TensorRT-LLM measured
# a mean balance ratio (mean tokens / most tokens across ranks) of 54.11% for DeepSeek-V3 on 8 GB200 in
# attention DP + EP 8 with in-flight batching and round-robin assignment (its ADP Balance Strategy blog,
# docs/source/blogs/tech_blog/blog10_ADP_Balance_Strategy.md, "Baseline").
DP_ATTENTION_BALANCE = Fraction(5411, 10000)

# Causal prefill attention: 0.46 of dense BF16 peak (SDPA, 64 heads x 64 dim, 8k tokens, measured on
# one H100, shared/facts/gpu-measurements.md).
PREFILL_ATTENTION_SHARE = Fraction(46, 100)

# A collective's latency: NCCL's own model for a ring over NVLink with the LL protocol (base 6.6 us plus
# 0.6 us per hop; src/graph/tuning.cc, baseLat and hwLat): an all-reduce makes 2 (n - 1) hops, a
# dispatch or combine (all-to-all) n - 1.
COLLECTIVE_BASE_S = Fraction("6.6e-6")
COLLECTIVE_HOP_S = Fraction("0.6e-6")

# NVIDIA gives NVLink per GPU counting both directions (900 GB/s on H100/H200 = 450 GB/s each way).
LINK_DIRECTIONS = 2

# Activations cross the links in BF16, and are dispatched to the experts at the GEMMs' precision.
ACTIVATION_BYTES = 2

# The tensor-core rate a weight precision's GEMMs run at: (with FP4 tensor cores, without). TensorRT-LLM
# runs MXFP4 checkpoints as W4A8_MXFP4_MXFP8 on Blackwell and W4A16_MXFP4 on Hopper (its gpt-oss guide,
# "Using the MXFP4 Checkpoints"); NVFP4 runs W4A4 where the GPU has FP4, weight-only elsewhere; INT4
# (AWQ/GPTQ) is weight-only.
GEMM_RATE_FIELD = {"fp32": ("bf16_dense_tflops", "bf16_dense_tflops"),
                   "bf16": ("bf16_dense_tflops", "bf16_dense_tflops"),
                   "fp16": ("bf16_dense_tflops", "bf16_dense_tflops"),
                   "fp8": ("fp8_dense_tflops", "fp8_dense_tflops"),
                   "int8": ("fp8_dense_tflops", "fp8_dense_tflops"),
                   "int4": ("bf16_dense_tflops", "bf16_dense_tflops"),
                   "mxfp4": ("fp8_dense_tflops", "bf16_dense_tflops"),
                   "nvfp4": ("fp4_dense_tflops", "bf16_dense_tflops")}
EXPERT_TOKEN_DECIMALS = 9       # tokens per expert are rounded to this many decimals before the M blocks
EXACT_EXPERT_TOKENS = 64        # exact (1 - k/E)^tokens up to this many tokens (a double beyond: the
                                # exact powers grow to thousands of digits and slow every figure after)


def gemm_rate_field(server, precision):
    """The server field whose TFLOPS the GEMMs of `precision` weights run at."""
    with_fp4, without = GEMM_RATE_FIELD[precision]
    return with_fp4 if getattr(server, "fp4_dense_tflops", None) else without


def link_bytes_s(server):
    """One GPU's scale-up bandwidth one way, bytes/s, or None: the catalog's interconnect figure when
    it has one, else half of nvlink_per_gpu_gb_s."""
    one_way = getattr(server, "interconnect_bytes_s_per_direction", None)
    if one_way is not None:
        return Fraction(one_way)
    if server.nvlink_per_gpu_gb_s is None:
        return None
    return Fraction(server.nvlink_per_gpu_gb_s) * GB_BYTES / LINK_DIRECTIONS


def collective_latency_s(gpus, hops_per_gpu):
    return COLLECTIVE_BASE_S + hops_per_gpu * (gpus - 1) * COLLECTIVE_HOP_S


def expert_block(tokens):
    """The M block a grouped GEMM uses for experts expected to get `tokens` tokens each (an int)."""
    wanted, largest = (2 * tokens, EXPERT_BLOCK_RAGGED_MAX) if tokens <= EXPERT_RAGGED_TOKENS \
        else (tokens, EXPERT_BLOCK_MAX)
    block = EXPERT_BLOCK_MIN
    while block < wanted and block < largest:
        block *= 2
    return block


def grouped_flops_share(server, precision, block_scaled):
    """The share of the GEMM rate a grouped (expert) GEMM reaches for `precision` weights, with FP8 block
    scales or not: lower where the scales or the 4-bit conversion run in the main loop (no FP4 tensor cores)."""
    if getattr(server, "fp4_dense_tflops", None):
        return GROUPED_FLOPS_SHARE
    if precision in WEIGHT_ONLY_4BIT:
        return WEIGHT_ONLY_4BIT_FLOPS_SHARE
    if precision == "fp8" and block_scaled:
        return FP8_BLOCK_SCALED_FLOPS_SHARE
    return GROUPED_FLOPS_SHARE


def touched_share(experts, per_token, tokens):
    """Expected share of a layer's E experts that `tokens` tokens touch: 1 - (1 - k/E)^tokens."""
    untouched = 1 - Fraction(per_token, experts)
    if tokens <= EXACT_EXPERT_TOKENS and Fraction(tokens).denominator == 1:
        return 1 - untouched ** int(tokens)
    # In doubles: every expert touched is exactly 1, so a mean of whole M blocks stays whole.
    return Fraction(1 - float(untouched) ** float(tokens))


@record
class StepCost:
    """One step on one GPU, phase by phase, in seconds (each phase the longer of its bytes and math)."""
    decode: Fraction            # sequences decoding, per attention group
    prefill: Fraction           # prompt tokens, per attention group
    dense: tuple[Fraction, ...]                # (bytes s, FLOPs s) of the dense GEMMs
    experts: tuple[Fraction, ...]              # (bytes s, FLOPs s) of the routed experts' grouped GEMMs
    attention: tuple[Fraction, ...]            # (KV bytes s, FLOPs s) of decode attention
    prefill_attention: Fraction
    communication: Fraction
    launch: Fraction
    host: Fraction                  # the engine's work per running sequence on the CPU, not overlapped
    seconds: Fraction               # the step: the sum of the phases


def step_cost(decode, prefill, dense, experts, attention, prefill_attention, communication, launch, host):
    return StepCost(decode, prefill, dense, experts, attention, prefill_attention, communication, launch, host,
                    max(dense) + max(experts) + max(attention) + prefill_attention + communication + launch + host)


@record
class SteadyState:
    """An instance holding `batch` sessions, each for its prompt's chunk steps and then one step per
    output token after the first: every step decodes the sessions past their prompt and prefills the
    prompt chunks of the sessions that replace those that end."""
    batch: Fraction               # sessions per instance (after the step budget)
    decode: Fraction            # decode tokens per step, per attention group and micro-batch
    prefill: Fraction           # prompt tokens per step, per attention group and micro-batch
    cost: StepCost
    step_s: Fraction            # one token's trip through the instance: the TPOT under this load
    chunk_steps: int            # steps a prompt takes in the tokens the decodes leave
    lifetime_steps: int         # steps a session holds its KV: chunk steps + output tokens - 1
    budget: int                 # --max-num-batched-tokens, per step and attention group
    output_tokens: int

    @property
    def session_s(self):
        return self.lifetime_steps * self.step_s

    @property
    def requests_s(self):
        """Requests per second per instance: its sessions over their lifetime (Little's law)."""
        return Fraction(self.batch) / self.session_s if self.batch else Fraction(0)

    @property
    def output_tokens_s(self):
        return self.requests_s * self.output_tokens

    @property
    def ttft_s(self):
        """Half a step waiting for the next one, then the prompt's chunk steps."""
        return self.step_s / 2 + self.chunk_steps * self.step_s


@record
class EngineModel:
    """What the time of a step needs about one instance, as exact numbers (per GPU unless said)."""
    weights_bytes: int
    dense_bytes: Fraction       # read every step: all weights but the routed experts and the input embedding
    expert_bytes: Fraction      # every routed expert
    experts: int | None
    experts_per_token: int | None
    moe_layers: int
    dense_parameters: Fraction  # a token's GEMM parameters outside the routed experts and the LM head
    expert_parameters: Fraction  # every routed expert
    lm_head_parameters: int
    active_parameters: int
    layers: int
    hidden_size: int
    gpus: int                   # GPUs per pipeline stage (tensor parallel)
    attention_groups: int       # 1, or the GPUs with data-parallel attention
    stages: int
    bandwidth_bytes_s: Fraction  # per GPU, x --hbm-efficiency
    flops_field: str
    flops_s: Fraction           # the instance's dense FLOPS x --mfu (the TTFT figure)
    gemm_flops_s: Fraction      # per GPU, x --decode-mfu
    grouped_bandwidth_bytes_s: Fraction
    grouped_flops_s: Fraction
    attention_flops_s: Fraction  # per GPU, BF16 x --decode-mfu (decode attention)
    prefill_attention_flops_s: Fraction
    link_bytes_s: Fraction | None      # per GPU, one way; None when the catalog has no interconnect figure
    dispatch_bytes: Fraction    # bytes per activation element sent to an expert
    attention_flops_per_session: int = 0    # one new token over the effective context
    kv_layers: tuple[tuple[FullAttentionLayers, Fraction], ...] = ()       # (layer group, KV bytes per token per layer on the instance)
    state_bytes: int = 0        # recurrent state per session on the instance
    attention_flops_per_key: int = 0
    prefill_pair_flops: int = 0
    host_s_per_sequence: Fraction = Fraction(0)     # the engine's (engines/base.py)

    # Kept from the roofline this model grew from: the instance's bandwidth, for its figures.
    @property
    def instance_bandwidth_bytes_s(self):
        return self.bandwidth_bytes_s * self.gpus

    @property
    def rank_share(self):
        """GPUs a group's own work (dense GEMMs, attention) splits over: the stage's, or one per group."""
        return Fraction(self.gpus, self.attention_groups)

    def kv_read_bytes(self, context_tokens):
        """KV bytes one session reads per decode step at `context_tokens`, on the whole instance."""
        return self.state_bytes + sum(group.count * group.spec_tokens(context_tokens) * per_token
                                      for group, per_token in self.kv_layers)

    def decode_attention_flops(self, context_tokens):
        return self.attention_flops_per_key * sum(group.count * group.spec_tokens(context_tokens)
                                                  for group, _ in self.kv_layers)

    def prefill_attention_flops(self, prompt_tokens):
        """QK^T and AV of one whole prompt's causal prefill, every layer."""
        return self.prefill_pair_flops * sum(group.count * group.attended_pairs(prompt_tokens)
                                             for group, _ in self.kv_layers)

    def step(self, decode, kv_bytes, attention_flops, prefill=0, prefill_flops=0):
        """One step on one GPU: `decode` sequences and `prefill` prompt tokens per attention group,
        the sequences reading `kv_bytes` and doing `attention_flops` in all, the prompts `prefill_flops`."""
        decode, prefill = Fraction(decode), Fraction(prefill)
        share = self.rank_share
        tokens = decode + prefill
        instance_tokens = tokens * self.attention_groups
        dense = (self.dense_bytes / share / self.bandwidth_bytes_s,
                 (2 * self.dense_parameters * tokens + 2 * self.lm_head_parameters * decode) / share
                 / self.gemm_flops_s)
        experts = (Fraction(0), Fraction(0))
        if self.expert_bytes:
            touched = touched_share(self.experts, self.experts_per_token, instance_tokens)
            # The tokens each touched expert gets, in whole M blocks; the kernel sizes its block to the
            # expected tokens per expert, max(1, tokens x k // E) (matmul_ogs' tokens_per_expt).
            per_expert = instance_tokens * self.experts_per_token / (self.experts * touched) if touched else 0
            # To the nanotoken: 1 - (1 - k/E)^tokens is a hair below 1 at large token counts, which would
            # put 256.000...01 tokens in three blocks of 128 instead of two.
            per_expert = round(per_expert, EXPERT_TOKEN_DECIMALS)
            block = expert_block(max(1, int(instance_tokens * self.experts_per_token // self.experts)))
            padded = cdiv(per_expert, block) * block
            expert_flops = 2 * self.expert_parameters * touched * padded
            experts = (self.expert_bytes * touched / self.gpus / self.grouped_bandwidth_bytes_s,
                       expert_flops / self.gpus / self.grouped_flops_s)
        attention = (Fraction(kv_bytes) / share / self.bandwidth_bytes_s,
                     Fraction(attention_flops) / share / self.attention_flops_s)
        prefill_attention = Fraction(prefill_flops) / share / self.prefill_attention_flops_s
        host = decode * self.host_s_per_sequence
        if self.attention_groups > 1:
            # Each rank's own work (its tokens' GEMMs, their attention, its host loop) goes at the pace of
            # the most loaded rank, which has 1 / balance ratio of the mean tokens.
            slowest = 1 / DP_ATTENTION_BALANCE
            dense = (dense[0] * slowest, dense[1] * slowest)
            attention = (attention[0] * slowest, attention[1] * slowest)
            prefill_attention, host = prefill_attention * slowest, host * slowest
        return step_cost(decode, prefill, dense, experts, attention, prefill_attention,
                         self.communication_s(tokens), self.layers * LAUNCH_S_PER_LAYER, host)

    def communication_s(self, tokens):
        """Collectives of one step on one GPU. Data-parallel attention: each MoE layer dispatches the
        group's tokens to the experts (k copies, at the GEMM precision) and combines them back (BF16),
        (n - 1)/n of them crossing to other GPUs. Tensor parallel: two all-reduces per layer of the
        tokens' activations, a ring sending 2 (n - 1)/n of them. Pipeline stages add one send each."""
        gpus = self.gpus
        if self.link_bytes_s is None:
            return Fraction(0)
        seconds = Fraction(0)
        activations = tokens * self.hidden_size * ACTIVATION_BYTES
        if gpus > 1 and self.attention_groups > 1:
            if self.moe_layers:
                sent = tokens * self.experts_per_token * self.hidden_size * (self.dispatch_bytes + ACTIVATION_BYTES)
                seconds += self.moe_layers * (sent * (gpus - 1) / gpus / self.link_bytes_s
                                              + 2 * collective_latency_s(gpus, 1))
        elif gpus > 1:
            seconds += 2 * self.layers * (2 * activations * (gpus - 1) / gpus / self.link_bytes_s
                                          + collective_latency_s(gpus, 2))
        if self.stages > 1:
            seconds += (self.stages - 1) * (activations / self.link_bytes_s + collective_latency_s(2, 1))
        return seconds

    def decode_cost(self, batch, kv_bytes):
        """A decode-only step of `batch` sessions per instance, each reading `kv_bytes` (its KV on the
        instance): with pipeline stages, one micro-batch of batch / stages."""
        per_group = Fraction(batch, self.attention_groups * self.stages)
        return self.step(per_group, per_group * kv_bytes, per_group * self.attention_flops_per_session)

    def tpot_seconds(self, batch, kv_bytes):
        return self.decode_cost(batch, kv_bytes).seconds

    def max_batch_within_tpot(self, kv_bytes, slo_seconds, upper):
        """Largest batch (0..upper) whose decode step meets the target; the step grows with the batch."""
        return _largest(lambda batch: self.tpot_seconds(batch, kv_bytes) <= slo_seconds, upper)

    def steady_state(self, batch, input_tokens, output_tokens, budget, cached_tokens=0):
        """The instance at `batch` sessions with prompts of `input_tokens` and answers of
        `output_tokens`, within `budget` tokens per step and attention group (chunked prefill: a
        prompt takes the tokens the decodes leave). A batch whose tokens exceed the budget is cut to
        what it carries. `cached_tokens` of each prompt come from the prefix cache: not computed, but
        attended to and held."""
        units = self.attention_groups * self.stages
        per_group = Fraction(batch, units)
        decoding = output_tokens - 1
        computed = input_tokens - cached_tokens
        chunk_steps = int(cdiv(computed, budget))
        for _ in range(8):      # the chunks get what the decodes leave: a fixed point, reached in a few
            lifetime = chunk_steps + decoding
            per_group = min(per_group, Fraction(budget * lifetime, decoding + computed))
            decode = per_group * decoding / lifetime
            steps = int(cdiv(computed, budget - decode))
            if steps == chunk_steps:
                break
            chunk_steps = steps
        lifetime = chunk_steps + decoding
        prefill = per_group * computed / lifetime
        context = int(cdiv(input_tokens + Fraction(output_tokens, 2), 1))
        pairs = self.prefill_attention_flops(input_tokens) - self.prefill_attention_flops(cached_tokens)
        cost = self.step(decode, decode * self.kv_read_bytes(context), decode * self.decode_attention_flops(context),
                         prefill, prefill * Fraction(pairs, computed))
        return SteadyState(per_group * units, decode, prefill, cost, cost.seconds, chunk_steps, lifetime, budget,
                           output_tokens)

    def max_batch_within(self, input_tokens, output_tokens, budget, upper, tpot_s=None, ttft_s=None,
                         cached_tokens=0):
        """Largest batch (0..upper) whose steady state meets the TPOT and TTFT targets given."""
        def meets(batch):
            state = self.steady_state(batch, input_tokens, output_tokens, budget, cached_tokens)
            return (tpot_s is None or state.step_s <= tpot_s) and (ttft_s is None or state.ttft_s <= ttft_s)
        return _largest(meets, upper)


def _largest(holds, upper):
    """The largest n in 0..upper with holds(n), for a condition that stops holding as n grows."""
    low, high = 0, upper
    while low < high:
        middle = (low + high + 1) // 2
        if holds(middle):
            low = middle
        else:
            high = middle - 1
    return low


def kv_layers(model, kv_precision, kv_tensor_parallel):
    """(layer group, bytes per token per layer on the instance) for the attention groups, and the
    recurrent state bytes per session, as the decode attention reads them."""
    per_element = KV_PRECISIONS[kv_precision]
    groups, state = [], 0
    for group in model.layer_groups:
        if isinstance(group, StateLayers):
            state += group.count * group.state_bytes_gpu(kv_tensor_parallel) * kv_tensor_parallel
            continue
        elements = group.elements(model, kv_tensor_parallel)
        groups.append((group, elements.kv_factor * elements.elements_per_token * per_element))
    return tuple(groups), int(cdiv(state, 1))


def attention_flops_per_key(model):
    """FLOPs of one decode token against one cached key in one layer: QK^T and AV over the heads, 4 x
    heads x head_dim; with MLA the heads work on the cached latent itself (weights absorbed, as
    vLLM's and TensorRT-LLM's MLA decode kernels do): 4 x heads x latent."""
    latent = [g.latent_dim for g in model.layer_groups if isinstance(g, MLALatentLayers)]
    return 4 * model.num_attention_heads * (latent[0] if latent else model.head_dim)


ENGINE_SERVER_FIELDS = ("hbm_bandwidth_tb_s", "bf16_dense_tflops", "fp8_dense_tflops")


def moe_layers(model):
    """Layers with routed experts: every layer, less the dense-MLP ones a config counts (DeepSeek's
    first_k_dense_replace: its dense MLP parameters over 3 x hidden x intermediate)."""
    parameters = model.parameters
    if parameters is None or not parameters.dense_mlp or None in (model.hidden_size, model.intermediate_size):
        return model.num_hidden_layers
    dense = parameters.dense_mlp // (3 * model.hidden_size * model.intermediate_size)
    return max(model.num_hidden_layers - dense, 0)


def missing_engine_facts(model, server):
    """The server and model facts the engine model needs and lacks (empty: it can be built)."""
    return tuple([f for f in ENGINE_SERVER_FIELDS if getattr(server, f) is None]
                 + [f for f, v in (("total_parameters", model.parameters_total),
                                   ("active_parameters", model.parameters_active)) if v is None]
                 + (["weights_bytes"] if model.weights is None else []))


def engine_for(model, server, layout, options, context_tokens=0):
    """The EngineModel of one instance, or None and the facts it misses."""
    missing = missing_engine_facts(model, server)
    if missing:
        return None, missing
    weights = model.weights
    active = model.parameters_active
    experts, per_token = model.num_local_experts, model.num_experts_per_tok
    expert_parameters = routed_expert_parameters(model)
    expert_bytes = expert_weight_bytes(model, weights)
    parameters = model.parameters
    if parameters is not None:
        # The input embedding is a lookup, not read whole; a tied LM head reads it as its matrix.
        lm_head = parameters.lm_head or parameters.embedding
        lm_head_bytes = weights.lm_head_bytes if parameters.lm_head else weights.embedding_bytes
        dense_bytes = weights.weights_bytes - weights.embedding_bytes - weights.lm_head_bytes - expert_bytes \
            + lm_head_bytes
        dense_parameters = Fraction(parameters.total - parameters.embedding - parameters.lm_head) - expert_parameters
    else:
        lm_head = 0
        dense_bytes = weights.weights_bytes - expert_bytes
        dense_parameters = Fraction(active) - (expert_parameters * per_token / experts if expert_bytes else 0)
    if not expert_bytes:
        experts = per_token = None
    field = gemm_rate_field(server, weights.precision)
    # The checkpoint's FP8 block scales (DeepSeek-V3's weight_block_size), unless --weight-precision replaces them.
    scheme = model.checkpoint_scheme
    block_scaled = options.weight_precision is None and scheme is not None and scheme.scale_bytes > 0
    peak = getattr(server, field) * 10 ** 12
    bf16 = server.bf16_dense_tflops * 10 ** 12
    hbm = server.hbm_bandwidth_tb_s * 10 ** 12
    kv_tp = 1 if layout.data_parallel_attention else layout.tensor_parallel
    groups, state = kv_layers(model, options.kv_precision, kv_tp)
    per_key = attention_flops_per_key(model)
    engine = EngineModel(
        weights_bytes=weights.weights_bytes, dense_bytes=Fraction(dense_bytes), expert_bytes=expert_bytes,
        experts=experts, experts_per_token=per_token, moe_layers=moe_layers(model) if expert_bytes else 0,
        dense_parameters=dense_parameters, expert_parameters=expert_parameters, lm_head_parameters=lm_head,
        active_parameters=active, layers=model.num_hidden_layers,
        hidden_size=model.hidden_size or model.num_attention_heads * model.head_dim,
        gpus=layout.tensor_parallel, attention_groups=layout.attention_groups, stages=layout.pipeline_parallel,
        bandwidth_bytes_s=hbm * options.hbm_efficiency, flops_field=field,
        flops_s=layout.tensor_parallel * peak * options.mfu, gemm_flops_s=peak * options.decode_mfu,
        grouped_bandwidth_bytes_s=hbm * GROUPED_BANDWIDTH_SHARE, grouped_flops_s=peak * grouped_flops_share(server, weights.precision, block_scaled),
        attention_flops_s=bf16 * options.decode_mfu, prefill_attention_flops_s=bf16 * PREFILL_ATTENTION_SHARE,
        link_bytes_s=link_bytes_s(server),
        dispatch_bytes=Fraction(1) if field != "bf16_dense_tflops" else Fraction(ACTIVATION_BYTES),
        kv_layers=groups, state_bytes=state, attention_flops_per_key=per_key,
        prefill_pair_flops=4 * model.num_attention_heads * model.head_dim,
        host_s_per_sequence=ENGINES[options.kv_accounting].host_s_per_sequence)
    return replace(engine, attention_flops_per_session=engine.decode_attention_flops(context_tokens)), ()
