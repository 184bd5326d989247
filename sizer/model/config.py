"""config.json -> Model: one function per rule (head_dim, layer kinds, MLA, state layers,
precision), tried in a documented order; each records the rule that applied.
"""

from __future__ import annotations      # record annotations stay text (3.8 reads `X | None`)

from fractions import Fraction

from sizer.frozen import record
from sizer.inputs import (_is_number, _json_repr, _where, optional_positive_int, require_positive_int,
    require_text)
from sizer.layers import (ChunkedLocalLayers, FullAttentionLayers, KimiDeltaAttentionLayers, LAYER_KINDS,
    LinearAttentionLayers, MLALatentLayers, MambaLayers, NO_STATE, PARALLEL_HYBRID, PARALLEL_HYBRID_TYPES,
    SlidingWindowLayers, SparseMLALayers, StateLayers, kind_parts)
from sizer.model.families import (check_unsized_features, derive_view, family_kinds, group_geometry,
    sparse_mla_kinds)
from sizer.model.params import _expert_count, count_parameters
from sizer.numbers import InputError
from sizer.records import Model
from sizer.vocab import Join, MAMBA_DTYPES, T, TORCH_DTYPES, WEIGHT_PRECISIONS


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
    check_unsized_features(config, path, name)
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
    derive_view(config, view, path, name, derivation)
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
    if latent is not None:
        kinds = _mla_kinds(kinds, config, layers, path, name, derivation)
    groups = _groups_from_kinds(name, kinds, config, view, path, field, latent)
    meta = _model_meta(raw, config, path, name)
    meta["parameters"] = count_parameters(config, name, path, layers, heads, kv_heads, head_dim, kinds, raw)
    return Model(name=name, model_type=model_type, num_hidden_layers=layers, num_attention_heads=heads,
                 num_key_value_heads=kv_heads, head_dim=head_dim, max_position_embeddings=max_context,
                 layer_groups=tuple(groups), derivation=tuple(derivation), layer_kinds=tuple(kinds),
                 **meta)


def _mla_kinds(kinds, config, layers, path, name, derivation):
    """MLA (kv_lora_rank) replaces full attention, with or without DeepSeek sparse attention's
    indexer in each layer; it does not mix with sliding or chunked layers."""
    if any(kind in ("sliding_attention", "chunked_attention") for kind in kinds):
        raise InputError("err.mla_with_window", where=_where(path, name, "kv_lora_rank"))
    sparse = sparse_mla_kinds(config, layers, path, name, derivation)
    return [(sparse[i] if sparse else MLALatentLayers.kind) if kind == "full_attention" else kind
            for i, kind in enumerate(kinds)]


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
    family = family_kinds(config, layers, path, name, derivation)
    if family is not None:
        return family
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
        if "deepseek_sparse_attention" in kinds and config.get("kv_lora_rank") is not None:
            # GLM-5.x (NVFP4 exports) name DeepSeek sparse attention's MLA layers so.
            derivation.append(T("rule.dsa_is_mla"))
            kinds = ["full_attention" if kind == "deepseek_sparse_attention" else kind for kind in kinds]
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


def _groups_from_kinds(name, kinds, config, view, path, field, latent=None):
    """One group per layer kind, attention kinds first, each built by its entry in KIND_BUILDERS."""
    counts = {}
    for kind in (part for kind in kinds for part in kind_parts(kind)):
        if kind != NO_STATE:
            counts[kind] = counts.get(kind, 0) + 1
    unsizable = [kind for kind in counts if kind not in LAYER_KINDS]
    if unsizable:
        described = Join(tuple(T("err.unsizable_layers", count=counts[kind], kind=kind,
                                 what=T("layer_kind.unknown")) for kind in unsizable))
        raise InputError("err.unsizable", where=_where(path, name, field), layers=described)
    groups = [KIND_BUILDERS[kind](counts[kind], config, view, path, name, latent)
              for kind in LAYER_KINDS if counts.get(kind)]
    if not any(kind in ATTENTION_KINDS for kind in counts):
        raise InputError("err.no_attention", where=_where(path, name, field))
    return groups


def _full_layers(count, config, view, path, name, latent):
    return FullAttentionLayers(count, **group_geometry(config, "full_attention", path, name))


def _sliding_layers(count, config, view, path, name, latent):
    return SlidingWindowLayers(count, window=require_positive_int(view, "sliding_window", path, name),
                               **group_geometry(config, "sliding_attention", path, name))


def _chunked_layers(count, config, view, path, name, latent):
    return ChunkedLocalLayers(count, chunk=require_positive_int(config, "attention_chunk_size", path, name))


def _mla_layers(count, config, view, path, name, latent):
    return MLALatentLayers(count, latent_dim=latent)


def _sparse_mla_layers(count, config, view, path, name, latent):
    """The indexer's keys: index_head_dim fp8 values and one fp32 scale per 128 (vLLM
    DeepseekV32Indexer: head_dim + head_dim // quant_block_size * 4 bytes)."""
    index_dim = require_positive_int(config, "index_head_dim", path, name)
    return SparseMLALayers(count, latent_dim=latent, indexer_bytes=index_dim + index_dim // 128 * 4)


def _kda_layers(count, config, view, path, name, latent):
    """Kimi Delta Attention (vLLM kda_state_shape): conv over q, k and v, recurrent heads x head_dim^2."""
    linear = config["linear_attn_config"]
    where = "linear_attn_config"
    heads = require_positive_int(linear, "num_heads", path, "%s.%s" % (name, where))
    head_dim = require_positive_int(linear, "head_dim", path, "%s.%s" % (name, where))
    kernel = require_positive_int(linear, "short_conv_kernel_size", path, "%s.%s" % (name, where))
    conv_bytes, _ = _state_dtype_bytes(config, path, name)
    return KimiDeltaAttentionLayers(count, conv_base=3 * heads * head_dim, conv_width=kernel - 1, ssm_heads=heads,
                                    ssm_per_head=head_dim * head_dim, conv_bytes=conv_bytes, ssm_bytes=4,
                                    mixer="kimi_delta_attention")


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


def _mamba_layers(count, config, view, path, name, latent=None):
    """Mamba2 (vLLM mamba2_state_shape): conv over intermediate + 2 x n_groups x state channels,
    SSM of heads x head_dim x state; its mixer (MambaMixer2) exports prefill checkpoints. Mamba1
    (Jamba; vLLM mamba1_state_shape): conv over mamba_expand x hidden channels, SSM of those
    channels x mamba_d_state; MambaMixer exports none."""
    if config.get("mamba_expand") is not None and config.get("mamba_d_state") is not None \
            and _first_field(config, ("mamba_num_heads", "mamba_n_heads"), path, name, required=False) is None:
        inner = require_positive_int(config, "mamba_expand", path, name) * require_positive_int(
            config, "hidden_size", path, name)
        kernel = require_positive_int(config, "mamba_d_conv", path, name)
        conv_bytes, ssm_bytes = _state_dtype_bytes(config, path, name)
        return MambaLayers(count, conv_base=inner, conv_width=kernel - 1, ssm_heads=inner,
                           ssm_per_head=require_positive_int(config, "mamba_d_state", path, name),
                           conv_bytes=conv_bytes, ssm_bytes=ssm_bytes, mixer="mamba1")
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
                       conv_bytes=conv_bytes, ssm_bytes=ssm_bytes, mixer="mamba2")


def _linear_attention_layers(count, config, view, path, name, latent=None):
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
                                 conv_bytes=conv_bytes, ssm_bytes=ssm_bytes, mixer="gated_delta_net")


# The builder of each layer kind's group (keyed as sizer.layers.LAYER_KINDS), and the kinds that
# are attention (a model needs at least one).
KIND_BUILDERS = {"full_attention": _full_layers, "sliding_attention": _sliding_layers,
                 "chunked_attention": _chunked_layers, "mla_attention": _mla_layers,
                 "sparse_mla_attention": _sparse_mla_layers, "mamba": _mamba_layers,
                 "linear_attention": _linear_attention_layers, "kimi_delta_attention": _kda_layers}
# A model needs at least one attention kind (a layer kind that is not a state layer).
ATTENTION_KINDS = tuple(kind for kind, layers in LAYER_KINDS.items() if not issubclass(layers, StateLayers))


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
        # Kimi-Linear names it num_experts_per_token, Gemma-4 top_k_experts.
        meta["num_experts_per_tok"] = (optional_positive_int(config, "num_experts_per_tok", path, name)
                                       or optional_positive_int(config, "experts_per_token", path, name)
                                       or optional_positive_int(config, "num_experts_per_token", path, name)
                                       or optional_positive_int(config, "top_k_experts", path, name))
    for key in ("hidden_size", "intermediate_size", "vocab_size"):
        meta[key] = optional_positive_int(config, key, path, name)
    for small, large in (("active_parameters", "total_parameters"),
                         ("num_experts_per_tok", "num_local_experts")):
        if meta[small] is not None and meta[large] is not None and meta[small] > meta[large]:
            raise InputError("err.not_above", where=_where(path, name, small), other=large)
    return meta


def _aliases(raw, path, name):
    aliases = raw.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
        raise InputError("err.aliases", where=_where(path, name, "aliases"))
    return aliases


@record
class PrecisionScheme:
    """How a checkpoint stores its weights: the linear layers (projections, MLPs, experts)
    in `linear`, plus `scale_bytes` per linear parameter for block scales; the embeddings,
    LM head, norms and router at `base`. With `attention_kept` the attention projections
    stay at `base` too (gpt-oss quantizes only its experts to mxfp4)."""
    linear: str
    base: str = "bf16"
    scale_bytes: Fraction = Fraction(0)
    attention_kept: bool = False


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
