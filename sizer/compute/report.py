"""build_report: inputs -> Report (layout, KV on every basis, scenarios, alerts).
"""

from __future__ import annotations      # record annotations stay text (3.8 reads `X | None`)

from fractions import Fraction
from math import gcd

from sizer.alerts import evaluate_alerts
from sizer.compute.calibration import VLLM_DEFAULT_UTILIZATION
from sizer.compute.capacity import budget_figure, calibration_figures, engine_memory_figure, sessions_figures
from sizer.compute.cost import kv_transfer_figures
from sizer.compute.differences import engine_memory_alternative, kv_precision_alternative, layout_alternatives
from sizer.compute.engine import engine_for
from sizer.compute.figures import find
from sizer.compute.memory import (KvPerSession, Layout, blocker_for, hbm_total_figure, kv_per_session,
    layout_for, overhead_figure, sizing_node, smallest_fitting_layout, weights_figures, weights_for)
from sizer.compute.nodes import decode_demand_figure, final_nodes, prefill_demand_figure
from sizer.compute.performance import Latency, operating_point, storage_figures, traffic_figure, ttft_figure
from sizer.compute.records import Report
from sizer.compute.scenario import scenario_result
from sizer.compute.serving import closed_loop_figures
from sizer.compute.traffic import cached_tokens, traffic_figures
from sizer.engines.registry import ENGINES
from sizer.engines.vllm import model_stages, vllm_release
from sizer.engines.vllmrules import check_vllm_layout, check_vllm_stages, hybrid_manager, vllm_tp_rules
from sizer.frozen import record, replace
from sizer.layers import FullAttentionLayers, MLALatentLayers, SlidingWindowLayers, StateLayers
from sizer.numbers import InputError, cdiv
from sizer.vocab import (Basis, Bound, Join, KV_PRECISIONS, MAMBA_DTYPES, RECOMMENDED, SCENARIOS,
    SPECULATIVE_METHODS, STATE_MIXERS, T, VLLM_RELEASES)

TYPE_CHECKING = False
if TYPE_CHECKING:      # names the annotations use, never imported at run time
    from sizer.records import Server


@record
class SizingContext:
    """What every scenario shares: the layout, the memory and the KV of a session."""
    layout: Layout
    hbm_gib: Fraction
    overhead_gib: Fraction
    kv_by_basis: dict[str, KvPerSession]
    stage_kv: dict[str, tuple[int, ...]]              # basis -> KV bytes of one session on each pipeline stage
    blocker: str | None             # a BLOCKERS code when no scenario can run
    engine_gib: Fraction | None = None   # the engine's KV memory per node, when given
    prefill_demand: Fraction | None = None   # instance-seconds of prefill per second, from the traffic
    decode_demand: Fraction | None = None    # output tokens per second, from the traffic
    server: Server | None = None           # for the cost and power of its nodes
    host_sessions: Fraction | None = None    # idle sessions a node's host-memory KV tier holds (--kv-offloading-size)


# The smallest kernel blocks vLLM aligns a hybrid model's attention block to (FlashAttention's
# MultipleOf(16); the TRT-LLM/FlashInfer MLA decode kernels' 128).
ATTENTION_KERNEL_BLOCK, MLA_KERNEL_BLOCK = 16, 128


def speculative_tokens(model, options):
    """vLLM's num_speculative_tokens: the option, or the method's default (vocab.SPECULATIVE_METHODS):
    for MTP the checkpoint's num_nextn_predict_layers (SpeculativeConfig's n_predict default in
    0.33.0); EAGLE has no default in vLLM and one draft token is taken here (it does not change the
    KV pool); n-gram has none either and is refused without it, as vLLM refuses it."""
    if options.speculative is None:
        return 0
    mtp_layers = model.parameters.mtp_layers if model.parameters else 0
    tokens = options.num_speculative_tokens
    if tokens is None:
        if options.speculative == "mtp":
            return mtp_layers
        tokens = SPECULATIVE_METHODS[options.speculative].default_tokens
        if tokens is None:
            raise InputError("err.speculative_tokens_required", method=options.speculative)
        return tokens
    if options.speculative == "mtp" and mtp_layers and tokens > mtp_layers and tokens % mtp_layers:
        # vLLM 0.33.0 SpeculativeConfig: MTP modules are reused in whole rounds.
        raise InputError("err.num_speculative_tokens_mtp", tokens=tokens, layers=mtp_layers)
    return tokens


def with_retained_tokens(model, options, release):
    """From 0.33, multi-module MTP (min(num_nextn_predict_layers, num_speculative_tokens) > 1)
    keeps num_speculative_tokens - 1 more tokens below every sliding window, since the chain
    can re-prefill them (kv_cache_planning.py: extra_retained_tokens =
    num_prefill_lookahead_tokens - 1; config/speculative.py: use_multi_module_mtp)."""
    tokens = speculative_tokens(model, options)
    if options.speculative != "mtp" or release.version < VLLM_RELEASES["mtp_retained_tokens"] \
            or min(model.parameters.mtp_layers, tokens) <= 1 \
            or not any(isinstance(g, SlidingWindowLayers) for g in model.layer_groups):
        return model
    groups = tuple(replace(g, retained_tokens=tokens - 1) if isinstance(g, SlidingWindowLayers) else g
                   for g in model.layer_groups)
    return replace(model, layer_groups=groups,
                    derivation=model.derivation + (T("rule.retained_tokens", tokens=tokens - 1),))


def with_draft_layers(model, method):
    """The model with its drafter's attention layers appended (as the last layers); n-gram and suffix
    decoding have none."""
    if method is None or not SPECULATIVE_METHODS[method].draft_layers:
        return model
    if method == "mtp":
        if not model.parameters or not model.parameters.mtp_layers:
            raise InputError("err.mtp_layers", model=model.name)
        extra = model.parameters.mtp_layers
    else:
        extra = 1
    base = model.layer_groups[0] if isinstance(model.layer_groups[0], MLALatentLayers) else None
    groups = list(model.layer_groups)
    kind = base.kind if base is not None else FullAttentionLayers.kind
    for index, group in enumerate(groups):
        if group.kind == kind:
            groups[index] = replace(group, count=group.count + extra)
            break
    else:
        groups.insert(0, FullAttentionLayers(extra))
    return replace(model, layer_groups=tuple(groups), layer_kinds=model.layer_kinds + (kind,) * extra,
                    derivation=model.derivation + (T("rule.draft_layers", method=method, layers=extra),))


def with_state_options(model, options, release, tensor_parallel):
    """State layers with vLLM's dtypes and pages per request: --mamba-cache-dtype (conv state;
    'auto' is the model dtype) and --mamba-ssm-cache-dtype ('auto' follows the conv state unless
    the model says otherwise); 1 + num_speculative_tokens pages without prefix caching, 2 +
    num_speculative_tokens with it ('align' mode, which prefix caching turns on for hybrids in
    0.33: MambaModelConfig.verify_and_update_config, model_executor/models/config.py:750-780),
    plus one prefill-checkpoint page where the mixer exports checkpoints in that release
    (MambaSpec.max_memory_usage_bytes, v1/kv_cache_interface.py:1135-1141); Mamba2 and Gated
    DeltaNet conv states gain a column per speculative token (vocab.STATE_MIXERS)."""
    if not any(isinstance(g, StateLayers) for g in model.layer_groups):
        return model
    prefix_caching = options.enable_prefix_caching
    if prefix_caching is None:
        prefix_caching = release.version >= VLLM_RELEASES["mamba_align"]
    spec_tokens = speculative_tokens(model, options)
    groups = []
    for group in model.layer_groups:
        if isinstance(group, StateLayers):
            if group.ssm_dtypes and options.mamba_ssm_cache_dtype not in (None,) + group.ssm_dtypes:
                raise InputError("err.state_ssm_dtype", kind=T(group.kind_text), dtype=options.mamba_ssm_cache_dtype,
                                 choices=Join(group.ssm_dtypes))
            conv = MAMBA_DTYPES[options.mamba_cache_dtype] if options.mamba_cache_dtype else group.conv_bytes
            ssm = MAMBA_DTYPES[options.mamba_ssm_cache_dtype] if options.mamba_ssm_cache_dtype else (
                conv if group.ssm_bytes is None else group.ssm_bytes)
            mixer = STATE_MIXERS[group.mixer]
            grid = mixer.checkpoint_grid if prefix_caching and mixer.checkpoint_release is not None and \
                release.version >= VLLM_RELEASES[mixer.checkpoint_release] else None
            blocks = (2 + (grid is not None) if prefix_caching else 1) + spec_tokens
            group = replace(group, conv_bytes=conv, ssm_bytes=ssm, state_blocks=blocks, checkpoint_grid=grid,
                             conv_spec_columns=spec_tokens if mixer.conv_spec_columns else 0)
        groups.append(group)
    return replace(model, layer_groups=tuple(groups))


def hybrid_block_size(model, options, tensor_parallel):
    """vLLM 0.33.0 Platform._align_hybrid_block_size (platforms/interface.py:940-1112): with state
    layers, the attention block grows until one attention page holds the largest state page:
    alignment x cdiv(state page, alignment x attention page of one token), a multiple of 16, where
    the alignment is the larger of the attention kernel's smallest block (16 for FlashAttention;
    128 for MLA) and --block-size, and in 'align' mode also a multiple of the grid the state
    layers' prefill checkpoints lie on (64 for FlashInfer's GDN prefill)."""
    states = [g for g in model.layer_groups if isinstance(g, StateLayers)]
    if not states:
        return options.block_size
    attention = [g for g in model.layer_groups if not isinstance(g, StateLayers)][0]
    token_page = Fraction(attention.token_bytes(model, tensor_parallel, options.kv_precision), tensor_parallel)
    state_page = max(g.state_bytes_gpu(tensor_parallel) for g in states)
    alignment = max(MLA_KERNEL_BLOCK if isinstance(attention, MLALatentLayers) else ATTENTION_KERNEL_BLOCK,
                    options.block_size)
    for grid in (g.checkpoint_grid for g in states if g.checkpoint_grid is not None):
        alignment = alignment * grid // gcd(alignment, grid)
    block = alignment * cdiv(state_page, alignment * token_page)
    block = ATTENTION_KERNEL_BLOCK * cdiv(block, ATTENTION_KERNEL_BLOCK)
    return max(options.block_size, block)


def computed_bases(options, model):
    """The bases every report compares (spec and vllm), and the one asked for. SGLang's and
    TensorRT-LLM's own pools for Mamba or linear-attention state are not modeled: such a model is
    refused on those bases rather than sized wrong."""
    engine = ENGINES[options.kv_accounting]
    if not engine.holds_state_layers and any(isinstance(g, StateLayers) for g in model.layer_groups):
        raise InputError("err.engine_state_layers", engine=engine.display_name, model=model.name)
    always = (Basis.SPEC, Basis.VLLM)
    return always + (() if engine.basis in always else (engine.basis,))


def kv_on_every_basis(model, options, context_tokens, layout, kv_tp, block_size, in_flight, hybrid):
    """One session's KV on every basis computed, and on each pipeline stage: ({basis: KvPerSession},
    {basis: (bytes per stage, ...)}); `hybrid`: whether vLLM's hybrid KV-cache manager is on."""
    kv_by_basis, stage_kv = {}, {}
    stages = model_stages(model, layout)
    for name in computed_bases(options, model):
        page = ENGINES[name].page_tokens(options, block_size)
        kv_by_basis[name] = kv_per_session(model, context_tokens, options.kv_precision, kv_tp, name,
                                           page, options.max_num_batched_tokens, hybrid_manager=hybrid,
                                           in_flight_tokens=in_flight, requested_block_size=options.block_size,
                                           stages=stages, window_ratio=options.swa_full_tokens_ratio)
        stage_kv[name] = tuple(
            kv_per_session(model, context_tokens, options.kv_precision, kv_tp, name, page,
                           options.max_num_batched_tokens, model.groups_for_layers(first, end), hybrid,
                           in_flight, window_ratio=options.swa_full_tokens_ratio).bytes
            for first, end in stages) if layout.pipeline_parallel > 1 else (kv_by_basis[name].bytes,)
    return kv_by_basis, stage_kv


def build_report(options, model, server, storage):
    """Every number of the sizing, as frozen records. Pure: no I/O."""
    given_model = model
    context_tokens = min(options.effective_context, model.max_position_embeddings)
    release = vllm_release(options)
    model = replace(with_retained_tokens(with_draft_layers(model, options.speculative), options, release),
                     weights=weights_for(model, options.weight_precision))
    layout = layout_for(options, server, model)
    kv_tp = 1 if layout.data_parallel_attention else layout.tensor_parallel
    check_vllm_layout(model, kv_tp, server)
    hybrid, hybrid_rule = hybrid_manager(model, options, release)
    check_vllm_stages(model, layout.stages)
    if hybrid_rule is not None:
        model = replace(model, derivation=model.derivation + (hybrid_rule,))
    model = with_state_options(model, options, release, kv_tp)
    block_size = hybrid_block_size(model, options, kv_tp)
    in_flight = release.concurrent_batches(layout.pipeline_parallel) * options.max_num_batched_tokens
    kv_by_basis, stage_kv = kv_on_every_basis(model, options, context_tokens, layout, kv_tp, block_size, in_flight,
                                              hybrid)
    # The per-node figures describe a node, or one compute tray of a rack-scale system.
    node = sizing_node(server)
    hbm = hbm_total_figure(node, server if server.rack_scale else None)
    weights = weights_figures(model, layout)
    weights_per_node_gib = find(weights, "weights_per_node_gib")
    overhead = overhead_figure(model, node, layout, options, weights_per_node_gib)
    overhead_gib = options.runtime_overhead_gib if overhead is None else overhead.value
    common = list(kv_by_basis[options.kv_accounting].figures) + [hbm] + list(weights)
    if overhead is not None:
        common.append(overhead)
    if options.mean_session_seconds is not None:
        common.insert(0, traffic_figure(options))
    roofline, missing = engine_for(model, server, layout, options, context_tokens)
    if roofline is None and (options.tpot_slo_ms is not None or options.ttft_slo_ms is not None):
        raise InputError("err.roofline_missing", missing=Join(missing))
    ttft_s = prefill_demand = None
    if options.concurrency is None and roofline is None:
        raise InputError("err.operating_point_roofline", missing=Join(missing))
    if roofline is not None:
        ttft = ttft_figure(model, roofline, context_tokens)
        ttft_s = ttft.value
        common.append(ttft)
        if options.input_tokens is not None:
            # A request's prompt is --input-tokens: its TTFT is what targets and prefill demand see.
            tokens = min(options.input_tokens, context_tokens)
            prompt = ttft_figure(model, roofline, tokens, "ttft_prompt_s",
                                 cached_tokens(tokens, options, options.block_size))
            ttft_s = prompt.value
            common.append(prompt)
        if options.requests_per_second is not None:
            demand = prefill_demand_figure(options, ttft_s, layout)
            prefill_demand = demand.value
            common.append(demand)
    if options.disaggregated:
        if server.rack_scale:
            raise InputError("err.disaggregated_rack", server=server.name)
        if options.requests_per_second is None:
            raise InputError("err.disaggregated_traffic")
        if roofline is None:
            raise InputError("err.disaggregated_roofline", missing=Join(missing))
        prompt_tokens = min(options.input_tokens or context_tokens, context_tokens)
        transfer, disaggregated_ttft = kv_transfer_figures(model, options, prompt_tokens, kv_tp, ttft_s)
        common.extend((transfer, disaggregated_ttft))
        ttft_s = disaggregated_ttft.value
    decode_demand = None
    if options.requests_per_second is not None and options.output_tokens is not None:
        decode = decode_demand_figure(options)
        decode_demand = decode.value
        common.append(decode)
    common.extend(storage_figures(model, storage, layout, kv_by_basis[options.kv_accounting].bytes))
    if options.calibration is not None:
        engine, *checks = calibration_figures(model, options, kv_tp, block_size, in_flight, release, layout, node)
    else:
        engine, checks = engine_memory_figure(model, node, layout, options), []
    if engine is not None:
        common.append(engine)
    common.extend(checks)
    engine_gib = None if engine is None else (engine.value or Fraction(0))
    blocker = blocker_for(model, node, layout, overhead_gib, hbm.value, weights_per_node_gib, engine_gib)
    traffic = None
    if None not in (options.input_tokens, options.output_tokens):
        # The requests' tokens are known: aggregated, prefill chunks ride in the decode steps.
        tokens = min(options.input_tokens, context_tokens)
        traffic = (tokens, options.output_tokens, options.max_num_batched_tokens,
                   cached_tokens(tokens, options, options.block_size))
    extra, simulation, host_sessions = traffic_figures(options, model, server, layout, roofline, context_tokens,
                                                       kv_tp, kv_by_basis[options.kv_accounting].bytes)
    common.extend(extra)
    context = SizingContext(layout, hbm.value, overhead_gib, kv_by_basis, stage_kv, blocker, engine_gib,
                            prefill_demand, decode_demand, server, host_sessions)
    latency = Latency(roofline, ttft_s, options.tpot_slo_ms, options.ttft_slo_ms,
                      None if roofline is None else ttft.value, traffic, options.disaggregated, simulation)
    if options.concurrency is None:
        point = operating_point(options, context, latency)
        options = replace(options, concurrency=point.value)
        common.insert(0, point)
    scenarios = tuple(scenario_result(scenario, options, context, latency, storage) for scenario in SCENARIOS)
    if options.requests_per_second is None and traffic is not None:
        # The closed-loop question: --concurrency sessions per node with the requests' tokens.
        common.extend(closed_loop_figures(options, latency, layout, scenarios[0].capacity.per_instance))
    report = Report(options, model, server, storage, context_tokens, layout, overhead_gib, blocker, missing,
                    kv_by_basis, tuple(common), scenarios,
                    fitting_layout=smallest_fitting_layout(model, server)
                    if blocker == Bound.WEIGHTS_EXCEED_INSTANCE else None,
                    replication_alternative=replication_alternative(options, model, server, storage, layout),
                    latency=latency)
    if engine is None and blocker is None:
        report = replace(report, engine_memory=vllm_memory_alternative(report, context, latency))
    if options.scenario_performance and options.layout_hints:   # not for a comparison's rows, a search's
                                                                # candidates, nor the sizings below
        auto = overhead_figure(model, node, layout, replace(options, runtime_overhead_auto=True),
                               weights_per_node_gib)

        def rebuild(**changes):
            try:
                other = build_report(replace(options, scenario_performance=False, **changes), given_model, server,
                                     storage)
            except InputError:
                return None
            return other.scenario(RECOMMENDED).nodes_final

        def memory_nodes(other, budget_gib, kv, stage_kv):
            """RECOMENDADO's nodes by memory with another budget or KV (no latency target, no traffic)."""
            result = report.scenario(RECOMMENDED)
            _, capacity = sessions_figures(other, budget_gib, kv, stage_kv, other.kv_accounting, layout,
                                           replace(latency, tpot_slo_ms=None, ttft_slo_ms=None), None)
            sessions = capacity.memory_sessions(other.kv_accounting)
            return final_nodes(options.concurrency, result.parameters, sessions, layout) if sessions else None

        def nodes_at_precision(precision):
            budget = report.scenario(RECOMMENDED).values.kv_budget_gib
            if not any(isinstance(g, StateLayers) for g in model.layer_groups):
                # Every KV byte scales with the element's bytes (pages, blocks and tokens alike): the same
                # sessions as the budget scaled the other way, without sizing the KV again.
                ratio = KV_PRECISIONS[precision] / KV_PRECISIONS[options.kv_precision]
                return memory_nodes(options, budget / ratio, kv_by_basis, stage_kv)
            other = replace(options, kv_precision=precision)
            kv, other_stage_kv = kv_on_every_basis(model, other, context_tokens, layout, kv_tp,
                                                   hybrid_block_size(model, other, kv_tp), in_flight, hybrid)
            return memory_nodes(other, budget, kv, other_stage_kv)

        def nodes_with_overhead(overhead_gib):
            result = report.scenario(RECOMMENDED)
            budget = budget_figure(result.parameters, overhead_gib, hbm.value).value
            return memory_nodes(options, budget, kv_by_basis, stage_kv) if budget else None
        alternatives = layout_alternatives(report, rebuild, auto.value, nodes_with_overhead) + tuple(
            item for item in (kv_precision_alternative(report, nodes_at_precision),) if item is not None)
        report = replace(report, alternatives=alternatives)
    return replace(report, alerts=evaluate_alerts(report))


def vllm_memory_alternative(report, context, latency):
    """With the guide's budget, what vLLM's own rule (its default --gpu-memory-utilization 0.9 of each GPU, less
    the weights and the activation peak) gives RECOMENDADO, when its node count is more than 10% apart."""
    options = replace(report.options, gpu_memory_utilization=VLLM_DEFAULT_UTILIZATION)
    memory = engine_memory_figure(report.model, report.server, report.layout, options)
    engine_gib = memory.value if memory is not None else None
    free = replace(latency, tpot_slo_ms=None, ttft_slo_ms=None)

    def sessions_at(budget_gib):
        _, capacity = sessions_figures(report.options, budget_gib, context.kv_by_basis, context.stage_kv,
                                       report.options.kv_accounting, report.layout, free, None)
        return capacity.memory_sessions(report.options.kv_accounting)
    return engine_memory_alternative(report, engine_gib, VLLM_DEFAULT_UTILIZATION, sessions_at)


def replication_alternative(options, model, server, storage, layout):
    """With fewer KV heads than TP GPUs every head is stored more than once; the largest TP
    that divides the node and holds each head once, and what RECOMENDADO gets with it."""
    if model.mla_latent_dim is not None or model.num_key_value_heads >= layout.tensor_parallel \
            or layout.pipeline_parallel > 1:
        return None
    accepted = [tp for tp in server.tensor_parallel_sizes
                if tp <= model.num_key_value_heads and not vllm_tp_rules(model, tp)]     # a TP vLLM builds
    if not accepted:
        return None
    tensor_parallel = max(accepted)
    try:
        other = build_report(replace(options, tensor_parallel=tensor_parallel, scenario_performance=False), model,
                             server, storage)
    except InputError:
        return None             # e.g. a Mamba state that does not split across that TP
    recommended = other.scenario(RECOMMENDED).capacity
    return (tensor_parallel, other.instances_per_node, recommended.sessions if recommended.feasible else None)
