"""Capacity: sessions per node in each scenario, from the budget or the engine's pool, with the
latency bounds.
"""

from __future__ import annotations      # record annotations stay text (3.8 reads `X | None`)

from fractions import Fraction

from sizer.compute.calibration import (calibration_target, check_unmatched_model, gpu_bytes,
    heaviest_stage_weights_per_gpu, logged_layout)
from sizer.compute.figures import FIGURE_LABELS, Figure, figure, find, typed_values
from sizer.compute.memory import (BLOCKERS, FIXED_ALLOWANCE_GIB_PER_GPU, activation_gib_per_gpu,
    gpu_weights_bytes, kv_per_session)
from sizer.engines.registry import ENGINES
from sizer.engines.tokenpool import TokenPool
from sizer.engines.vllm import VllmPool, model_stages, vllm_release
from sizer.engines.vllmrules import hybrid_manager
from sizer.frozen import record
from sizer.numbers import InputError
from sizer.vocab import Basis, Bound, GB_BYTES, GIB_BYTES, Join, LIMIT_TEXT, Scenario, T, Unit


@record
class ScenarioParameters:
    peak_headroom_ratio: Fraction
    ha_extra_nodes: int
    kv_budget_ratio: Fraction


def scenario_parameters(scenario, options):
    headroom = options.peak_headroom_ratio if scenario.use_headroom else Fraction(0)
    if scenario.headroom_floor is not None:
        headroom = max(headroom, scenario.headroom_floor)
    ratio = options.kv_budget_ratio
    if scenario.budget_cap is not None:
        ratio = min(ratio, scenario.budget_cap)
    return ScenarioParameters(headroom, scenario.ha_extra_nodes, ratio)


@record
class Capacity:
    """Sessions one node holds in a scenario, and what limits them."""
    sessions: int               # per node, after every bound
    per_instance: int
    capped: bool                # max_num_seqs binds (vllm basis)
    memory_by_basis: tuple[tuple[str, int], ...]      # ((basis, sessions per node by memory), ...)
    bounds: tuple[str, ...]               # Bound codes that set the count
    vllm_refusal: tuple[Fraction | int | None, ...] | None = None # (needed, available, estimated max_model_len) when vLLM would not start
    memory_per_instance: int = 0    # sessions memory alone admits per instance (latency targets aside)

    def memory_sessions(self, basis):
        return dict(self.memory_by_basis)[basis]

    @property
    def limit(self):
        """The one bound the summary names."""
        if self.vllm_refusal is not None:
            return Bound.VLLM_WOULD_NOT_START
        if self.bounds != (Bound.MEMORY,):
            return self.bounds[0]
        return Bound.MAX_NUM_SEQS if self.capped else Bound.MEMORY

    @property
    def feasible(self):
        return self.sessions > 0 and self.limit not in BLOCKERS


@record
class ScenarioValues:
    """A scenario's figures that logic reads (alerts, the outline, the search), as typed fields named
    by their figure keys (figures.typed_values); None when the scenario has no such figure."""
    nodes_final: int | None = None
    nodes_capacity: int | None = None
    nodes_aggregated: int | None = None
    prefill_pool_nodes: int | None = None
    decode_pool_nodes: int | None = None
    trays_final: int | None = None
    kv_budget_gib: Fraction | None = None
    failover_restore_s: Fraction | None = None
    failover_recompute_s: Fraction | None = None
    tpot_full_ms: Fraction | None = None
    tpot_after_failure_ms: Fraction | None = None
    tokens_per_s_node_load: Fraction | None = None
    tokens_per_s_session_load: Fraction | None = None
    monthly_cost_usd: Fraction | None = None


@record
class ScenarioResult:
    scenario: Scenario
    parameters: ScenarioParameters
    figures: tuple[Figure, ...]
    capacity: Capacity
    demand_bound: str | None = None     # Bound.PREFILL or DECODE when the traffic, not memory, sets the nodes

    @property
    def values(self):
        """The scenario's figures' values, typed (ScenarioValues): what logic reads. Built once and kept
        beside the fields (equality, hashing and replace() read only the fields, so a copy builds its own)."""
        view = self.__dict__.get("_values")
        if view is None:
            view = self.__dict__["_values"] = typed_values(ScenarioValues, self.figures)
        return view

    def value(self, key):
        """The value of the figure `key`, for code that walks figures by key (the outline's tables)."""
        return find(self.figures, key)

    @property
    def limit(self):
        """What sets this scenario's node count (the summary's and JSON's `limit`)."""
        return self.demand_bound or self.capacity.limit

    @property
    def nodes_final(self):
        return find(self.figures, "nodes_final")        # read often (searches, comparisons): no whole view


def sessions_per_instance(stage_budget_bytes, stage_kv_bytes, layout, cap):
    """Whole sessions one instance admits: its tightest stage decides (each stage holds its
    own layers' KV); with data-parallel attention each GPU keeps its own sessions."""
    if stage_budget_bytes <= 0:
        return 0, False
    groups = layout.attention_groups
    per_instance = min(groups * int((stage_budget_bytes / groups) // kv) for kv in stage_kv_bytes)
    capped = cap is not None and per_instance > cap
    return (cap if capped else per_instance), capped


def engine_memory_figure(model, server, layout, options):
    """The KV memory the engine gets per node, when the planner gives the engine's own figures:
    --kv-cache-memory-bytes per GPU as it is (vLLM ignores gpu_memory_utilization then), or
    --gpu-memory-utilization x the CUDA-visible bytes, less the heaviest stage's weights per GPU,
    the activation peak and the fixed allowance of `auto` (vLLM's startup profile)."""
    gpus = server.gpus
    if options.kv_cache_memory_bytes is not None:
        check_kv_cache_memory_bytes(model, server, layout, options.kv_cache_memory_bytes)
        per_gpu = Fraction(options.kv_cache_memory_bytes)
        return figure("kv_cache_memory_gib", per_gpu * gpus / GIB_BYTES, Unit.GIB,
                      T("formula.kv_cache_memory_bytes", per_gpu=per_gpu, gpus=gpus, gib=per_gpu * gpus / GIB_BYTES),
                      {"kv_cache_memory_bytes": options.kv_cache_memory_bytes, "gpus": gpus},
                      T("expl.kv_cache_memory_bytes"))
    if options.gpu_memory_utilization is None:
        return None
    visible = server.cuda_visible_bytes_per_gpu
    note = ()
    if visible is None:
        visible = server.hbm_per_gpu_gb * GB_BYTES
        note = (T("expl.engine_memory_marketing"),)
    weights = gpu_weights_bytes(model, model.weights, layout) if model.weights is not None else Fraction(0)
    allowance = activation_gib_per_gpu(model, layout, options) * GIB_BYTES + FIXED_ALLOWANCE_GIB_PER_GPU * GIB_BYTES
    usable = options.gpu_memory_utilization * visible
    per_gpu = usable - weights - allowance
    formula = (T("formula.engine_memory", utilization=options.gpu_memory_utilization, visible=visible,
                 weights=weights, allowance=allowance, gpus=gpus, gib=per_gpu * gpus / GIB_BYTES) if per_gpu > 0 else
               T("formula.engine_memory_none", utilization=options.gpu_memory_utilization, visible=visible,
                 weights=weights, allowance=allowance))
    return figure("kv_cache_memory_gib", per_gpu * gpus / GIB_BYTES if per_gpu > 0 else None, Unit.GIB, formula,
                  {"gpu_memory_utilization": options.gpu_memory_utilization, "cuda_visible_bytes_per_gpu": visible,
                   "usable_bytes_per_gpu": usable, "weights_bytes_per_gpu": weights,
                   "activation_and_fixed_bytes_per_gpu": allowance, "gpus": gpus},
                  (T("expl.engine_memory"),) + note, absent=T("value.infeasible"))


def check_kv_cache_memory_bytes(model, server, layout, kv_bytes_per_gpu):
    """--kv-cache-memory-bytes is per GPU, beside the weights: more than a GPU holds is an input error
    (vLLM would fail to allocate it at startup), not a pool to size."""
    weights = heaviest_stage_weights_per_gpu(model, layout)
    room = gpu_bytes(server)
    if kv_bytes_per_gpu + weights > room and weights < room:
        raise InputError("err.kv_cache_memory_bytes_too_large", bytes=kv_bytes_per_gpu,
                         gib=Fraction(kv_bytes_per_gpu, GIB_BYTES), weights_gib=weights / GIB_BYTES,
                         server=server.name, gpu_gib=Fraction(room) / GIB_BYTES, maximum=int(room - weights))


def calibration_figures(model, options, tensor_parallel, block_size, in_flight, release, layout, server):
    """The KV memory per GPU a real deployment had, from its vLLM log, and the check of that log
    against this model's rules. The memory comes from the most exact line the log has: "# GPU
    blocks" (older releases), "GPU KV cache size" when the pool has one kind of layer (then
    tokens / block size are its blocks), else "Available KV cache memory" (GiB to 2 decimals)."""
    log = options.calibration
    log_context = log.max_model_len or log.concurrency_tokens or options.effective_context
    log_layout = logged_layout(log, model, layout)
    if log_layout is not layout:
        # The log's pool and its checks are at the TP it ran; the pool this run gets is rebuilt or refused.
        tensor_parallel = 1 if layout.data_parallel_attention else log_layout.tensor_parallel
    if log.engine is not None:
        return token_pool_calibration(model, options, tensor_parallel, log, log_context, server, layout, log_layout)
    pool = kv_per_session(model, log_context, options.kv_precision, tensor_parallel, Basis.VLLM, block_size,
                          options.max_num_batched_tokens, hybrid_manager=hybrid_manager(model, options, release)[0],
                          in_flight_tokens=in_flight, stages=model_stages(model, log_layout)).pool
    exact = not layout.data_parallel_attention
    single_kind = len(pool.charged) == 1
    if exact and log.gpu_blocks is not None:
        source, blocks = "gpu_blocks", log.gpu_blocks
        per_gpu = blocks * pool.bytes_per_block_gpu
        formula = T("formula.calibrated_blocks", blocks=blocks, per_block=pool.bytes_per_block_gpu, bytes=per_gpu)
    elif exact and single_kind and log.kv_cache_tokens is not None:
        source, blocks = "kv_cache_tokens", log.kv_cache_tokens // block_size
        per_gpu = blocks * pool.bytes_per_block_gpu
        formula = T("formula.calibrated_tokens", tokens=log.kv_cache_tokens, block_size=block_size,
                    per_block=pool.bytes_per_block_gpu, bytes=per_gpu)
    else:
        if log.available_kv_gib is None:
            raise InputError("err.log_no_kv", path=log.path)
        source = "available_kv_gib"
        per_gpu = log.available_kv_gib * GIB_BYTES
        formula = T("formula.calibrated_gib", gib=log.available_kv_gib, bytes=per_gpu)
    if per_gpu <= 0:
        raise InputError("err.log_zero_kv", path=log.path, line=log.line(source))
    memory = calibrated_memory_figure(log, source, formula, calibration_target(model, log, layout, log_layout, server,
                                                                                per_gpu), server, {})
    figures = [memory]
    available = log.available_kv_gib
    if source != "available_kv_gib" and available is not None:
        # The log's own memory line, against the memory its blocks take under these rules.
        gap = per_gpu / (available * GIB_BYTES) - 1
        figures.append(figure(
            "calibration_memory_gap_percent", gap * 100, Unit.PERCENT,
            T("formula.calibration_memory_gap", ours=per_gpu / GIB_BYTES, logged=available, gap=gap * 100),
            {"log_line": log.line("available_kv_gib"), "kv_cache_memory_bytes_per_gpu": per_gpu},
            T("expl.calibration_memory_gap")))
    logged = log.max_concurrency
    if logged is not None:
        blocks = pool.blocks(per_gpu)
        if release.tokens_concurrency:
            ours = Fraction(blocks * block_size, log_context)
        else:
            ours = Fraction(blocks, pool.blocks_per_request)
        gap = ours / logged - 1
        figures.append(figure(
            "calibration_concurrency_gap_percent", gap * 100, Unit.PERCENT,
            T("formula.calibration_gap", ours=ours, logged=logged, gap=gap * 100),
            {"log_line": log.line("max_concurrency"), "gpu_blocks": blocks,
             "blocks_per_request": pool.blocks_per_request, "max_model_len": log_context},
            T("expl.calibration_gap")))
    check_unmatched_model(log, model, figures)
    return tuple(figures)


def calibrated_memory_figure(log, source, formula, target, server, extra_inputs):
    """The KV memory per node a log gives this run: its pool per GPU (or the pool rebuilt for these GPUs)
    x the node's GPUs; with no memory left, the engine's own blocker says so."""
    per_gpu, gpus = target.per_gpu, server.gpus
    derivation = formula if target.rebuilt is None else Join((formula, target.rebuilt), "; ")
    inputs = dict({"calibrate_from": log.path, "log_line": log.line(source), "kv_cache_memory_bytes_per_gpu": per_gpu,
                   "gpus": gpus}, **extra_inputs)
    inputs.update(target.inputs)
    explanation = (T("expl.calibrated_memory", line=log.line(source)),) + (
        (target.explanation,) if target.explanation is not None else ())
    if per_gpu <= 0:
        return figure("kv_cache_memory_gib", None, Unit.GIB, T("formula.calibrated_memory_none", derivation=derivation),
                      inputs, explanation, absent=T("value.infeasible"))
    return figure("kv_cache_memory_gib", per_gpu * gpus / GIB_BYTES, Unit.GIB,
                  T("formula.calibrated_memory", derivation=derivation, gpus=gpus, gib=per_gpu * gpus / GIB_BYTES),
                  inputs, explanation)


def token_pool_calibration(model, options, tensor_parallel, log, context_tokens, server, layout, log_layout):
    """The KV memory per GPU of an SGLang or TensorRT-LLM deployment, from its pool: the tokens (or
    blocks) its log prints x the bytes of one token of every layer under this model's rules; and the
    check of the log's own memory line against it."""
    engine = log.engine
    page = ENGINES[engine].page_tokens(options, options.block_size)
    pool = kv_per_session(model, context_tokens, options.kv_precision, tensor_parallel, engine, page,
                          options.max_num_batched_tokens, window_ratio=options.swa_full_tokens_ratio).pool
    stage = pool.stages[0]
    if engine == Basis.TRTLLM and log.gpu_blocks is not None:
        source, tokens = "gpu_blocks", log.gpu_blocks * page
    elif log.full_tokens is not None:
        source, tokens = "full_tokens", log.full_tokens
    else:
        source, tokens = "kv_cache_tokens", log.kv_cache_tokens
    if engine == Basis.SGLANG and stage.window_token_bytes_gpu and log.swa_tokens is not None:
        # The two pools: full tokens x the full layers' bytes, SWA tokens x the windowed layers'.
        per_gpu = tokens * stage.full_token_bytes_gpu + log.swa_tokens * stage.window_token_bytes_gpu
        formula = T("formula.calibrated_swa_pools", full=tokens, full_bytes=stage.full_token_bytes_gpu,
                    swa=log.swa_tokens, swa_bytes=stage.window_token_bytes_gpu, bytes=per_gpu)
    else:
        cell = stage.full_token_bytes_gpu + stage.window_token_bytes_gpu
        per_gpu = tokens * cell
        formula = T("formula.calibrated_pool", tokens=tokens, cell=cell, bytes=per_gpu)
    figures = [calibrated_memory_figure(log, source, formula,
                                        calibration_target(model, log, layout, log_layout, server, per_gpu), server,
                                        {"engine": ENGINES[engine].display_name})]
    logged = (log.k_gib + log.v_gib if None not in (log.k_gib, log.v_gib)
              and not stage.window_token_bytes_gpu else log.allocated_kv_gib)
    line = log.line("k_gib") if engine == Basis.SGLANG else log.line("allocated_kv_gib")
    if logged is not None:
        gap = per_gpu / (logged * GIB_BYTES) - 1
        figures.append(figure(
            "calibration_memory_gap_percent", gap * 100, Unit.PERCENT,
            T("formula.calibration_pool_gap", ours=per_gpu / GIB_BYTES, logged=logged, gap=gap * 100),
            {"log_line": line, "kv_cache_memory_bytes_per_gpu": per_gpu}, T("expl.calibration_pool_gap")))
    check_unmatched_model(log, model, figures)
    return tuple(figures)


def budget_figure(params, overhead_gib, hbm_gib, engine_gib=None):
    if engine_gib is not None:
        value = engine_gib if engine_gib > 0 else None
        return figure("kv_budget_gib", value, Unit.GIB, T("formula.kv_budget_engine", engine_gib=engine_gib),
                      {"kv_cache_memory_gib": engine_gib}, T("expl.kv_budget_engine"),
                      absent=None if value is not None else T("value.infeasible"))
    ratio = params.kv_budget_ratio
    budget_gib = (hbm_gib - overhead_gib) * ratio
    inputs = {"hbm_total_gib": hbm_gib, "runtime_overhead_gib": overhead_gib, "kv_budget_ratio": ratio}
    if budget_gib <= 0:
        return figure("kv_budget_gib", None, Unit.GIB,
                      T("formula.kv_budget_none", hbm_gib=hbm_gib, overhead=overhead_gib), inputs,
                      T("expl.kv_budget_none"), absent=T("value.infeasible"))
    return figure("kv_budget_gib", budget_gib, Unit.GIB,
                  T("formula.kv_budget", hbm_gib=hbm_gib, overhead=overhead_gib, ratio=ratio, budget_gib=budget_gib),
                  inputs, T("expl.kv_budget", ratio=ratio))


def sessions_figures(options, budget_gib, kv_by_basis, stage_kv, basis, layout, latency, blocker):
    """Sessions per node (or per instance, when one spans nodes): memory under both bases,
    then the latency targets if any."""
    unit_key = "sessions_per_instance" if layout.spans_nodes else "sessions_per_node"
    if blocker is not None:
        return [figure(unit_key, None, Unit.SESSIONS, T("formula.infeasible", reason=T(LIMIT_TEXT[blocker])),
                       {"capacity_basis": basis}, T("expl.infeasible"),
                       T(FIGURE_LABELS[unit_key], nodes=layout.nodes_per_instance), T("value.infeasible"))], \
            Capacity(0, 0, False, tuple((name, 0) for name in ENGINES), (blocker,))
    budget_bytes = (budget_gib or 0) * GIB_BYTES
    # The overhead is spread evenly over the node's GPUs, so a stage (TP GPUs) gets its share.
    stage_budget = budget_bytes * layout.tensor_parallel / layout.node_gpus
    per_unit = 1 if layout.spans_nodes else layout.instances_per_node
    counts = {}
    release = vllm_release(options)
    pool = kv_by_basis[Basis.VLLM].pool if pool_applies(kv_by_basis[Basis.VLLM].pool, layout) else None
    refusal = None
    engine_pool = token_pool_for(kv_by_basis.get(basis), layout)
    for name in kv_by_basis:
        if name == Basis.VLLM and pool is not None:
            per_instance, capped_name, refusal = pool_sessions(pool, stage_budget / layout.tensor_parallel, release,
                                                               options.max_num_seqs)
        elif name == basis and engine_pool is not None:
            per_instance, capped_name = engine_pool.sessions(stage_budget / layout.tensor_parallel), False
        else:
            per_instance, capped_name = sessions_per_instance(stage_budget, stage_kv[name], layout,
                                                               options.max_num_seqs if name == Basis.VLLM else None)
        counts[name] = (per_instance * per_unit, per_instance, capped_name)
    memory_sessions, memory_per_instance, capped = counts[basis]
    kv_gib = kv_by_basis[basis].gib
    caps = latency.caps_per_instance(kv_by_basis[basis].bytes, memory_per_instance)
    binding = tuple(name for name, cap in caps if cap < memory_per_instance)
    per_instance = min([memory_per_instance] + [cap for _, cap in caps])
    explanation = [T("expl.sessions")]
    if layout.instances_per_node > 1:
        explanation.append(T("expl.sessions_instances", instances=layout.instances_per_node))
    if layout.pipeline_parallel > 1:
        explanation.append(T("expl.sessions_stages", stages=layout.pipeline_parallel))
    if layout.data_parallel_attention:
        explanation.append(T("expl.sessions_dp_attention", gpus=layout.tensor_parallel))
    if capped:
        explanation.append(T("expl.sessions_capped", max_num_seqs=options.max_num_seqs))
    if basis == Basis.VLLM and pool is not None:
        blocks = pool.blocks(stage_budget / layout.tensor_parallel)
        expression = T("formula.sessions_pool_null" if release.null_block else "formula.sessions_pool",
                       instances=per_unit, blocks=blocks, per_request=pool.blocks_per_request)
    elif engine_pool is not None:
        per_gpu = stage_budget / layout.tensor_parallel
        stage = engine_pool.tightest(per_gpu)
        full, window = engine_pool.capacity(per_gpu, stage)
        terms = ((T("formula.token_pool_term", tokens=full, per_request=engine_pool.request_full_tokens),)
                 if stage.full_token_bytes_gpu else ()) + (
                (T("formula.token_pool_term", tokens=window, per_request=engine_pool.request_window_tokens),)
                if stage.window_token_bytes_gpu else ())
        expression = T("formula.sessions_token_pool", instances=per_unit, terms=Join(terms))
    elif layout.pipeline_parallel == 1 and not layout.data_parallel_attention:
        expression = (T("formula.sessions_one", budget_gib=budget_gib, kv_gib=kv_gib) if layout.instances_per_node == 1
                      else T("formula.sessions_many", instances=layout.instances_per_node, budget_gib=budget_gib,
                             kv_gib=kv_gib))
    else:
        term = "formula.stage_term_dp" if layout.data_parallel_attention else "formula.stage_term"
        expression = T("formula.sessions_stages", instances=per_unit, terms=Join(tuple(
            T(term, groups=layout.attention_groups, stage_gib=Fraction(stage_budget, GIB_BYTES),
              kv_gib=Fraction(kv, GIB_BYTES)) for kv in stage_kv[basis])))
    memory = figure(
        unit_key + "_memory" if caps else unit_key, memory_sessions, Unit.SESSIONS,
        T("formula.sessions", expression=expression,
          cap=T("formula.sessions_cap", max_num_seqs=options.max_num_seqs) if basis == Basis.VLLM else "",
          nonpositive=" (budget <= 0)" if budget_bytes <= 0 else "", sessions=memory_sessions),
        {"kv_budget_gib": budget_gib, "kv_per_session_gib": kv_gib, "instances_per_node": layout.instances_per_node,
         "capacity_basis": basis}, explanation,
        T(FIGURE_LABELS[unit_key + "_memory"], nodes=layout.nodes_per_instance) if caps
        else T(FIGURE_LABELS[unit_key], nodes=layout.nodes_per_instance))
    figures = ([memory] + list(vllm_pool_figures(kv_by_basis[basis].pool, budget_bytes, layout, options))
               + list(token_pool_figures(engine_pool, budget_bytes, layout)))
    bounds = (Bound.MEMORY,)
    if caps:
        bounds = tuple(BOUND_OF_TARGET[name] for name in binding) or bounds
        bound_text = bound_words(bounds)
        cap_terms = Join(tuple(T("formula.cap_value", name=name, value=cap) if cap < memory_per_instance
                               else T("formula.cap_free", name=name) for name, cap in caps))
        figures.append(figure(
            unit_key, per_instance * per_unit, Unit.SESSIONS,
            T("formula.sessions_latency", memory=memory_per_instance, caps=cap_terms, sessions=per_instance * per_unit),
            {unit_key + "_memory": memory_sessions, "instances_per_node": layout.instances_per_node,
             "tpot_slo_ms": options.tpot_slo_ms, "ttft_slo_ms": options.ttft_slo_ms, "binding_bound": bound_text},
            T("expl.sessions_latency", bound=bound_text), T(FIGURE_LABELS[unit_key], nodes=layout.nodes_per_instance)))
    other = other_basis(basis)
    figures.append(figure(
        unit_key + "_" + other, counts[other][0], Unit.SESSIONS,
        T("formula.sessions_other", basis=other, kv_gib=kv_by_basis[other].gib, sessions=counts[other][0]),
        {"kv_per_session_bytes": kv_by_basis[other].bytes, "capacity_basis": other},
        T("expl.sessions_other"), T(FIGURE_LABELS["sessions_other_" + unit_key], basis=other)))
    capacity = Capacity(per_instance * per_unit, per_instance, capped,
                        tuple((name, counts[name][0]) for name in kv_by_basis), bounds,
                        refusal if basis == Basis.VLLM else None, memory_per_instance)
    return figures, capacity


def pool_applies(pool, layout):
    """vLLM's block pool is modeled per instance, stage by stage, with attention in TP."""
    return isinstance(pool, VllmPool) and not layout.data_parallel_attention


def token_pool_for(kv, layout):
    """SGLang's or TensorRT-LLM's pool when `kv` is on one of those bases and attention is in TP."""
    pool = None if kv is None else kv.pool
    return pool if isinstance(pool, TokenPool) and not layout.data_parallel_attention else None


def other_basis(basis):
    """The basis each report sets beside the one used: vLLM beside the guide's formula, and the
    guide's formula beside any engine."""
    return Basis.VLLM if basis == Basis.SPEC else Basis.SPEC


def token_pool_figures(pool, budget_bytes, layout):
    """What SGLang or TensorRT-LLM would size its pool to on the tightest stage's GPUs."""
    if pool is None or budget_bytes <= 0:
        return ()
    per_gpu = budget_bytes / layout.node_gpus
    stage = pool.tightest(per_gpu)
    full, window = pool.capacity(per_gpu, stage)
    name = ENGINES[pool.engine].display_name
    cell = stage.full_token_bytes_gpu + stage.window_token_bytes_gpu
    inputs = {"kv_budget_bytes_per_gpu": per_gpu, "bytes_per_token_gpu": cell,
              ENGINES[pool.engine].page_option: pool.page_tokens}
    if pool.engine == Basis.TRTLLM:
        formula = T("formula.trtllm_tokens", per_gpu=per_gpu, cell=cell, page=pool.page_tokens, tokens=full)
    elif not stage.window_token_bytes_gpu or not stage.full_token_bytes_gpu:
        # One pool: all full layers, or all windowed ones (SGLang then has only its SWA pool).
        full = full or window
        formula = T("formula.sglang_tokens", per_gpu=per_gpu, cell=cell, page=pool.page_tokens, tokens=full)
    else:
        formula = T("formula.sglang_swa_tokens", per_gpu=per_gpu, cell=cell, full_bytes=stage.full_token_bytes_gpu,
                    window_bytes=stage.window_token_bytes_gpu, ratio=pool.window_ratio, page=pool.page_tokens,
                    tokens=full, window=window)
        inputs["swa_full_tokens_ratio"] = pool.window_ratio
    figures = [figure("engine_pool_tokens", full, Unit.TOKENS, formula, inputs, T(ENGINES[pool.engine].pool_explanation_id),
                      T("label.engine_pool_tokens", engine=name))]
    if stage.window_token_bytes_gpu and stage.full_token_bytes_gpu:
        figures.append(figure("engine_swa_tokens", window, Unit.TOKENS,
                              T("formula.sglang_swa_pool", tokens=full, ratio=pool.window_ratio, page=pool.page_tokens,
                                window=window),
                              {"engine_pool_tokens": full, "swa_full_tokens_ratio": pool.window_ratio},
                              T("expl.sglang_swa_tokens", window_tokens=pool.request_window_tokens),
                              T("label.engine_swa_tokens", engine=name)))
    return tuple(figures)


def pool_sessions(pool, bytes_per_gpu, release, max_num_seqs):
    """Whole sessions the pool admits: (blocks - the null block, from 0.33) / blocks per request,
    or none when vLLM would refuse to start: it checks each stage in turn, and from 0.33 keeps
    that stage's null block out too."""
    blocks = pool.blocks(bytes_per_gpu)
    null = 1 if release.null_block else 0
    for stage in pool.stages:
        available = bytes_per_gpu - null * stage.bytes_per_block_gpu
        needed = pool.request_bytes_gpu(pool.context_tokens, stage)
        if release.refuses_long_requests and needed > available:
            estimate = pool.estimated_max_model_len(available, stage) if release.estimates_max_model_len else None
            return 0, False, (needed, available, estimate)
    per_instance = max(blocks - null, 0) // pool.blocks_per_request
    capped = per_instance > max_num_seqs
    return (max_num_seqs if capped else per_instance), capped, None


def vllm_pool_figures(pool, budget_bytes, layout, options):
    """What vLLM prints at startup for this budget: GPU blocks and maximum concurrency."""
    if not pool_applies(pool, layout) or budget_bytes <= 0:
        return ()
    per_gpu = budget_bytes / layout.node_gpus
    blocks = pool.blocks(per_gpu)
    if vllm_release(options).tokens_concurrency:
        # Before 0.9 vLLM printed num_blocks x block_size / max_model_len.
        concurrency = Fraction(blocks * pool.block_size, pool.context_tokens)
        formula = T("formula.vllm_max_concurrency_tokens", blocks=blocks, block_size=pool.block_size,
                    context=pool.context_tokens, concurrency=concurrency)
    else:
        concurrency = Fraction(blocks, pool.blocks_per_request)
        formula = T("formula.vllm_max_concurrency", blocks=blocks, per_request=pool.blocks_per_request,
                    concurrency=concurrency)
    kinds = Join(tuple(T("formula.vllm_group", groups=groups, kind=short) for groups, short in pool.group_counts))
    return (
        figure("vllm_gpu_blocks", blocks, Unit.BLOCKS,
               T("formula.vllm_gpu_blocks_stages" if len(pool.stages) > 1 else "formula.vllm_gpu_blocks",
                 per_gpu=per_gpu, group_size=pool.block_layers, page=pool.page_bytes_gpu, blocks=blocks),
               dict({"kv_budget_bytes_per_gpu": per_gpu, "kv_cache_group_size": pool.group_size,
                     "kv_cache_groups": kinds, "padding_layers": pool.padding_layers, "block_size": pool.block_size},
                    **({"block_layers_per_stage": Join(tuple(str(int(st.bytes_per_block_gpu / pool.page_bytes_gpu))
                                                             for st in pool.stages))}
                       if len(pool.stages) > 1 else {})),
               (T("expl.vllm_gpu_blocks", group_size=pool.group_size, padding=pool.padding_layers),)
               + ((T("expl.vllm_gpu_blocks_stages", layers=pool.block_layers),) if len(pool.stages) > 1 else ())),
        figure("vllm_max_concurrency", concurrency, Unit.TIMES, formula,
               {"gpu_blocks": blocks, "blocks_per_request": pool.blocks_per_request,
                "kv_cache_size_tokens": int(concurrency * pool.context_tokens)},
               T("expl.vllm_max_concurrency")),
    )


# Latency targets and the bound each one sets.
BOUND_OF_TARGET = {"TPOT": Bound.TPOT, "TTFT": Bound.TTFT}


def bound_words(bounds):
    """The bound(s) as words: memory, or latency (TPOT, TTFT)."""
    if bounds == (Bound.MEMORY,):
        return T("bound.memory")
    names = tuple(name for name, bound in BOUND_OF_TARGET.items() if bound in bounds)
    return T("bound.latency", names=Join(names))


def compared_engine(options):
    """The engine basis set against the guide's formula: the one used, or vLLM."""
    return Basis.VLLM if options.kv_accounting == Basis.SPEC else options.kv_accounting
