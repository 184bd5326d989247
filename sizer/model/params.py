"""Parameter counting from a config: attention, MLP, experts, state mixers, embeddings.
"""

from sizer.inputs import _where, optional_positive_int, require_positive_int
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
                                  path, name, head_dim)
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


def _hybrid_parameters(config, model_type, kinds, hidden, vocab, intermediate, tied, attention, number, path, name,
                       head_dim=None):
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
        attention += number("num_attention_heads") * head_dim * hidden   # the output gate half of q_proj
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
