"""Parameter counting from a config: attention, MLP, experts, state mixers, embeddings, vision tower.

Counted as vLLM 0.33.0 builds each model: one generic decoder (attention + dense MLP or routed and
shared experts) for the dense and MoE families, and layer by layer, from a table keyed by the
config's model_type, for the families whose layers differ from one another.
"""

from sizer.inputs import _where, optional_count, optional_positive_int, require_positive_int
from sizer.layers import PARALLEL_HYBRID
from sizer.numbers import InputError
from sizer.records import ParameterCount


def _expert_count(raw, config, path, name):
    """Routed experts; 0 (as Granite writes it) means a dense model."""
    for data, key in ((raw, "num_local_experts"), (config, "num_local_experts"), (config, "num_experts"),
                      (config, "n_routed_experts")):
        if data.get(key) is not None:
            if data.get(key) == 0 and not isinstance(data.get(key), bool):
                return None
            return require_positive_int(data, key, path, name)
    return None


# Config fields a parameter count reads, with the class defaults a published config
# may omit (transformers Gemma3TextConfig: vocab_size 262208, tied embeddings).
PARAMETER_DEFAULTS = {"gemma3_text": {"vocab_size": 262208, "tie_word_embeddings": True}}
QK_NORM_MODEL_TYPES = ("qwen3", "qwen3_moe", "gemma3_text")     # q_norm and k_norm of head_dim each
GEMMA_NORMS_PER_LAYER = 4                                       # pre/post attention and MLP norms
# DeepSeek-V3-style routers keep an e_score_correction_bias per expert (topk_method noaux_tc).
ROUTER_BIAS_MODEL_TYPES = ("deepseek_v3", "deepseek_v32", "kimi_k2", "glm_moe_dsa")
# Llama-4: every MoE layer also runs one shared expert of intermediate_size, with no config key
# saying so (vLLM 0.33.0 model_executor/models/llama4.py, Llama4MoE.shared_expert).
IMPLIED_SHARED_EXPERT = ("llama4_text",)


class _Reader:
    """The config's numbers: positive ones (or None), and counts where 0 is meaningful."""

    def __init__(self, config, defaults, path, name):
        self.config, self.defaults, self.path, self.name = config, defaults, path, name

    def __call__(self, key):
        data = self.config if self.config.get(key) is not None else self.defaults
        return optional_positive_int(data, key, self.path, self.name)

    def count(self, key):
        """A whole number >= 0, or None: 0 means none (Kimi's num_nextn_predict_layers, Qwen3-Coder's
        shared_expert_intermediate_size; vLLM builds nothing for them)."""
        return optional_count(self.config, key, self.path, self.name)

    def need(self, key):
        return require_positive_int(self.config, key, self.path, self.name)


def count_parameters(config, name, path, layers, heads, kv_heads, head_dim, kinds=(), raw=None):
    """The parameters of the model a config describes, or None when it lacks what they need
    (hidden_size, vocab_size; intermediate_size for the generic decoder): the weights are then
    unknown, not guessed. Counted as vLLM builds the model: embeddings and LM head (unless
    tied), attention (GQA, or MLA with its LoRA ranks), dense MLPs, routed and shared experts
    with their router, state mixers, the RMSNorm weights, and the vision tower of the families
    whose tower is known (Qwen3-VL and Qwen3.5)."""
    raw = config if raw is None else raw
    model_type = config.get("model_type")
    number = _Reader(config, PARAMETER_DEFAULTS.get(model_type, {}), path, name)
    hidden, vocab = number("hidden_size"), number("vocab_size")
    if None in (hidden, vocab):
        return None
    tied = config.get("tie_word_embeddings", raw.get("tie_word_embeddings",
                                                      PARAMETER_DEFAULTS.get(model_type, {}).get(
                                                          "tie_word_embeddings", False)))
    if not isinstance(tied, bool):
        raise InputError("err.field_bool", where=_where(path, name, "tie_word_embeddings"))
    tally = dict(embedding=vocab * hidden, lm_head=0 if tied else vocab * hidden, attention=0, dense_mlp=0,
                 experts=0, shared_experts=0, router=0, norms=0, inactive_experts=0, mtp_layers=0,
                 state_mixers=0, vision_encoder=0)
    shape = _Shape(config, model_type, number, layers, heads, kv_heads, head_dim, kinds, path, name)
    counter = LAYERWISE_COUNTERS.get(model_type)
    if counter is None:
        if any(kind in HYBRID_KINDS for kind in kinds):
            return None
        counter = _generic_parameters
    if not counter(tally, shape):
        return None
    tally["vision_encoder"] = _vision_parameters(raw, path, name)
    return ParameterCount(**tally)


class _Shape:
    """What every counter reads: the config, its reader and the layers the config module derived."""

    def __init__(self, config, model_type, number, layers, heads, kv_heads, head_dim, kinds, path, name):
        self.config, self.model_type, self.number = config, model_type, number
        self.layers, self.heads, self.kv_heads, self.head_dim = layers, heads, kv_heads, head_dim
        self.kinds, self.path, self.name = list(kinds), path, name
        self.hidden = number("hidden_size")

    def experts(self):
        return _expert_count(self.config, self.config, self.path, self.name) or 0

    def where(self, field):
        return _where(self.path, self.name, field)


# Layer kinds that make a model hybrid: its layers are not all attention + MLP.
HYBRID_KINDS = ("mamba", "linear_attention", "no_state", "kimi_delta_attention", PARALLEL_HYBRID)


def _generic_parameters(tally, shape):
    """Attention + dense MLP or routed experts, the same in every layer (Llama, Qwen, Mistral,
    DeepSeek, Kimi-K2, GLM, gpt-oss, MiniMax, Step, MiMo): as vLLM's decoder layer builds it."""
    config, number, hidden, model_type = shape.config, shape.number, shape.hidden, shape.model_type
    intermediate = number("intermediate_size")
    if intermediate is None:
        return False
    attention = _attention_parameters(config, model_type, hidden, shape.heads, shape.kv_heads, shape.head_dim,
                                      number)
    if attention is None:
        return False
    experts = shape.experts()
    per_token = number("num_experts_per_tok") or number("experts_per_token") or 0
    moe = _moe_layer_flags(config, shape.layers, experts, number, shape)
    moe_layers = sum(moe)
    expert_width = number("moe_intermediate_size") or intermediate
    per_expert = 3 * hidden * expert_width
    router = hidden * experts
    if model_type == "gpt_oss":
        per_expert += 2 * expert_width + hidden         # gate_up and down biases
        router += experts                               # router bias
    if model_type in ROUTER_BIAS_MODEL_TYPES:
        router += experts                               # e_score_correction_bias
    shared = (number.count("n_shared_experts") or 0) * 3 * hidden * expert_width
    if number.count("shared_expert_intermediate_size"):     # Qwen2-MoE: one shared expert and its gate
        shared = 3 * hidden * number("shared_expert_intermediate_size") + hidden
    if model_type in IMPLIED_SHARED_EXPERT:
        shared = 3 * hidden * intermediate
    # Llama-4's dense layers are wider than its experts (intermediate_size_mlp).
    dense_width = number("intermediate_size_mlp") or intermediate
    norms_per_layer = GEMMA_NORMS_PER_LAYER if model_type == "gemma3_text" else 2
    layers = shape.layers
    tally.update(
        attention=layers * attention + _dsa_indexer_parameters(config, number, hidden, shape.kinds),
        dense_mlp=(layers - moe_layers) * 3 * hidden * dense_width, experts=moe_layers * experts * per_expert,
        shared_experts=moe_layers * shared, router=moe_layers * router, norms=layers * norms_per_layer * hidden + hidden,
        inactive_experts=moe_layers * max(experts - per_token, 0) * per_expert,
        mtp_layers=number.count("num_nextn_predict_layers") or 0)
    return True


def _moe_layer_flags(config, layers, experts, number, shape):
    """Which layers hold routed experts: all of them but the first_k_dense_replace (DeepSeek) and the
    mlp_only_layers; every decoder_sparse_step-th (Qwen MoE) or interleave_moe_layer_step-th (Llama-4:
    vLLM llama4.py, (i + 1) % step == 0); layer i % moe_layer_freq == 0 (DeepSeek), or, when
    moe_layer_freq is a list, the layers whose entry is not 0 (MiMo-V2, MiniMax-M3)."""
    if not experts:
        return [False] * layers
    first_dense = number.count("first_k_dense_replace") or 0
    step = number("decoder_sparse_step") or 1
    if config.get("interleave_moe_layer_step") is not None:
        step = number.count("interleave_moe_layer_step")
        if step == 0:
            return [False] * layers
    dense_only = config.get("mlp_only_layers") or []
    if not isinstance(dense_only, list):
        dense_only = []
    frequency = config.get("moe_layer_freq")
    if isinstance(frequency, list):
        if len(frequency) != layers or any(f not in (0, 1) or isinstance(f, bool) for f in frequency):
            raise InputError("err.layer_list", where=shape.where("moe_layer_freq"), layers=layers, values="0, 1")
        listed = [bool(f) for f in frequency]
        frequency = 1
    else:
        listed = [True] * layers
        frequency = number("moe_layer_freq") or 1
    return [listed[i] and i >= first_dense and (i + 1) % step == 0 and i % frequency == 0 and i not in dense_only
            for i in range(layers)]


def _attention_parameters(config, model_type, hidden, heads, kv_heads, head_dim, number):
    """Attention parameters of one layer."""
    if config.get("kv_lora_rank") is not None:
        return _mla_parameters(number, hidden, heads)
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


def _mla_parameters(number, hidden, heads):
    """MLA (DeepSeek-V2/V3 modeling): q_a (+ norm) and q_b, or q_proj; kv_a_proj_with_mqa (+ norm);
    kv_b; o_proj."""
    rank, rope = number("kv_lora_rank"), number("qk_rope_head_dim")
    nope, value, q_rank = number("qk_nope_head_dim"), number("v_head_dim"), number("q_lora_rank")
    if None in (rope, nope, value):
        return None
    query = (hidden * q_rank + q_rank + q_rank * heads * (nope + rope)) if q_rank else hidden * heads * (nope + rope)
    return query + hidden * (rank + rope) + rank + rank * heads * (nope + value) + heads * value * hidden


def _dsa_indexer_parameters(config, number, hidden, kinds):
    """DeepSeek sparse attention's indexer in each layer that builds one (vLLM 0.33.0 models/
    deepseek_v32/attention.py, DeepseekV32Indexer): wq_b (q_lora_rank -> heads x index_head_dim),
    wk and weights_proj merged (hidden -> index_head_dim + heads), the key LayerNorm."""
    layers = kinds.count("sparse_mla_attention")
    if not layers:
        return 0
    index_dim, index_heads, q_rank = number("index_head_dim"), number("index_n_heads"), number("q_lora_rank")
    if None in (index_dim, index_heads, q_rank):
        return 0
    return layers * (q_rank * index_heads * index_dim + hidden * (index_dim + index_heads) + 2 * index_dim)


# ---------------------------------------------------------------------------
# Families counted layer by layer
# ---------------------------------------------------------------------------

NEMOTRON_BLOCKS = {"M": "mamba", "*": "attention", "-": "mlp", "E": "moe"}


def nemotron_block_types(config):
    """Nemotron-H's blocks: layers_block_type (mamba, attention, mlp, moe), or the legacy
    hybrid_override_pattern string (M, *, -, E), as transformers NemotronHConfig reads them."""
    blocks = config.get("layers_block_type")
    if blocks is None:
        blocks = [NEMOTRON_BLOCKS.get(symbol, symbol) for symbol in config.get("hybrid_override_pattern") or ""]
    return list(blocks)


def _nemotron_h_parameters(tally, shape):
    """Nemotron-H (vLLM nemotron_h.py): each block is one of Mamba2, attention, a squared-ReLU MLP
    of up and down projections, or routed squared-ReLU experts with a shared one, one norm each.
    With moe_latent_size (LatentMoE, Nemotron-3 Super and Ultra) the routed experts run in the latent
    width, between fc1_latent_proj and fc2_latent_proj."""
    config, number, hidden = shape.config, shape.number, shape.hidden
    experts = shape.experts()
    per_token = number("num_experts_per_tok") or 0
    intermediate = number("intermediate_size")
    expert_width = number("moe_intermediate_size") or intermediate
    latent = number("moe_latent_size")
    per_expert = 2 * (latent or hidden) * (expert_width or 0)
    blocks = nemotron_block_types(config)
    if intermediate is None and "mlp" in blocks:
        return False
    for block in blocks:
        if block == "mamba":
            tally["state_mixers"] += _mamba2_parameters(config, hidden, number)
        elif block == "attention":
            tally["attention"] += _attention_parameters(config, shape.model_type, hidden, shape.heads,
                                                        shape.kv_heads, shape.head_dim, number)
        elif block == "mlp":
            tally["dense_mlp"] += 2 * hidden * intermediate
        elif block == "moe":
            tally["experts"] += experts * per_expert
            tally["inactive_experts"] += max(experts - per_token, 0) * per_expert
            shared_count = number.count("n_shared_experts")
            tally["shared_experts"] += 2 * hidden * (number("moe_shared_expert_intermediate_size") or 0) * (
                1 if shared_count is None else shared_count)
            tally["router"] += hidden * experts + experts            # gate and e_score_correction_bias
            if latent:
                tally["dense_mlp"] += 2 * hidden * latent             # fc1/fc2_latent_proj, always active
    tally["norms"] = len(blocks) * hidden + hidden
    tally["mtp_layers"] = number.count("num_nextn_predict_layers") or 0
    return True


def _jamba_parameters(tally, shape):
    """Jamba: Mamba1 or attention, then an MLP, or experts every expert_layer_period-th layer."""
    config, number, hidden = shape.config, shape.number, shape.hidden
    intermediate = number("intermediate_size")
    if intermediate is None:
        return False
    experts = shape.experts()
    per_token = number("num_experts_per_tok") or 0
    per_expert = 3 * hidden * intermediate
    attention = _attention_parameters(config, shape.model_type, hidden, shape.heads, shape.kv_heads,
                                      shape.head_dim, number)
    period, offset = number("expert_layer_period") or 1, config.get("expert_layer_offset") or 0
    if "mamba" in shape.kinds and None in (number("mamba_expand"), number("mamba_d_state"), number("mamba_d_conv"),
                                           number("mamba_dt_rank")):
        return False
    for index, kind in enumerate(shape.kinds):
        if kind == "mamba":
            tally["state_mixers"] += _mamba1_parameters(config, hidden, number)
        else:
            tally["attention"] += attention
        if experts > 1 and index % period == offset:
            tally["experts"] += experts * per_expert
            tally["inactive_experts"] += max(experts - per_token, 0) * per_expert
            tally["router"] += hidden * experts
        else:
            tally["dense_mlp"] += 3 * hidden * intermediate
    tally["norms"] = 2 * len(shape.kinds) * hidden + hidden
    return True


def _qwen_hybrid_parameters(tally, shape):
    """Qwen3-Next and Qwen3.5/3.6 (vLLM qwen3_next.py, qwen3_5.py): gated DeltaNet or gated attention
    (q_proj twice as wide for the output gate, attn_output_gate), then experts with a gated shared
    expert, or a dense MLP (Qwen3.5-27B)."""
    config, number, hidden = shape.config, shape.number, shape.hidden
    experts = shape.experts()
    per_token = number("num_experts_per_tok") or 0
    intermediate = number("intermediate_size")
    expert_width = number("moe_intermediate_size") or intermediate
    head_dim = number("head_dim") or shape.head_dim
    gate = config.get("attn_output_gate", True) is not False
    attention = (_attention_parameters(config, shape.model_type, hidden, shape.heads, shape.kv_heads, head_dim, number)
                 + 2 * head_dim + (shape.heads * head_dim * hidden if gate else 0))
    moe = _moe_layer_flags(config, shape.layers, experts, number, shape)
    if intermediate is None and not all(moe):
        return False
    per_expert = 3 * hidden * (expert_width or 0)
    for index, kind in enumerate(shape.kinds):
        if kind == "linear_attention":
            tally["state_mixers"] += _gated_delta_net_parameters(config, hidden, number)
        else:
            tally["attention"] += attention
        if moe[index]:
            tally["experts"] += experts * per_expert
            tally["inactive_experts"] += max(experts - per_token, 0) * per_expert
            tally["shared_experts"] += 3 * hidden * (number.count("shared_expert_intermediate_size") or 0) + hidden
            tally["router"] += hidden * experts
        else:
            tally["dense_mlp"] += 3 * hidden * intermediate
    tally["norms"] = 2 * len(shape.kinds) * hidden + hidden
    # Qwen3.5 writes mtp_num_hidden_layers; Qwen3-Next configs num_nextn_predict_layers.
    tally["mtp_layers"] = number.count("mtp_num_hidden_layers") or number.count("num_nextn_predict_layers") or 0
    return True


def _kimi_linear_parameters(tally, shape):
    """Kimi-Linear and Kimi-K3 (vLLM 0.33.0 models/kimi_k3/nvidia/model.py): Kimi Delta Attention or
    MLA (with its output gate, mla_use_output_gate), then a dense MLP in the first
    first_k_dense_replace layers and experts in the others (layer % moe_layer_freq == 0): routed
    experts of num_experts_per_token, in the latent width routed_expert_hidden_size when given
    (routed_expert_down_proj / up_proj and their norm around them), num_shared_experts shared ones
    fused into one MLP, and a router with its e_score_correction_bias."""
    config, number, hidden = shape.config, shape.number, shape.hidden
    intermediate, expert_width = number("intermediate_size"), number("moe_intermediate_size")
    experts = shape.experts()
    per_token = number("num_experts_per_token") or 0
    latent = number("routed_expert_hidden_size")
    per_expert = 3 * (latent or hidden) * (expert_width or 0)
    first_dense = number.count("first_k_dense_replace") or 0
    frequency = number("moe_layer_freq") or 1
    mla = _mla_parameters(number, hidden, shape.heads)
    if mla is None or intermediate is None or (experts and expert_width is None):
        return False
    if config.get("mla_use_output_gate") is True:
        mla += hidden * shape.heads * number("v_head_dim")
    for index, kind in enumerate(shape.kinds):
        if kind == "kimi_delta_attention":
            tally["state_mixers"] += _kda_parameters(config, hidden, shape)
        else:
            tally["attention"] += mla
        if experts and index >= first_dense and index % frequency == 0:
            tally["experts"] += experts * per_expert
            tally["inactive_experts"] += max(experts - per_token, 0) * per_expert
            tally["shared_experts"] += 3 * hidden * expert_width * (number.count("num_shared_experts") or 0)
            tally["router"] += hidden * experts + experts
            if latent:
                tally["dense_mlp"] += 2 * hidden * latent + (latent if config.get("latent_moe_use_norm") else 0)
        else:
            tally["dense_mlp"] += 3 * hidden * intermediate
    tally["norms"] = 2 * len(shape.kinds) * hidden + hidden
    tally["mtp_layers"] = number.count("num_nextn_predict_layers") or 0
    return True


def _kda_parameters(config, hidden, shape):
    """One Kimi Delta Attention mixer (vLLM kimi_gdn_linear_attn.py, KimiGatedDeltaNetAttention):
    in_proj to q, k, v, beta (one per head) and the gate's low-rank f_a; f_b back to the heads;
    dt_bias; the conv over q, k and v; A_log; the output gate g (low-rank g_a/g_b, or one full-rank
    projection with use_full_rank_gate, Kimi-K3); the gated norm; o_proj."""
    linear = config["linear_attn_config"]
    heads, head_dim, kernel = linear["num_heads"], linear["head_dim"], linear["short_conv_kernel_size"]
    projection = heads * head_dim
    gate = hidden * projection if linear.get("use_full_rank_gate") is True else hidden * head_dim + head_dim * projection
    return (hidden * (3 * projection + heads + head_dim) + head_dim * projection + projection
            + 3 * projection * kernel + heads + gate + head_dim + projection * hidden)


def _gemma4_parameters(tally, shape):
    """Gemma-4 (vLLM gemma4.py): sliding layers of num_key_value_heads x head_dim; full layers of
    num_global_key_value_heads x global_head_dim, whose V is K with attention_k_eq_v (no v_proj);
    q and k norms; in every layer a dense GeGLU MLP and, with num_experts, a MoE block beside it
    (top_k_experts of moe_intermediate_size, a router with its scales, three more norms); tied
    embeddings. Per-layer input embeddings (hidden_size_per_layer_input) are not counted: None."""
    config, number, hidden = shape.config, shape.number, shape.hidden
    if number.count("hidden_size_per_layer_input") or number.count("num_kv_shared_layers"):
        return False
    intermediate = number("intermediate_size")
    experts = shape.experts()
    per_token = number("top_k_experts") or 0
    expert_width = number("moe_intermediate_size") or number("expert_intermediate_size") or 0
    if intermediate is None:
        return False
    per_expert = 3 * hidden * expert_width
    for kind in shape.kinds:
        heads, head_dim = shape.kv_heads, shape.head_dim
        kv_projections = 2
        if kind == "full_attention":
            heads = number("num_global_key_value_heads") or heads
            head_dim = number("global_head_dim") or head_dim
            kv_projections = 1 if config.get("attention_k_eq_v") is True else 2
        tally["attention"] += (2 * hidden * shape.heads * head_dim + kv_projections * hidden * heads * head_dim
                               + 2 * head_dim)
        tally["dense_mlp"] += 3 * hidden * intermediate
        tally["norms"] += GEMMA_NORMS_PER_LAYER * hidden + 1           # and the layer scalar
        if experts:
            tally["experts"] += experts * per_expert
            tally["inactive_experts"] += max(experts - per_token, 0) * per_expert
            tally["router"] += hidden * experts + hidden + experts
            tally["norms"] += 3 * hidden
    tally["norms"] += hidden
    return True


def _mimo_v2_parameters(tally, shape):
    """MiMo-V2-Flash (vLLM mimo_v2_flash.py): full layers (hybrid_layer_pattern 0) of
    num_key_value_heads with head_dim keys and v_head_dim values, sliding layers (1) with the swa_
    sizes and one attention-sink bias per head; experts where moe_layer_freq is 1, else a dense MLP."""
    config, number, hidden = shape.config, shape.number, shape.hidden
    experts = shape.experts()
    per_token = number("num_experts_per_tok") or 0
    intermediate, expert_width = number("intermediate_size"), number("moe_intermediate_size")
    per_expert = 3 * hidden * (expert_width or 0)
    moe = _moe_layer_flags(config, shape.layers, experts, number, shape)
    if intermediate is None and not all(moe):
        return False
    for index, kind in enumerate(shape.kinds):
        prefix = "swa_" if kind == "sliding_attention" else ""
        heads = number(prefix + "num_attention_heads")
        kv_heads = number(prefix + "num_key_value_heads")
        key, value = number(prefix + "head_dim"), number(prefix + "v_head_dim")
        if None in (heads, kv_heads, key, value):
            return False
        tally["attention"] += hidden * heads * key + hidden * kv_heads * (key + value) + heads * value * hidden
        if config.get("add_%sattention_sink_bias" % ("swa_" if prefix else "full_")) is True:
            tally["attention"] += heads
        if moe[index]:
            tally["experts"] += experts * per_expert
            tally["inactive_experts"] += max(experts - per_token, 0) * per_expert
            tally["router"] += hidden * experts + experts
        else:
            tally["dense_mlp"] += 3 * hidden * intermediate
    tally["norms"] = 2 * len(shape.kinds) * hidden + hidden
    return True


def nemotron_nas_intermediate(ffn_mult, hidden):
    """vLLM nemotron_nas.py _ffn_mult_to_intermediate_size: int(2 x ffn_mult x hidden / 3), rounded up
    to a multiple of 256."""
    size = int(2 * ffn_mult * hidden / 3)
    return -(-size // 256) * 256


def _nemotron_nas_parameters(tally, shape):
    """Llama-Nemotron (DeciLM, vLLM nemotron_nas.py): each layer's block_configs entry gives its
    attention (absent when no_op; num_attention_heads / n_heads_in_group KV heads) and its MLP
    (absent when no_op; width from ffn_mult), each with its norm."""
    number, hidden = shape.number, shape.hidden
    if not isinstance(shape.config.get("block_configs"), list):
        return False
    for block in shape.config["block_configs"]:
        attention, ffn = block["attention"], block["ffn"]
        if attention.get("no_op") is not True:
            kv_heads = shape.heads // attention["n_heads_in_group"]
            tally["attention"] += 2 * hidden * shape.heads * shape.head_dim + 2 * hidden * kv_heads * shape.head_dim
            tally["norms"] += hidden
        if ffn.get("no_op") is not True:
            tally["dense_mlp"] += 3 * hidden * nemotron_nas_intermediate(ffn["ffn_mult"], hidden)
            tally["norms"] += hidden
    tally["norms"] += hidden
    return number("hidden_size") is not None


LAYERWISE_COUNTERS = {"nemotron_h": _nemotron_h_parameters, "jamba": _jamba_parameters,
                      "qwen3_next": _qwen_hybrid_parameters, "qwen3_5_text": _qwen_hybrid_parameters,
                      "qwen3_5_moe_text": _qwen_hybrid_parameters, "kimi_linear": _kimi_linear_parameters,
                      "gemma4_text": _gemma4_parameters, "mimo_v2_flash": _mimo_v2_parameters,
                      "nemotron-nas": _nemotron_nas_parameters}


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


# Vision towers counted, by the model_type of the config that holds the vision_config.
QWEN3_VL_VISION = ("qwen3_vl", "qwen3_vl_moe", "qwen3_5", "qwen3_5_moe")


def _vision_parameters(raw, path, name):
    """The vision tower vLLM loads with the language model, for the Qwen3-VL and Qwen3.5 families
    (transformers Qwen3VLVisionModel): the patch embedding (a Conv3d with bias), the position
    embedding, `depth` blocks of LayerNorms, qkv and proj with biases and a GELU MLP with biases,
    the merger (LayerNorm, then two linears from hidden x merge^2), and one merger per deepstack
    index. Other towers are left out (0): their parameters are not counted."""
    vision = raw.get("vision_config")
    if raw.get("model_type") not in QWEN3_VL_VISION or not isinstance(vision, dict):
        return 0
    number = _Reader(vision, {}, path, name)
    hidden, inner, depth = number("hidden_size"), number("intermediate_size"), number("depth")
    patch, temporal, channels = number("patch_size"), number("temporal_patch_size"), number("in_channels")
    merge, out, positions = number("spatial_merge_size"), number("out_hidden_size"), number("num_position_embeddings")
    if None in (hidden, inner, depth, patch, temporal, channels, merge, out):
        return 0
    merged = hidden * merge * merge
    block = 4 * hidden + 3 * hidden * hidden + 3 * hidden + hidden * hidden + hidden + 2 * hidden * inner + inner + hidden
    merger = merged * merged + merged + merged * out + out
    deepstack = vision.get("deepstack_visual_indexes") or []
    return (channels * temporal * patch * patch * hidden + hidden + (positions or 0) * hidden + depth * block
            + 2 * hidden + merger + len(deepstack) * (2 * merged + merger))
