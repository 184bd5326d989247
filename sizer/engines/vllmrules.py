"""What vLLM decides before it plans a KV cache: the tensor-parallel layouts its layers refuse
to build, whether its hybrid KV-cache manager runs, and what it refuses without it.

Every rule cites vLLM 0.33.0 (file:line under vllm/); the release notes say where older
releases differ. The rules are pure functions of the model and the options.
"""

from sizer.layers import (NO_STATE, ChunkedLocalLayers, FullAttentionLayers, MLALatentLayers, SlidingWindowLayers,
    StateLayers)
from sizer.numbers import InputError
from sizer.vocab import Join, T


# ---------------------------------------------------------------------------
# Tensor parallelism: the asserts vLLM's layers make when they are built.
# ---------------------------------------------------------------------------

def attention_tp_rules(model, tensor_parallel):
    """The attention asserts a TP breaks. Every GQA attention in vLLM 0.33.0 asserts that the
    query heads divide by TP, and that the KV heads divide by TP when there are at least TP of
    them, else that TP is a multiple of them (each head replicated whole): llama.py:145/151/155,
    gemma3.py:115/121/125, llama4.py:189/195/199, qwen3_next.py:296/302/306,
    nemotron_h.py:440/446/450, and QKVParallelLinear for every other model (layers/linear.py:
    1065-1070, divide()). MLA splits only its query heads (deepseek_v2.py:484). Unchanged in the
    releases checked (0.10.2, 0.20, 0.26, 0.29, 0.31-0.33)."""
    heads, kv_heads = model.num_attention_heads, model.num_key_value_heads
    broken = []
    if heads % tensor_parallel:
        broken.append(T("rule.vllm_tp_heads", heads=heads, tp=tensor_parallel))
    if model.mla_latent_dim is None:
        if kv_heads >= tensor_parallel and kv_heads % tensor_parallel:
            broken.append(T("rule.vllm_tp_kv_split", kv_heads=kv_heads, tp=tensor_parallel))
        elif kv_heads < tensor_parallel and tensor_parallel % kv_heads:
            broken.append(T("rule.vllm_tp_kv_replicate", kv_heads=kv_heads, tp=tensor_parallel))
    return broken


def _mamba2_rules(group, tensor_parallel):
    """MambaMixer2.__init__ (layers/mamba/mamba_mixer2.py:316 and 320 in 0.33.0; the same asserts in
    0.10.2-0.32, whose n_groups message said "num_heads" before the '... does not divide num_groups' fix;
    the tool quotes 0.33.0's)."""
    broken = []
    if group.ssm_heads % tensor_parallel:
        broken.append(T("rule.vllm_mamba_heads", heads=group.ssm_heads, tp=tensor_parallel))
    if group.groups % tensor_parallel and group.groups != 1:
        broken.append(T("rule.vllm_mamba_groups", groups=group.groups, tp=tensor_parallel))
    return broken


def _gated_delta_net_rules(group, tensor_parallel):
    """GatedDeltaNetAttention.__init__: divide(num_v_heads, tp_size) (layers/mamba/gdn/
    qwen_gdn_linear_attn.py:651; distributed/utils.py:130 asserts with this message)."""
    if group.ssm_heads % tensor_parallel:
        return [T("rule.vllm_gdn_heads", heads=group.ssm_heads, tp=tensor_parallel)]
    return []


# Kimi Delta Attention asserts num_heads % tp_size == 0 (layers/mamba/gdn/kimi_gdn_linear_attn.py:189),
# which the state shape's split of its heads below states too.
STATE_TP_RULES = {"mamba1": lambda group, tensor_parallel: [], "mamba2": _mamba2_rules,
                  "gated_delta_net": _gated_delta_net_rules,
                  "kimi_delta_attention": lambda group, tensor_parallel: []}


def state_tp_rules(group, tensor_parallel):
    """A state layer's asserts: its mixer's own, then the state shape's divide() of the conv
    channels and SSM heads (MambaStateShapeCalculator, layers/mamba/mamba_utils.py:171-293)."""
    broken = STATE_TP_RULES[group.mixer](group, tensor_parallel)
    channels = group.conv_channels(tensor_parallel)
    if not broken and (channels % tensor_parallel or group.ssm_heads % tensor_parallel):
        broken.append(T("rule.vllm_state_split", kind=T(group.kind_text), channels=channels,
                        heads=group.ssm_heads, tp=tensor_parallel))
    return broken


def vllm_tp_rules(model, tensor_parallel):
    """Every assert a tensor-parallel size breaks, attention first (an empty list: vLLM builds it)."""
    broken = attention_tp_rules(model, tensor_parallel)
    for group in model.layer_groups:
        if isinstance(group, StateLayers):
            broken.extend(state_tp_rules(group, tensor_parallel))
    return broken


def accepted_tensor_parallel(model, server):
    """The TP sizes the server takes (Server.tensor_parallel_sizes) that vLLM builds the model with."""
    return tuple(tp for tp in server.tensor_parallel_sizes if not vllm_tp_rules(model, tp))


def check_vllm_layout(model, tensor_parallel, server):
    """InputError (exit 2) when vLLM would not build the model at this TP: its rules and the TPs it takes."""
    broken = vllm_tp_rules(model, tensor_parallel)
    if broken:
        accepted = accepted_tensor_parallel(model, server)
        raise InputError("err.vllm_tp_layout", tp=tensor_parallel, model=model.name, rules=Join(tuple(broken), "; "),
                         server=server.name, tps=Join(accepted) if accepted else T("value.no_tp"))


# ---------------------------------------------------------------------------
# The hybrid KV-cache manager.
# ---------------------------------------------------------------------------

# ValueError of _promote_local_kv_cache_specs (v1/core/kv_cache_planning.py:814 in 0.33.0; the same
# text in 0.32 in kv_cache_utils.py:1760); before, unify_hybrid_kv_cache_specs raised the older
# text (kv_cache_utils.py in 0.10.2-0.31).
UNIFY_REFUSALS = (((0, 32), "Failed to promote local KV cache specs to one unified type."),
                  ((0, 0), "Hybrid KV cache manager is disabled but failed to convert the KV cache specs "
                           "to one unified type."))
# SpeculativeConfig.use_eagle (config/speculative.py:2116): the methods that draft from the target's
# hidden states.
EAGLE_METHODS = ("eagle", "eagle3", "mtp")


def hybrid_manager(model, options, release):
    """(whether vLLM keeps each attention kind's own KV-cache spec, the rule that turned its hybrid
    manager off or None), or InputError when vLLM refuses the model without it.

    - VllmConfig.__post_init__ (config/vllm.py:2235-2256 in 0.33.0; seen in 0.10.2-0.33): a model with
      chunked local attention runs without the hybrid manager unless VLLM_ALLOW_CHUNKED_LOCAL_ATTN_WITH_
      HYBRID_KV_CACHE=1 (--allow-chunked-local-attn-with-hybrid-kv-cache), and always without it with
      an EAGLE or MTP drafter;
    - without it, get_kv_cache_groups (kv_cache_planning.py:1127) calls unify_hybrid_kv_cache_specs:
      specs that are already one kind stay as they are (all sliding keeps its window); sliding and
      chunked specs become full attention only when full attention layers are there too
      (_promote_local_kv_cache_specs, kv_cache_planning.py:744-816); anything else (state layers
      beside attention, sliding with chunked and no full layer) is refused."""
    disabled = options.disable_hybrid_kv_cache_manager
    rule = None
    if any(isinstance(g, ChunkedLocalLayers) for g in model.layer_groups) and not disabled:
        if options.speculative in EAGLE_METHODS:
            disabled, rule = True, T("rule.vllm_chunked_eagle", method=options.speculative)
        elif not options.allow_chunked_hybrid:
            disabled, rule = True, T("rule.vllm_chunked_hybrid_off")
    if not disabled or len(model.layer_groups) == 1:
        return True, None
    local = [g for g in model.layer_groups if isinstance(g, (SlidingWindowLayers, ChunkedLocalLayers))]
    full = [g for g in model.layer_groups if type(g) in (FullAttentionLayers, MLALatentLayers)]
    if full and local and len(full) + len(local) == len(model.layer_groups):
        return False, rule
    message = next(text for first, text in UNIFY_REFUSALS if release.version >= first)
    raise InputError("err.vllm_unify", model=model.name, version="%d.%d" % release.version, message=message,
                     kinds=Join(tuple(g.describe() for g in model.layer_groups)))


# ValueError of validate_kv_cache_layout (v1/core/kv_cache_planning.py:608-640 in 0.33.0) for a pipeline
# stage that holds no layer with a cache while the model has more than one KV-cache group: its worker's
# groups have no layers, so no page size, and the default layout LBNHC refuses the mix.
EMPTY_STAGE_REFUSAL = ("KV cache layout LBNHC cannot express this model's mixed page sizes ([]); a backend "
                       "should declare block-outermost supported layouts (e.g. BLHNC), or set "
                       "VLLM_KV_CACHE_LAYOUT=BLHNC.")


def check_vllm_stages(model, stages):
    """InputError when a pipeline stage holds only layers without a cache (the MLP and MoE blocks
    of a Nemotron-H pattern) and vLLM 0.33.0 refuses it (seen by the oracle, tools/vllm_oracle.py)."""
    if len(stages) < 2 or len(model.layer_groups) < 2:
        return
    for index, (first, end) in enumerate(stages):
        if all(kind == NO_STATE for kind in model.layer_kinds[first:end]):
            raise InputError("err.vllm_empty_stage", stage=index + 1, first=first, last=end - 1,
                             message=EMPTY_STAGE_REFUSAL)
