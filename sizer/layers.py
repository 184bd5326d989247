"""Layer kinds: one frozen class per attention or state kind, as vLLM's kv_cache_interface.py has
one spec per kind. Each answers its tokens held, vLLM blocks, attended pairs and formula text.
"""

from __future__ import annotations      # record annotations stay text (3.8 reads `X | None`)


from fractions import Fraction

from sizer.frozen import record
from sizer.numbers import cdiv
from sizer.vocab import KV_PRECISIONS, T


# ---------------------------------------------------------------------------
# 4. Layer kinds: one frozen class per attention kind, as vLLM's
#    vllm/v1/kv_cache_interface.py has one spec per kind. Each answers
#    "tokens held" (the guide's formula), "vLLM blocks reserved" and "attended
#    pairs", and writes its own term of the formula (identifiers and numbers).
# ---------------------------------------------------------------------------

@record
class AttentionElements:
    """What one token of one layer stores: factor x elements, per instance."""
    kv_factor: int              # 2 for K and V; 1 for an MLA latent
    elements_per_token: int     # per instance, replicas included
    elements_term: str          # e.g. "8 × 64"
    kv_heads_per_gpu: int | None    # None for MLA


@record
class FullAttentionLayers:
    """Layers that keep K/V for every token of the context.

    A group may have its own geometry (0: the model's): `kv_heads` KV heads of `key_dim` keys and
    `value_dim` values, as Gemma-4's full layers (num_global_key_value_heads x global_head_dim) and
    MiMo-V2's (192-wide keys, 128-wide values) differ from the model's other layers."""
    count: int
    kv_heads: int = 0
    key_dim: int = 0
    value_dim: int = 0
    page_scale: int = 1         # vLLM: tokens per block in multiples of --block-size (set when vLLM grows
                                # the blocks of layers whose page is smaller: unify_kv_cache_spec_page_size)
    kind = "full_attention"
    short = "full"
    element_wise = True         # token_bytes = factor x elements x bytes per element of the KV dtype

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
        per_gpu = cdiv(self.kv_heads or model.num_key_value_heads, tensor_parallel)
        heads = per_gpu * tensor_parallel
        key = self.key_dim or model.head_dim
        value = self.value_dim or key
        if value != key:
            return AttentionElements(1, heads * (key + value), "%d × (%d + %d)" % (heads, key, value), per_gpu)
        return AttentionElements(2, heads * key, "%d × %d" % (heads, key), per_gpu)

    def token_bytes(self, model, tensor_parallel, precision):
        """Bytes one token of one layer keeps over the instance's GPUs (replicas included)."""
        elements = self.elements(model, tensor_parallel)
        return elements.kv_factor * elements.elements_per_token * KV_PRECISIONS[precision]

    def token_term(self, model, tensor_parallel, precision):
        """How token_bytes is made, for a formula."""
        elements = self.elements(model, tensor_parallel)
        factor = "2 × " if elements.kv_factor == 2 else ""
        return "%s%s × %s" % (factor, elements.elements_term, _number(KV_PRECISIONS[precision]))

    @property
    def own_geometry(self):
        """Whether the group's heads or widths differ from the model's."""
        return bool(self.kv_heads or self.key_dim or self.value_dim)

    def describe(self):
        return T("layer.full", count=self.count)

    def details(self):
        return {"kind": self.kind, "count": self.count, "window": None, "chunk": None}


@record
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


@record
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


@record
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


# Bytes per token of vLLM's packed sparse-MLA caches (vLLM 0.33.0, model_executor/layers/attention/
# mla_attention.py, MLAAttention.get_kv_cache_spec state_content_bytes): fp8_ds_mla is 512 fp8 NoPE
# values + 4 fp32 scales + 64 bf16 RoPE values = 656; nvfp4_ds_mla 352. FlashMLA-sparse serves any
# quantized KV dtype as fp8_ds_mla (_canonicalize_sparse_mla_kv_cache_dtype).
SPARSE_MLA_TOKEN_BYTES = {"fp8": 656, "int8": 656, "nvfp4": 352}


@record
class SparseMLALayers(MLALatentLayers):
    """MLA layers with DeepSeek sparse attention's indexer (DeepSeek-V3.2, GLM-5): besides the MLA
    latent, each keeps the indexer's keys in a cache of its own (vLLM 0.33.0 model_executor/models/
    deepseek_v2.py DeepseekV32IndexerCache.get_kv_cache_spec: MLAAttentionSpec, one head of
    index_head_dim fp8 values + one fp32 scale per 128, uint8, whatever the KV dtype: 132 bytes for
    index_head_dim 128), replicated on every TP GPU like the latent. Quantized, the latent is stored
    as fp8_ds_mla (656 bytes) or nvfp4_ds_mla (352)."""
    indexer_bytes: int = 0
    kind = "sparse_mla_attention"
    short = "dsa"
    element_wise = False

    def latent_bytes(self, precision):
        return SPARSE_MLA_TOKEN_BYTES.get(precision, self.latent_dim * KV_PRECISIONS[precision])

    def token_bytes(self, model, tensor_parallel, precision):
        return (self.latent_bytes(precision) + self.indexer_bytes) * tensor_parallel

    def token_term(self, model, tensor_parallel, precision):
        return "(%s + %d) × %d" % (_number(self.latent_bytes(precision)), self.indexer_bytes, tensor_parallel)

    def describe(self):
        return T("layer.sparse_mla", count=self.count, indexer=self.indexer_bytes)


def _number(value):
    """An exact number for a formula: 2, 0.5625."""
    value = Fraction(value)
    if value.denominator == 1:
        return "%d" % value
    text = "%.12f" % value
    return text.rstrip("0").rstrip(".")


@record
class StateLayers(FullAttentionLayers):
    """Layers with a recurrent state of constant size per session instead of K/V per token
    (Mamba2, Gated DeltaNet). vLLM 0.33.0 MambaSpec: a page holds one conv state plus one SSM
    state (mamba_utils.py, MambaStateShapeCalculator), split across TP, padded to the attention
    page; a request holds 1 + num_speculative_tokens pages without prefix caching ('none' mode)
    and 2 + num_speculative_tokens with it ('align' mode), one more where the mixer exports
    prefill checkpoints (vocab.STATE_MIXERS)."""
    conv_base: int = 0          # conv channels before the group term (intermediate or GDN conv_dim)
    group_channels: int = 0     # conv channels per group (2 x ssm_state_size, Mamba2 only)
    groups: int = 0             # Mamba2 n_groups, extended so that every TP shard has whole groups
    conv_width: int = 0         # conv_kernel - 1
    ssm_heads: int = 0          # SSM heads, split across TP
    ssm_per_head: int = 0       # SSM elements per head (head_dim x state, or v_dim x k_dim)
    conv_bytes: int = 2      # bytes per element of the conv state (--mamba-cache-dtype)
    ssm_bytes: int | None = None    # bytes per element of the SSM state (--mamba-ssm-cache-dtype; None:
                                # as the conv state, resolved by with_state_options)
    state_blocks: int = 1       # pages a request holds in vLLM
    mixer: str | None = None        # a vocab.STATE_MIXERS code: 'mamba1', 'mamba2', 'gated_delta_net'
    conv_spec_columns: int = 0  # conv-state columns for speculative tokens (set by with_state_options)
    checkpoint_grid: int | None = None  # the grid of its prefill checkpoints when it keeps a checkpoint
                                    # page in the release and mode sized (set by with_state_options)
    ssm_dtypes = None           # the --mamba-ssm-cache-dtype values vLLM accepts (None: any)

    def spec_tokens(self, context_tokens):
        return 0

    def conv_channels(self, tensor_parallel):
        """vLLM extra_groups_for_head_shards: groups not divisible by TP grow by TP - groups."""
        groups = self.groups
        if groups and groups % tensor_parallel:
            groups += tensor_parallel - groups
        return self.conv_base + self.group_channels * groups

    def state_bytes_gpu(self, tensor_parallel):
        """One session's state of one layer on one GPU: conv + SSM."""
        return (self.conv_channels(tensor_parallel) // tensor_parallel * (self.conv_width + self.conv_spec_columns)
                * self.conv_bytes
                + self.ssm_heads // tensor_parallel * self.ssm_per_head * self.ssm_bytes)

    def vllm_blocks(self, context_tokens, block_size, in_flight_tokens):
        return self.state_blocks

    def vllm_term(self, context_tokens, block_size, in_flight_tokens):
        return "%d" % self.state_blocks

    def attended_pairs(self, tokens):
        return 0

    def describe(self):
        return T("layer.state", count=self.count, kind=T(self.kind_text))


@record
class MambaLayers(StateLayers):
    kind = "mamba"
    kind_text = "layer_kind.mamba"
    short = "mamba"


@record
class LinearAttentionLayers(StateLayers):
    kind = "linear_attention"
    kind_text = "layer_kind.linear_attention"
    short = "linear"


@record
class KimiDeltaAttentionLayers(StateLayers):
    """Kimi Delta Attention (Kimi-Linear, Kimi-K3): vLLM 0.33.0 sizes it as a MambaSpec
    (model_executor/layers/mamba/mamba_utils.py kda_state_shape): a conv state over q, k and v
    (3 x heads x head_dim channels, short_conv_kernel_size - 1 wide) in the model dtype, and a
    recurrent state of heads x head_dim x head_dim in float32 unless --mamba-ssm-cache-dtype says
    bfloat16 (kda_state_dtype)."""
    kind = "kimi_delta_attention"
    kind_text = "layer_kind.kimi_delta_attention"
    short = "kda"
    ssm_dtypes = ("float32", "bfloat16")   # vLLM raises on any other --mamba-ssm-cache-dtype


# Layer kinds read from configs (layer_types and the patterns that expand to it).
LAYER_KINDS = {"full_attention": FullAttentionLayers, "sliding_attention": SlidingWindowLayers,
               "chunked_attention": ChunkedLocalLayers, "mla_attention": MLALatentLayers,
               "sparse_mla_attention": SparseMLALayers, "mamba": MambaLayers,
               "linear_attention": LinearAttentionLayers, "kimi_delta_attention": KimiDeltaAttentionLayers}


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
