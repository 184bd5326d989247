"""Config rules of the model families whose layers are not all alike: the fields that give each
layer's kind (Nemotron-H's layers_block_type, Kimi-Linear's linear_attn_config, MiMo-V2's
hybrid_layer_pattern, Llama-Nemotron's block_configs), a group's own attention geometry (Gemma-4,
MiMo-V2), DeepSeek sparse attention's indexer layers, and the features this tool does not size,
which it refuses by name rather than size as plain attention.
"""

from sizer.inputs import _is_number, _where, optional_count, optional_positive_int, require_positive_int
from sizer.layers import NO_STATE
from sizer.numbers import InputError
from sizer.vocab import T


# ---------------------------------------------------------------------------
# Features refused by name: (config field, test on its value, what it is)
# ---------------------------------------------------------------------------

def _present(value):
    return value is not None


def _sparse_attention_on(value):
    return isinstance(value, dict) and value.get("use_sparse_attention") is not False or (
        value is not None and not isinstance(value, dict))


def _any_not_one(value):
    return isinstance(value, list) and any(entry != 1 for entry in value) or (
        value is not None and not isinstance(value, list))


def _nonzero(value):
    return value is not None and value != 0


def _nas_block_unsized(value):
    """A DeciLM block vLLM's nemotron_nas.py does not build as attention or no_op: replaced by a
    linear layer, windowed, with sink tokens or sparsified (it reads none of these)."""
    if not isinstance(value, list):
        return value is not None
    for block in value:
        attention = block.get("attention") if isinstance(block, dict) else None
        ffn = block.get("ffn") if isinstance(block, dict) else None
        if not isinstance(attention, dict) or not isinstance(ffn, dict):
            return True
        if attention.get("replace_with_linear") is True or ffn.get("replace_with_linear") is True:
            return True
        if any(attention.get(key) is not None for key in ("window_length", "num_sink_tokens", "sparsify")):
            return True
        if ffn.get("sparsify") is not None:
            return True
        multiplier = ffn.get("ffn_mult")
        if ffn.get("no_op") is not True and (not _is_number(multiplier) or not 0 < multiplier <= 10 ** 6):
            return True
    return False


UNSIZED_FEATURES = (
    # DeepSeek-V4 (vLLM 0.33.0 models/deepseek_v4): per layer a 128-token sliding window, a compressed
    # MLA cache of 4 or 128 tokens per entry with its own indexer, and a compressor's ring state.
    ("compress_ratios", _present, "feature.compressed_attention"),
    # MiniMax-M3 (models/minimax_m3): sparse layers keep an index cache beside their K/V.
    ("sparse_attention_config", _sparse_attention_on, "feature.minimax_sparse_attention"),
    # MiniMax-Text-01 style: attn_type_list 0 is a lightning (linear) attention layer.
    ("attn_type_list", _any_not_one, "feature.lightning_attention"),
    # Gemma-3n/Gemma-4 small models: the last layers read an earlier layer's KV (kv_sharing).
    ("num_kv_shared_layers", _nonzero, "feature.kv_shared_layers"),
    ("block_configs", _nas_block_unsized, "feature.nas_block"),
)


def check_unsized_features(config, path, name):
    """Refuse, naming the field, a config with a feature whose cache this tool does not size, and a
    quantization sidecar given for a model config (ModelOpt's hf_quant_config.json: "quantization"
    and "producer", no model_type)."""
    if isinstance(config.get("quantization"), dict) and config.get("model_type") is None \
            and config.get("num_hidden_layers") is None:
        raise InputError("err.quant_sidecar", where=_where(path, name, "quantization"))
    for field, test, feature in UNSIZED_FEATURES:
        if test(config.get(field)):
            raise InputError("err.unsized_feature", where=_where(path, name, field), feature=T(feature))


# ---------------------------------------------------------------------------
# Fields derived from others before the generic rules read them
# ---------------------------------------------------------------------------

def derive_view(config, view, path, name, derivation):
    """num_hidden_layers from Nemotron-H's layers_block_type (transformers NemotronHConfig derives it
    from the list and ignores a given value); the context from model_max_length when
    max_position_embeddings is absent (Kimi-Linear: vLLM accepts a max_model_len up to it,
    config/model.py); KV heads from Llama-Nemotron's block_configs."""
    blocks = config.get("layers_block_type")
    if config.get("model_type") == "nemotron_h" and blocks is not None:
        if not isinstance(blocks, list) or not blocks or not all(isinstance(b, str) for b in blocks):
            raise InputError("err.layer_list", where=_where(path, name, "layers_block_type"), layers="N",
                             values=", ".join(sorted(NEMOTRON_KINDS)))
        if view["num_hidden_layers"] != len(blocks):
            derivation.append(T("rule.layers_block_type_count", layers=len(blocks)))
        view["num_hidden_layers"] = len(blocks)
    if view["max_position_embeddings"] is None and config.get("model_max_length") is not None:
        view["max_position_embeddings"] = config["model_max_length"]
        derivation.append(T("rule.model_max_length", tokens=config["model_max_length"]))
    if config.get("block_configs") is not None:
        _nas_view(config, view, path, name, derivation)


def _nas_view(config, view, path, name, derivation):
    """Llama-Nemotron: one block per layer; the attention blocks' KV heads are num_attention_heads /
    n_heads_in_group, one value for every attention layer (or the model is refused by name)."""
    blocks, layers = config["block_configs"], view["num_hidden_layers"]
    heads = require_positive_int(view, "num_attention_heads", path, name)
    if not isinstance(layers, int) or len(blocks) != layers:
        raise InputError("err.layer_list", where=_where(path, name, "block_configs"), layers=layers,
                         values="{attention, ffn}")
    groups = [require_positive_int(block["attention"], "n_heads_in_group", path, "%s.block_configs" % name)
              for block in blocks if block["attention"].get("no_op") is not True]
    if len(set(groups)) != 1:
        raise InputError("err.unsized_feature", where=_where(path, name, "block_configs"),
                         feature=T("feature.nas_heads"))
    group = groups[0]
    if heads % group:
        raise InputError("err.unsized_feature", where=_where(path, name, "block_configs"),
                         feature=T("feature.nas_heads"))
    view["num_key_value_heads"] = heads // group
    derivation.append(T("rule.block_configs_heads", heads=heads, group=group, kv_heads=heads // group))


# ---------------------------------------------------------------------------
# Layer kinds from a family's own fields
# ---------------------------------------------------------------------------

NEMOTRON_KINDS = {"mamba": "mamba", "attention": "full_attention", "moe": NO_STATE, "mlp": NO_STATE}


def family_kinds(config, layers, path, name, derivation):
    """(kinds, field) from the first family field the config holds, or None."""
    for field, reader in FAMILY_KIND_FIELDS:
        if config.get(field) is not None:
            return reader(config, layers, path, name, derivation), field
    return None


def _nemotron_blocks(config, layers, path, name, derivation):
    """Nemotron-H layers_block_type: mamba, attention, and MLP or MoE blocks with no cache."""
    blocks = config["layers_block_type"]
    if not isinstance(blocks, list) or len(blocks) != layers:
        raise InputError("err.layer_list", where=_where(path, name, "layers_block_type"), layers=layers,
                         values=", ".join(sorted(NEMOTRON_KINDS)))
    if any(not isinstance(block, str) or block not in NEMOTRON_KINDS for block in blocks):
        raise InputError("err.pattern_unknown", where=_where(path, name, "layers_block_type"))
    derivation.append(T("rule.layers_block_type"))
    return [NEMOTRON_KINDS[block] for block in blocks]


def _kimi_linear_layers(config, layers, path, name, derivation):
    """Kimi-Linear / Kimi-K3 linear_attn_config: 1-based kda_layers are Kimi Delta Attention, 1-based
    full_attn_layers MLA (vLLM KimiLinearConfig.is_kda_layer); every layer in exactly one list."""
    linear = config["linear_attn_config"]
    where = _where(path, name, "linear_attn_config")
    kda, full = (linear.get("kda_layers"), linear.get("full_attn_layers")) if isinstance(linear, dict) else (None, None)
    if not isinstance(kda, list) or not isinstance(full, list):
        raise InputError("err.kimi_layers", where=where, layers=layers)
    numbered = [n for n in kda + full if isinstance(n, int) and not isinstance(n, bool)]
    if len(numbered) != layers or sorted(numbered) != list(range(1, layers + 1)):
        raise InputError("err.kimi_layers", where=where, layers=layers)
    derivation.append(T("rule.linear_attn_config", kda=len(kda), full=len(full)))
    kda = set(kda)
    return ["kimi_delta_attention" if i + 1 in kda else "full_attention" for i in range(layers)]


def _mimo_pattern(config, layers, path, name, derivation):
    """MiMo-V2 hybrid_layer_pattern: 0 is a full layer, 1 a sliding one (vLLM mimo_v2.py)."""
    pattern = config["hybrid_layer_pattern"]
    if (not isinstance(pattern, list) or len(pattern) != layers
            or any(entry not in (0, 1) or isinstance(entry, bool) for entry in pattern)):
        raise InputError("err.layer_list", where=_where(path, name, "hybrid_layer_pattern"), layers=layers,
                         values="0, 1")
    derivation.append(T("rule.hybrid_layer_pattern"))
    return ["sliding_attention" if entry else "full_attention" for entry in pattern]


def _nas_blocks(config, layers, path, name, derivation):
    """Llama-Nemotron block_configs: a layer whose attention is no_op keeps no cache."""
    derivation.append(T("rule.block_configs"))
    return [NO_STATE if block["attention"].get("no_op") is True else "full_attention"
            for block in config["block_configs"]]


FAMILY_KIND_FIELDS = (("linear_attn_config", _kimi_linear_layers), ("layers_block_type", _nemotron_blocks),
                      ("hybrid_layer_pattern", _mimo_pattern), ("block_configs", _nas_blocks))


# ---------------------------------------------------------------------------
# A group's own geometry, and DeepSeek sparse attention's indexer layers
# ---------------------------------------------------------------------------

# (model_type, layer kind) -> the group fields and the config fields they come from. Gemma-4's full
# layers: num_global_key_value_heads x global_head_dim (vLLM gemma4.py per_layer_config; with
# attention_k_eq_v vLLM still caches V, a copy of K). MiMo-V2: keys of head_dim, values of
# v_head_dim; the sliding layers' own heads and widths (vLLM mimo_v2.py, head_size_v).
GEOMETRY = {
    ("gemma4_text", "full_attention"): (("kv_heads", "num_global_key_value_heads"), ("key_dim", "global_head_dim")),
    ("mimo_v2_flash", "full_attention"): (("value_dim", "v_head_dim"),),
    ("mimo_v2_flash", "sliding_attention"): (("kv_heads", "swa_num_key_value_heads"), ("key_dim", "swa_head_dim"),
                                             ("value_dim", "swa_v_head_dim")),
}


def group_geometry(config, kind, path, name):
    """The group's own kv_heads, key_dim and value_dim (absent: the model's)."""
    geometry = {}
    for field, key in GEOMETRY.get((config.get("model_type"), kind), ()):
        value = optional_positive_int(config, key, path, name)
        if value is not None:
            geometry[field] = value
    return geometry


def sparse_mla_kinds(config, layers, path, name, derivation):
    """DeepSeek sparse attention (DeepSeek-V3.2, GLM-5: index_topk): the kind of each MLA layer,
    with or without its own indexer, or None without sparse attention. vLLM 0.33.0 models/
    deepseek_v32/attention.py builds an indexer in layer i unless index_topk_pattern[i] is "S", or,
    without a pattern, unless max(i - index_skip_topk_offset + 1, 0) % index_topk_freq != 0 (GLM-5.2:
    21 of 78 layers; the others reuse the last indexer's top-k, IndexCache)."""
    if config.get("index_topk") is None:
        return None
    require_positive_int(config, "index_head_dim", path, name)
    pattern = config.get("index_topk_pattern")
    if pattern is not None:
        if not isinstance(pattern, (str, list)) or len(pattern) != layers:
            raise InputError("err.layer_list", where=_where(path, name, "index_topk_pattern"), layers=layers,
                             values="F, S")
        indexed = [pattern[i] != "S" for i in range(layers)]
    else:
        frequency = optional_positive_int(config, "index_topk_freq", path, name) or 1
        offset = optional_count(config, "index_skip_topk_offset", path, name)
        offset = 2 if offset is None else offset
        indexed = [max(i - offset + 1, 0) % frequency == 0 for i in range(layers)]
    derivation.append(T("rule.sparse_mla", indexed=sum(indexed), layers=layers))
    return ["sparse_mla_attention" if has else "mla_attention" for has in indexed]
