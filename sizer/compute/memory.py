"""Memory: KV per session on each basis, HBM, weights, layout (TP x PP x instances), overhead,
and what makes every scenario infeasible.
"""

from __future__ import annotations      # record annotations stay text (3.8 reads `X | None`)

from fractions import Fraction

from sizer.compute.figures import Figure, figure
from sizer.display import _plain
from sizer.engines.base import KvPlan
from sizer.engines.registry import ENGINES
from sizer.engines.vllm import PageRule, VllmPool
from sizer.engines.vllmrules import vllm_tp_rules
from sizer.frozen import record, replace
from sizer.layers import StateLayers
from sizer.model.config import PrecisionScheme
from sizer.numbers import InputError, cdiv
from sizer.records import Weights
from sizer.vocab import Basis, Bound, GB_BYTES, GIB_BYTES, Join, KV_PRECISIONS, T, Unit, WEIGHT_PRECISIONS

TYPE_CHECKING = False
if TYPE_CHECKING:      # names the annotations use, never imported at run time
    from sizer.engines.tokenpool import TokenPool


@record
class KvPerSession:
    """KV bytes of one session on one instance, under one accounting basis."""
    bytes: int
    gib: Fraction
    figures: tuple[Figure, ...]
    pool: TokenPool | VllmPool | None = None         # VllmPool, for the vllm basis


def kv_per_session(model, context_tokens, precision, tensor_parallel, accounting, block_size,
                   max_num_batched_tokens, groups=None, hybrid_manager=True, in_flight_tokens=None,
                   requested_block_size=None, stages=None, window_ratio=None):
    """The KV of one session on one instance (or on the layers `groups` of one pipeline stage);
    `stages`, the (first, end) layers of each pipeline stage, shape vLLM's pool per stage."""
    engine = ENGINES[accounting]
    groups = model.layer_groups if groups is None else groups
    bytes_per_element = KV_PRECISIONS[precision]
    # Attention groups store elements per token (state layers, Mamba or linear attention, keep a
    # constant state instead); most models store the same in every attention layer, and the
    # formula then factors them out. Where the kinds differ (Gemma-4's full and sliding layers,
    # DeepSeek sparse attention's indexer) each group's term carries its own bytes per token.
    attention = [g for g in groups if not isinstance(g, StateLayers)]
    base = (attention or [g for g in model.layer_groups if not isinstance(g, StateLayers)])[0]
    elements = base.elements(model, tensor_parallel)
    uniform = all(g.element_wise and g.token_term(model, tensor_parallel, precision)
                  == base.token_term(model, tensor_parallel, precision) for g in attention + [base])
    state_terms, state_bytes = [], 0
    in_flight_tokens = max_num_batched_tokens if in_flight_tokens is None else in_flight_tokens
    layers = sum(g.count for g in groups)
    original_groups = groups
    rule = None if uniform else PageRule(model, tensor_parallel, precision, block_size)
    group_size, groups, merged = engine.kv_groups(groups, hybrid_manager, rule)
    terms, tokens_total, bytes_total, blocks_per_request = [], 0, 0, Fraction(0)
    for group in groups:
        held = engine.group_tokens(group, context_tokens, block_size, in_flight_tokens)
        if held is None:
            layer_bytes = engine.state_bytes(group, tensor_parallel)
            state_bytes += group.count * layer_bytes
            state_terms.append("%d × %d" % (group.count, layer_bytes))
            continue
        tokens, term, blocks = held
        blocks_per_request += Fraction(blocks * group.count, group_size)
        tokens_total += group.count * tokens
        if uniform:
            terms.append("%d × %s" % (group.count, term))
        else:
            bytes_total += group.count * tokens * group.token_bytes(model, tensor_parallel, precision)
            terms.append("%d × %s × %s" % (group.count, term, group.token_term(model, tensor_parallel, precision)))
    plan = KvPlan(tuple(groups), tuple(original_groups), layers, group_size, int(blocks_per_request), context_tokens,
                  block_size, Fraction(elements.kv_factor * elements.elements_per_token * bytes_per_element,
                                       tensor_parallel),
                  precision, tensor_parallel, max_num_batched_tokens, in_flight_tokens, stages, hybrid_manager,
                  window_ratio, merged, rule)
    pool = engine.pool(model, plan)
    if uniform:
        bytes_total = elements.kv_factor * tokens_total * elements.elements_per_token * bytes_per_element
    kv_bytes = int(cdiv(bytes_total + state_bytes, 1))
    kv_gib = Fraction(kv_bytes, GIB_BYTES)
    inputs = {"model": model.name, "num_hidden_layers": model.num_hidden_layers,
              "layer_groups": Join(tuple(g.describe() for g in groups)),
              "effective_context": context_tokens, "kv_precision": precision,
              "bytes_per_element": bytes_per_element, "tensor_parallel": tensor_parallel,
              "kv_accounting": accounting}
    if not uniform:
        inputs["kv_bytes_per_token_per_layer"] = Join(tuple(
            "%s %s" % (g.short, _plain(Fraction(g.token_bytes(model, tensor_parallel, precision))))
            for g in attention))
    elif elements.kv_heads_per_gpu is not None:
        inputs.update(num_key_value_heads=model.num_key_value_heads, kv_heads_per_gpu=elements.kv_heads_per_gpu,
                      head_dim=model.head_dim)
    else:
        inputs["mla_latent_dim"] = model.mla_latent_dim
    if pool is not None:
        inputs.update(engine.pool_inputs(pool, plan))
    states = [g for g in groups if isinstance(g, StateLayers)]
    if states:
        inputs.update(state_bytes_per_layer_gpu=Join(tuple("%s %d" % (g.short, g.state_bytes_gpu(tensor_parallel))
                                                         for g in states)),
                      conv_state_bytes_per_element=states[0].conv_bytes,
                      ssm_state_bytes_per_element=states[0].ssm_bytes)
    explanation = _kv_explanation(model, elements, tensor_parallel, accounting, kv_gib, uniform)
    if accounting == Basis.VLLM and requested_block_size is not None and block_size != requested_block_size:
        inputs["requested_block_size"] = requested_block_size
        explanation.insert(-1, T("expl.kv_block_aligned", requested=requested_block_size, block=block_size,
                                 state_page=max(g.state_bytes_gpu(tensor_parallel) for g in states)))
    if accounting == Basis.VLLM and states:
        explanation.insert(-1, T("expl.kv_state_blocks", blocks=states[0].state_blocks))
    suffix = "" if engine.display_name is None else " (%s)" % engine.display_name
    if uniform:
        formula = T("formula.kv_bytes_state" if state_terms else "formula.kv_bytes",
                    factor="2 × " if elements.kv_factor == 2 else "",
                    terms=Join(tuple(terms), " + "), elements=elements.elements_term,
                    bytes_per_element=bytes_per_element, kv_bytes=kv_bytes, state=Join(tuple(state_terms), " + "))
    else:
        formula = T("formula.kv_bytes_groups_state" if state_terms else "formula.kv_bytes_groups",
                    terms=Join(tuple(terms), " + "), kv_bytes=kv_bytes, state=Join(tuple(state_terms), " + "))
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


def _kv_explanation(model, elements, tensor_parallel, accounting, kv_gib, uniform=True):
    if not uniform:
        parts = [T("expl.kv_groups_bytes")]
    elif elements.kv_heads_per_gpu is not None:
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
    explanation_id = ENGINES[accounting].kv_explanation_id
    if explanation_id is not None:
        parts.append(T(explanation_id))
    parts.extend(T("expl.rule", rule=rule) for rule in model.derivation)
    parts.append(T("expl.kv_total", kv_gib=kv_gib))
    return parts


def hbm_total_figure(server, rack=None):
    """The memory of one node; `rack`, when the node is a compute tray of that rack-scale system."""
    hbm_gib = server.total_hbm_gb * GB_BYTES / GIB_BYTES
    explanation = (T("expl.hbm_total", total_hbm_gb=server.total_hbm_gb, hbm_gib=hbm_gib),)
    if rack is not None:
        explanation += (T("expl.hbm_total_tray", tray=server.gpus, trays=rack.trays, gpus=rack.gpus),)
    return figure("hbm_total_gib", hbm_gib, Unit.GIB,
                  T("formula.hbm_total", total_hbm_gb=server.total_hbm_gb, hbm_gib=hbm_gib),
                  {"server": server.name, "gpus": server.gpus, "hbm_per_gpu_gb": server.hbm_per_gpu_gb,
                   "total_hbm_gb": server.total_hbm_gb}, explanation)


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


@record
class Layout:
    """How the node's GPUs are split into model instances."""
    tensor_parallel: int
    pipeline_parallel: int
    instances_per_node: int     # whole instances in one node (1 when an instance spans nodes)
    nodes_per_instance: int     # 1 unless an instance spans nodes
    stages: tuple[tuple[int, int], ...]               # (first layer, end layer) of each pipeline stage
    node_gpus: int
    data_parallel_attention: bool = False
    expert_parallel: bool = False   # routed experts split whole across the stage's GPUs
    trays_per_rack: int = 0     # rack-scale: the "node" above is a compute tray, this many to a rack

    @property
    def rack_scale(self):
        return self.trays_per_rack > 0

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
    if server.rack_scale:
        return rack_layout(options, server, model)
    tensor_parallel = options.tensor_parallel or server.gpus
    if server.gpus % tensor_parallel:
        raise InputError("err.tensor_parallel_divides", tensor_parallel=tensor_parallel, gpus=server.gpus,
                         server=server.name)
    stages = _checked_stages(options, model)
    gpus = tensor_parallel * stages
    if gpus <= server.gpus and server.gpus % gpus == 0:
        per_node, nodes = server.gpus // gpus, 1
    elif gpus > server.gpus and gpus % server.gpus == 0:
        per_node, nodes = 1, gpus // server.gpus
    else:
        raise InputError("err.pipeline_fit", tensor_parallel=tensor_parallel, stages=stages, gpus=gpus,
                         node_gpus=server.gpus, server=server.name)
    return Layout(tensor_parallel, stages, per_node, nodes, pipeline_stages(model.num_hidden_layers, stages),
                  server.gpus, options.data_parallel_attention, options.expert_parallel)


# Rack-scale systems (GB200/GB300 NVL72): every GPU of the rack shares one NVLink domain, so an
# instance may span compute trays (TP or data-parallel attention with expert parallel over 16 or
# 32 GPUs, as NVIDIA's and SGLang's DeepSeek deployments on NVL72 do); the tray (4 GPUs) is what
# fails and is replaced. Per-node figures are per tray; racks are bought whole (compute/racks.py).

def _checked_stages(options, model):
    stages = options.pipeline_parallel
    if stages > model.num_hidden_layers:
        raise InputError("err.pipeline_layers", stages=stages, layers=model.num_hidden_layers)
    moe = bool(model.num_local_experts) and (model.num_experts_per_tok or 0) > 0
    if options.data_parallel_attention and model.mla_latent_dim is None and not moe:
        raise InputError("err.dp_attention_mla", model=model.name)
    if options.expert_parallel and not moe:
        raise InputError("err.expert_parallel_dense", model=model.name)
    return stages


def rack_layout(options, server, model):
    """An instance inside one NVLink domain: a share of one tray, or whole trays; never more than
    the rack (beyond it the GPUs talk over the network, which is not an NVLink domain)."""
    tray, stages = server.gpus_per_tray, _checked_stages(options, model)
    tensor_parallel = options.tensor_parallel or rack_default_tensor_parallel(server, model, stages)
    gpus = tensor_parallel * stages
    if gpus > server.gpus:
        raise InputError("err.rack_domain", gpus=gpus, domain=server.gpus, server=server.name)
    if gpus <= tray and tray % gpus == 0:
        per_node, nodes = tray // gpus, 1
    elif gpus > tray and gpus % tray == 0:
        per_node, nodes = 1, gpus // tray
    else:
        raise InputError("err.rack_trays", gpus=gpus, tray=tray, domain=server.gpus, server=server.name)
    return Layout(tensor_parallel, stages, per_node, nodes, pipeline_stages(model.num_hidden_layers, stages),
                  tray, options.data_parallel_attention, options.expert_parallel, server.trays)


def rack_default_tensor_parallel(server, model, stages):
    """One tray's GPUs (TP 4 on NVL72, as a DGX's default is its 8 GPUs); when the weights do not
    fit one tray, the fewest trays, doubling (1, 2, 4, 8, 16), whose GPUs hold them."""
    tray = server.gpus_per_tray
    trays = 1
    while trays * tray * stages <= server.gpus:
        if model.weights is None or weights_fit(model, trays * tray, stages, server):
            return trays * tray
        trays *= 2
    return tray


def weights_fit(model, tensor_parallel, stages, server):
    """The heaviest pipeline stage's weights, split over TP GPUs, within one GPU's memory."""
    layout = Layout(tensor_parallel, stages, 1, 1, pipeline_stages(model.num_hidden_layers, stages), tensor_parallel)
    return max(stage_weights_bytes(model, model.weights, layout)) / tensor_parallel <= server.hbm_per_gpu_gb * GB_BYTES


def sizing_node(server):
    """The GPUs the per-node figures (memory, sessions, tokens/s) describe: the server, or one
    compute tray of a rack-scale system (its failure unit)."""
    if not server.rack_scale:
        return server
    tray = server.gpus_per_tray
    return replace(server, gpus=tray, total_hbm_gb=tray * server.hbm_per_gpu_gb)


def stage_weights_bytes(model, weights, layout):
    """Weights each stage holds: its share of the layers, the embedding on the first and
    the LM head on the last."""
    layers_bytes = weights.weights_bytes - weights.embedding_bytes - weights.lm_head_bytes
    last = len(layout.stages) - 1
    return tuple(Fraction(layers_bytes * (end - first), model.num_hidden_layers)
                 + (weights.embedding_bytes if index == 0 else 0) + (weights.lm_head_bytes if index == last else 0)
                 for index, (first, end) in enumerate(layout.stages))


def routed_expert_parameters(model):
    """Parameters of every routed expert: from the config's count, else from the catalog's total and
    active with E experts and k per token (active = dense + experts x k/E)."""
    experts, per_token = model.num_local_experts, model.num_experts_per_tok
    if model.parameters is not None:
        return Fraction(model.parameters.experts)
    total, active = model.parameters_total, model.parameters_active
    if not experts or not per_token or experts <= per_token or None in (total, active) or total <= active:
        return Fraction(0)
    return Fraction(total - active) * experts / (experts - per_token)


def expert_weight_bytes(model, weights):
    """The routed experts' share of the weights: of the layers' bytes (embedding and LM head apart)
    in proportion to their parameters."""
    experts = routed_expert_parameters(model)
    if not experts or model.parameters_total is None:
        return Fraction(0)
    edge = weights.embedding_bytes + weights.lm_head_bytes
    edge_parameters = (model.parameters.embedding + model.parameters.lm_head) if model.parameters else 0
    return Fraction(weights.weights_bytes - edge) * experts / (model.parameters_total - edge_parameters)


def gpu_weights_bytes(model, weights, layout):
    """Weights on one GPU of the heaviest stage: the stage's weights over its tensor-parallel GPUs, or
    with data-parallel attention every weight but the routed experts whole on each GPU (each runs
    attention for its own sessions) and 1/N of the experts."""
    stage = max(stage_weights_bytes(model, weights, layout))
    if not layout.data_parallel_attention:
        return stage / layout.tensor_parallel
    experts = expert_weight_bytes(model, weights) * stage / weights.weights_bytes
    return stage - experts + experts / layout.tensor_parallel


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
            T("expl.weights_per_tray_spanning" if layout.rack_scale else "expl.weights_per_node_spanning",
              nodes=layout.nodes_per_instance)))
    elif layout.data_parallel_attention:
        # Each GPU keeps every weight but the routed experts, and 1/N of those.
        per_gpu = gpu_weights_bytes(model, model.weights, layout)
        experts = expert_weight_bytes(model, model.weights)
        per_node_gib = per_gpu * layout.node_gpus / GIB_BYTES
        figures.append(figure(
            "weights_per_node_gib", per_node_gib, Unit.GIB,
            T("formula.weights_per_node_dp", gpus=layout.node_gpus, weights=per_instance, experts=experts,
              tensor_parallel=layout.tensor_parallel, per_gpu=per_gpu, per_node_gib=per_node_gib),
            {"node_gpus": layout.node_gpus, "weights_per_instance_bytes": per_instance,
             "expert_weights_bytes": experts, "weights_per_gpu_bytes": per_gpu},
            T("expl.weights_per_node_dp", tensor_parallel=layout.tensor_parallel)))
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


# What makes every scenario infeasible, in the order they are checked.
BLOCKERS = (Bound.WEIGHTS_EXCEED_INSTANCE, Bound.OVERHEAD_EXCEEDS_HBM, Bound.OVERHEAD_BELOW_WEIGHTS,
            Bound.ENGINE_NO_MEMORY)


def blocker_for(model, server, layout, overhead_gib, hbm_gib, weights_per_node_gib, engine_gib=None):
    if model.weights is not None and gpu_weights_bytes(model, model.weights, layout) > server.hbm_per_gpu_gb * GB_BYTES:
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
    """The fewest GPUs per instance (TP within a node or a rack's trays, any PP) whose stages hold the
    weights, among the TPs vLLM builds the model with (engines/vllmrules.py)."""
    sizes = [tp for tp in server.tensor_parallel_sizes if not vllm_tp_rules(model, tp)]
    candidates = sorted(((tp * pp, pp, tp) for tp in sizes
                         for pp in range(1, min(model.num_hidden_layers, MAX_SUGGESTED_STAGES) + 1)
                         if _instance_fits(tp * pp, server)), key=lambda c: (c[0], c[1]))
    for _, pp, tp in candidates:
        if weights_fit(model, tp, pp, server):
            return tp, pp
    return None


def _instance_fits(gpus, server):
    if server.rack_scale:
        return gpus <= server.gpus and gpus in server.tensor_parallel_sizes
    return _whole_nodes(gpus, server.gpus)


def _whole_nodes(gpus, node_gpus):
    return (gpus <= node_gpus and node_gpus % gpus == 0) or (gpus > node_gpus and gpus % node_gpus == 0)
