"""Alerts: a registry of short rules, each with its code, level and threshold beside its predicate.
"""

from fractions import Fraction

from sizer.compute.capacity import bound_words, compared_engine, token_pool_for
from sizer.compute.cost import cost_rates
from sizer.compute.differences import accounting_reasons, apart
from sizer.compute.figures import FIGURE_LABELS
from sizer.compute.memory import gpu_weights_bytes, weights_fit, weights_for
from sizer.compute.nodes import basis_node_counts
from sizer.compute.records import Alert
from sizer.engines.registry import ENGINES
from sizer.engines.vllm import vllm_release
from sizer.frozen import replace
from sizer.numbers import cdiv
from sizer.vocab import (Basis, Bound, CALIBRATION_CHECKS, CALIBRATION_TOLERANCE_PERCENT, DIRECTION_TEXT,
    GB_BYTES, GIB_BYTES, HIGH_KV_PRECISIONS, Interconnect, Join, KV_PRECISIONS, Level, RECOMMENDED, T,
    WEIGHT_PRECISIONS, scenario_label)


# ---------------------------------------------------------------------------
# 7. Alerts: a registry of short rules. Each rule has its code and level beside
#    its logic (as mccabe keeps `_code` with its check), its threshold just above
#    it, and yields the message (an id with parameters) each time it fires.
#    The registry's order is the order alerts are shown in.
# ---------------------------------------------------------------------------

ALERT_RULES = []


def alert_rule(code, level):
    def register(rule):
        ALERT_RULES.append((code, level, rule))
        return rule
    return register


def _count(report, nodes):
    """A node count in words: racks on a rack-scale system, nodes elsewhere, in the singular for one;
    "—" when there is none."""
    if nodes is None:
        return "—"
    return T("count.racks" if report.layout.rack_scale else "count.nodes", n=nodes)


def evaluate_alerts(report):
    return tuple(Alert(level, code, message) for code, level, rule in ALERT_RULES for message in rule(report))


@alert_rule("context_clamped", Level.WARNING)
def _context_clamped(report):
    if report.options.effective_context > report.context_tokens:
        yield T("alert.context_clamped", requested=report.options.effective_context,
                maximum=report.model.max_position_embeddings, used=report.context_tokens)


@alert_rule("kv_precision_high", Level.WARNING)
def _kv_precision_high(report):
    precision = report.options.kv_precision
    if precision in HIGH_KV_PRECISIONS:
        yield T("alert.kv_precision_high", precision=precision, bytes=KV_PRECISIONS[precision],
                factor=KV_PRECISIONS[precision] / KV_PRECISIONS["fp8"])


LONG_CONTEXT_TOKENS = 128000             # the guide's "128k"


@alert_rule("long_context_storage_io", Level.WARNING)
def _long_context_storage_io(report):
    if report.context_tokens > LONG_CONTEXT_TOKENS:
        failover_s = report.scenario(RECOMMENDED).values.failover_restore_s
        yield T("alert.long_context_storage_io", context=report.context_tokens, threshold=LONG_CONTEXT_TOKENS,
                kv_gib=report.kv.gib, storage=report.storage.name,
                restore_s=report.values.kv_restore_session_s,
                rate=report.values.sessions_restored_per_s,
                failover="" if failover_s is None else T("alert.long_context_failover", seconds=failover_s))


FAILOVER_RESTORE_LIMIT_S = 60            # a failed node's sessions back within a minute


@alert_rule("failover_restore_slow", Level.WARNING)
def _failover_restore_slow(report):
    recommended = report.scenario(RECOMMENDED)
    failover_s = recommended.values.failover_restore_s
    if failover_s is not None and failover_s > FAILOVER_RESTORE_LIMIT_S:
        yield T("alert.failover_restore_slow", storage=report.storage.name, seconds=failover_s,
                limit=FAILOVER_RESTORE_LIMIT_S, recompute=recommended.values.failover_recompute_s)


@alert_rule("latency_unknown", Level.INFO)
def _latency_unknown(report):
    if report.roofline_missing:
        yield T("alert.latency_unknown", missing=Join(report.roofline_missing))


# Below 10 tokens/s per session generation is slower than reading; over 10 s to
# first token an interactive user gives up.
UNUSABLE_TPOT_MS = 100
UNUSABLE_TTFT_S = 10


@alert_rule("latency_unusable", Level.WARNING)
def _latency_unusable(report):
    if (report.roofline_missing or report.blocker is not None or report.options.tpot_slo_ms is not None
            or report.options.ttft_slo_ms is not None):
        return
    tpot_ms = report.scenario(RECOMMENDED).values.tpot_full_ms
    ttft_s = report.values.ttft_full_context_s
    if (tpot_ms is not None and tpot_ms > UNUSABLE_TPOT_MS) or ttft_s > UNUSABLE_TTFT_S:
        yield T("alert.latency_unusable", tpot=tpot_ms, tpot_limit=UNUSABLE_TPOT_MS,
                tokens=1000 // UNUSABLE_TPOT_MS, ttft=ttft_s, ttft_limit=UNUSABLE_TTFT_S)


@alert_rule("tensor_parallel_over_pcie", Level.WARNING)
def _tensor_parallel_over_pcie(report):
    """Cards without NVLink or Infinity Fabric (L40S, RTX PRO 6000) run TP's all-reduces over PCIe,
    a few tens of GB/s per GPU against NVLink's 900-1800: the roofline, which has no communication
    time, is then far from what the node reaches. The smallest TP whose weights fit is suggested."""
    server, layout = report.server, report.layout
    if server.interconnect != Interconnect.PCIE or layout.tensor_parallel == 1:
        return
    link = "" if server.interconnect_per_gpu_gb_s is None else T(
        "alert.pcie_link", bandwidth=server.interconnect_per_gpu_gb_s,
        direction=T(DIRECTION_TEXT[server.interconnect_direction]))
    smallest = None
    if report.model.weights is not None:
        smallest = next((tp for tp in range(1, layout.tensor_parallel) if server.gpus % tp == 0
                         and weights_fit(report.model, tp, layout.pipeline_parallel, server)), None)
    yield T("alert.tensor_parallel_over_pcie", tp=layout.tensor_parallel, server=server.name, link=link,
            advice=T("alert.pcie_smaller_tp", smallest=smallest) if smallest else T("alert.pcie_no_smaller_tp"))


@alert_rule("latency_bound", Level.INFO)
def _latency_bound(report):
    bounds = report.scenario(RECOMMENDED).capacity.bounds
    if any(bound in (Bound.TPOT, Bound.TTFT) for bound in bounds):
        yield T("alert.latency_bound", bound=bound_words(bounds))


FRAGMENTATION_BUDGET_RATIO = Fraction(75, 100)


@alert_rule("kv_budget_fragmentation", Level.WARNING)
def _kv_budget_fragmentation(report):
    if report.options.kv_budget_ratio > FRAGMENTATION_BUDGET_RATIO:
        yield T("alert.kv_budget_fragmentation", ratio=report.options.kv_budget_ratio,
                threshold=FRAGMENTATION_BUDGET_RATIO)


LOW_RUNTIME_OVERHEAD_GIB = Fraction(50)


@alert_rule("runtime_overhead_low", Level.WARNING)
def _runtime_overhead_low(report):
    if (not report.options.runtime_overhead_auto and report.values.kv_cache_memory_gib is None
            and report.overhead_gib < LOW_RUNTIME_OVERHEAD_GIB):
        yield T("alert.runtime_overhead_low", overhead=report.options.runtime_overhead_gib,
                threshold=LOW_RUNTIME_OVERHEAD_GIB)


@alert_rule("weights_exceed_instance", Level.ERROR)
def _weights_exceed_instance(report):
    if report.blocker != Bound.WEIGHTS_EXCEED_INSTANCE:
        return
    model, layout = report.model, report.layout
    fit = (T("alert.weights_no_layout") if report.fitting_layout is None else
           T("alert.weights_fit_layout", tensor_parallel=report.fitting_layout[0], stages=report.fitting_layout[1],
             auto="" if report.options.runtime_overhead_auto else " --runtime-overhead-gib auto"))
    fp8 = ""
    if WEIGHT_PRECISIONS[model.weights.precision] > WEIGHT_PRECISIONS["fp8"]:
        fp8_weights = weights_for(model, "fp8")
        fp8 = T("alert.weights_fp8_option", gib=Fraction(fp8_weights.weights_bytes, GIB_BYTES))
    yield T("alert.weights_exceed_instance", weights_gib=Fraction(model.weights.weights_bytes, GIB_BYTES),
            stage_gib=gpu_weights_bytes(model, model.weights, layout) / GIB_BYTES,
            hbm_gpu_gib=report.server.hbm_per_gpu_gb * GB_BYTES / GIB_BYTES, tensor_parallel=layout.tensor_parallel,
            stages=layout.pipeline_parallel, fit=fit, fp8=fp8)


# The words of each computed alternative (differences.Alternative): the option to give, then its nodes.
ALTERNATIVE_TEXT = {"data_parallel_attention": "fix.data_parallel_attention", "kv_precision": "fix.kv_precision",
                    "runtime_overhead": "fix.runtime_overhead_auto", "tensor_parallel": "fix.tensor_parallel",
                    "weight_precision": "fix.weight_precision"}


def alternative_fixes(report, keys):
    """The computed alternatives among `keys`, as 'option: RECOMENDADO N nodes' (or that none helps)."""
    fixes = tuple(T("fix.option_nodes", option=T(ALTERNATIVE_TEXT[item.key], value=item.value),
                    nodes=T("count.nodes", n=item.nodes)) for item in report.alternatives if item.key in keys)
    return Join(fixes, "; ") if fixes else T("fix.none")


BLOCKED_FIXES = ("runtime_overhead", "tensor_parallel", "weight_precision")


@alert_rule("runtime_overhead_exceeds_hbm", Level.ERROR)
def _runtime_overhead_exceeds_hbm(report):
    """The overhead leaves nothing: the fixes not already in use, each with the nodes it gives."""
    if report.blocker == Bound.OVERHEAD_EXCEEDS_HBM:
        weights_gib = report.values.weights_per_node_gib
        yield T("alert.runtime_overhead_exceeds_hbm", overhead=report.overhead_gib,
                auto=T("alert.overhead_auto_note") if report.options.runtime_overhead_auto else "",
                hbm_gib=report.values.hbm_total_gib,
                weights="" if weights_gib is None else T("alert.overhead_weights_note", weights_gib=weights_gib),
                fixes=alternative_fixes(report, BLOCKED_FIXES))


@alert_rule("option_no_effect", Level.WARNING)
def _option_no_effect(report):
    """An option given that changes nothing on this server: power on a rented node (the rent pays it) or a
    server without a power figure; amortization without a purchase price."""
    options, server = report.options, report.server
    rates = cost_rates(server, options)
    if options.power_cost_per_kwh is not None:
        if server.node_power_kw is None:
            reason = T("noeffect.no_power", server=server.name)
        elif rates is None:
            reason = T("noeffect.no_price", server=server.name)
        elif rates[1] is None:
            reason = T("noeffect.rent_pays_power")
        else:
            reason = None
        if reason is not None:
            yield T("alert.option_no_effect", option="--power-cost-per-kwh", reason=reason)
    if not options.amortization_default and (rates is None or rates[1] is None):
        yield T("alert.option_no_effect", option="--amortization-months",
                reason=T("noeffect.no_purchase", server=server.name))


@alert_rule("data_parallel_attention_gain", Level.WARNING)
def _data_parallel_attention_gain(report):
    """An MLA model at TP > 1 keeps every session's latent KV on each GPU of the instance; data-parallel
    attention keeps each session on one GPU."""
    for item in report.alternatives:
        if item.key == "data_parallel_attention":
            yield T("alert.data_parallel_attention_gain", model=report.model.name, tp=report.layout.tensor_parallel,
                    kv_gib=report.kv.gib, nodes=_count(report, item.nodes), current=report.scenario(RECOMMENDED).nodes_final)


@alert_rule("kv_precision_assumed", Level.INFO)
def _kv_precision_assumed(report):
    """The tool's default fp8 KV was assumed; vLLM's default keeps the model's dtype."""
    for item in report.alternatives:
        if item.key == "kv_precision":
            yield T("alert.kv_precision_assumed", precision=report.options.kv_precision, dtype=item.value,
                    nodes=_count(report, item.nodes), current=report.scenario(RECOMMENDED).nodes_final)


@alert_rule("runtime_overhead_default_wasteful", Level.WARNING)
def _runtime_overhead_default_wasteful(report):
    """The default overhead reserves more than twice what `auto` finds (weights, activations, allowance)."""
    for item in report.alternatives:
        if item.key == "runtime_overhead" and report.blocker is None:
            yield T("alert.runtime_overhead_default_wasteful", overhead=report.overhead_gib, auto_gib=item.detail,
                    nodes=_count(report, item.nodes), current=report.scenario(RECOMMENDED).nodes_final)


@alert_rule("engine_no_memory", Level.ERROR)
def _engine_no_memory(report):
    if report.blocker == Bound.ENGINE_NO_MEMORY:
        engine = dict(report.common_figure("kv_cache_memory_gib").inputs)
        yield T("alert.engine_no_memory", usable_gib=engine["usable_bytes_per_gpu"] / GIB_BYTES,
                weights_gib=engine["weights_bytes_per_gpu"] / GIB_BYTES,
                allowance_gib=engine["activation_and_fixed_bytes_per_gpu"] / GIB_BYTES)


@alert_rule("runtime_overhead_below_weights", Level.ERROR)
def _runtime_overhead_below_weights(report):
    if report.blocker == Bound.OVERHEAD_BELOW_WEIGHTS:
        instances = report.instances_per_node
        weights_gib = report.values.weights_per_node_gib
        holder = (T("alert.weights_holder_spanning", nodes=report.layout.nodes_per_instance)
                  if report.layout.spans_nodes else T("alert.weights_holder", instances=T("count.instances", n=instances)))
        yield T("alert.runtime_overhead_below_weights", overhead=report.overhead_gib, holder=holder,
                weights_gib=weights_gib, minimum=Fraction(cdiv(weights_gib * 100, 1), 100),
                fixes=alternative_fixes(report, BLOCKED_FIXES))


@alert_rule("weights_unknown", Level.INFO)
def _weights_unknown(report):
    if report.values.weights_per_node_gib is None:
        yield T("alert.weights_unknown")


@alert_rule("no_session_fits", Level.ERROR)
def _no_session_fits(report):
    for result in report.scenarios:
        if result.capacity.sessions == 0 and report.blocker is None and result.capacity.vllm_refusal is None:
            bounds = result.capacity.bounds
            if Bound.TTFT in bounds:
                continue        # ttft_unreachable says it once, with the numbers
            cause = (T("alert.no_session_memory", kv_gib=report.kv.gib) if bounds == (Bound.MEMORY,)
                     else T("alert.no_session_latency", bound=bound_words(bounds)))
            yield T("alert.no_session_fits", scenario=T(result.scenario.label_id), cause=cause)


@alert_rule("ttft_unreachable", Level.ERROR)
def _ttft_unreachable(report):
    """A TTFT target below one prompt's prefill cannot be met by any number of nodes: it is a
    compute bound of this server and TP. A larger TP is suggested only when the node has room."""
    target = report.options.ttft_slo_ms
    ttft_s = report.values.ttft_disaggregated_s or report.values.ttft_prompt_s
    if ttft_s is None:
        ttft_s = report.values.ttft_full_context_s
    if target is None or ttft_s is None or ttft_s * 1000 <= target:
        return
    layout = report.layout
    room = layout.tensor_parallel * layout.pipeline_parallel < report.server.gpus
    yield T("alert.ttft_unreachable", target=target, ttft_ms=ttft_s * 1000,
            ratio=ttft_s * 1000 / target, server=report.server.name, tp=layout.tensor_parallel,
            advice=T("alert.ttft_more_tp" if room else "alert.ttft_no_more_tp"))


@alert_rule("percentile_unreachable", Level.ERROR)
def _percentile_unreachable(report):
    """--slo-percentile: the requests' own lengths miss the targets at that percentile even alone on an
    instance, so no number of nodes meets them."""
    simulation = report.latency.simulation if report.latency is not None else None
    if simulation is None or simulation.percentile is None or simulation.reachable():
        return
    alone, p = simulation.alone(), simulation.percentile
    yield T("alert.percentile_unreachable", p=p, ttft_ms=Fraction(alone.percentile(alone.ttft, p)) * 1000,
            tpot_ms=Fraction(alone.percentile(alone.tpot, p)) * 1000,
            targets=Join(tuple(T("value.target", name=name, value=value) for name, value in
                               (("TTFT", report.options.ttft_slo_ms), ("TPOT", report.options.tpot_slo_ms))
                               if value is not None)))


@alert_rule("context_tail", Level.WARNING)
def _context_tail(report):
    """Lengths as distributions: memory is sized at the context of the sessions in flight, but the
    engine's maximum model length must admit the longest requests."""
    tail = report.values.context_p99_tokens
    if tail is not None and report.values.context_in_flight_tokens is not None and tail > report.context_tokens:
        yield T("alert.context_tail", tail=tail, context=report.context_tokens)


@alert_rule("vllm_would_not_start", Level.ERROR)
def _vllm_would_not_start(report):
    for result in report.scenarios:
        if result.capacity.vllm_refusal is not None:
            needed, available, estimate = result.capacity.vllm_refusal
            release = vllm_release(report.options)
            yield T("alert.vllm_would_not_start", scenario=scenario_label(result),
                    version="%d.%d" % report.options.vllm_version, context=report.context_tokens,
                    needed_gib=needed / GIB_BYTES, available_gib=max(available, 0) / GIB_BYTES,
                    null_note=T("alert.vllm_null_note") if release.null_block else "",
                    estimate=T("alert.vllm_estimate", tokens=estimate) if estimate is not None else "")


@alert_rule("calibration_gap", Level.WARNING)
def _calibration_gap(report):
    """The log disagrees with this model's rules by more than 1% (beyond the log's own rounding
    of the concurrency to 2 decimals): the model, TP, KV dtype or block is not the deployment's."""
    for item in report.common:
        if item.key in CALIBRATION_CHECKS and abs(item.value) > CALIBRATION_TOLERANCE_PERCENT:
            yield T("alert.calibration_gap", check=T(FIGURE_LABELS[item.key]), gap=item.value,
                    tolerance=CALIBRATION_TOLERANCE_PERCENT)


@alert_rule("calibration_exceeds_hbm", Level.WARNING)
def _calibration_exceeds_hbm(report):
    """The log's pool, at this model's bytes per token or block, needs more memory than the node's GPUs
    have: the KV dtype or the TP taken for the log is not the deployment's."""
    memory = report.values.kv_cache_memory_gib
    hbm = report.values.hbm_total_gib
    if report.options.calibration is not None and memory is not None and hbm is not None and memory > hbm:
        yield T("alert.calibration_exceeds_hbm", memory=memory, hbm=hbm, precision=report.options.kv_precision,
                tp=report.layout.tensor_parallel)


@alert_rule("log_model_by_architecture", Level.WARNING)
def _log_model_by_architecture(report):
    """The log names another model, taken as this one's checkpoint because its KV per token is this model's."""
    log = report.options.calibration
    if log is not None and log.unmatched_model is not None:
        yield T("alert.log_model_by_architecture", logged=log.unmatched_model, model=report.model.name,
                gap=report.values.calibration_memory_gap_percent, tolerance=CALIBRATION_TOLERANCE_PERCENT)


@alert_rule("calibration_rebuilt", Level.INFO)
def _calibration_rebuilt(report):
    """The log ran on other GPUs or another TP: its pool was rebuilt for this run's (compute/calibration)."""
    memory = report.common_figure("kv_cache_memory_gib")
    inputs = dict(memory.inputs) if memory is not None else {}
    if "log_gpu_memory_gib" in inputs:
        yield T("alert.calibration_rebuilt", logged_gib=inputs["log_gpu_memory_gib"], log_tp=inputs["log_tensor_parallel"],
                room_gib=inputs["usable_bytes_per_gpu"] / inputs["gpu_memory_utilization"] / GIB_BYTES,
                tp=report.layout.tensor_parallel, gib=inputs["kv_cache_memory_bytes_per_gpu"] / GIB_BYTES,
                kv_gib=inputs["log_kv_cache_memory_bytes_per_gpu"] / GIB_BYTES)


@alert_rule("prefill_bound", Level.INFO)
def _prefill_bound(report):
    result = report.scenario(RECOMMENDED)
    if result.demand_bound == Bound.PREFILL:
        yield T("alert.prefill_bound_racks" if report.layout.rack_scale else "alert.prefill_bound",
                demand=report.values.prefill_demand_instance_s_per_s, nodes=result.nodes_final,
                memory=result.values.nodes_capacity)


@alert_rule("disaggregated_pools", Level.INFO)
def _disaggregated_pools(report):
    result = report.scenario(RECOMMENDED)
    if result.values.prefill_pool_nodes is not None:
        yield T("alert.disaggregated_pools", prefill=result.values.prefill_pool_nodes,
                decode=result.values.decode_pool_nodes, nodes=result.nodes_final,
                aggregated=result.values.nodes_aggregated, ttft_s=report.values.ttft_disaggregated_s)


@alert_rule("decode_bound", Level.INFO)
def _decode_bound(report):
    result = report.scenario(RECOMMENDED)
    if result.demand_bound == Bound.DECODE:
        yield T("alert.decode_bound_racks" if report.layout.rack_scale else "alert.decode_bound",
                demand=report.values.decode_demand_tokens_per_s, nodes=result.nodes_final,
                memory=result.values.nodes_capacity)


@alert_rule("throughput_bound", Level.INFO)
def _throughput_bound(report):
    result = report.scenario(RECOMMENDED)
    if result.demand_bound == Bound.THROUGHPUT:
        yield T("alert.throughput_bound_racks" if report.layout.rack_scale else "alert.throughput_bound",
                demand=report.values.decode_demand_tokens_per_s, nodes=result.nodes_final,
                memory=result.values.nodes_capacity)


@alert_rule("tpot_breaks_after_failure", Level.WARNING)
def _tpot_breaks_after_failure(report):
    target = report.options.tpot_slo_ms
    if target is None:
        return
    for result in report.scenarios:
        after = result.values.tpot_after_failure_ms
        if after is not None and after > target:
            yield T("alert.tpot_breaks_after_failure", scenario=scenario_label(result), ms=after, target=target,
                    down=result.scenario.ha_extra_nodes)


@alert_rule("max_num_seqs_binding", Level.WARNING)
def _max_num_seqs_binding(report):
    if report.scenario(RECOMMENDED).capacity.capped:
        yield T("alert.max_num_seqs_binding", max_num_seqs=report.options.max_num_seqs)


# A ratio of 1 or more is 100% headroom or more: almost always a percentage typed as a ratio.
PERCENT_LIKE_HEADROOM = 1


@alert_rule("peak_headroom_percent", Level.WARNING)
def _peak_headroom_percent(report):
    ratio = report.options.peak_headroom_ratio
    if ratio >= PERCENT_LIKE_HEADROOM:
        yield T("alert.peak_headroom_percent", ratio=ratio, suggested=ratio / 100)


@alert_rule("kv_heads_replicated", Level.INFO)
def _kv_heads_replicated(report):
    if report.replication_alternative is None:
        return
    tensor_parallel, instances, sessions = report.replication_alternative
    params = dict(tensor_parallel=report.tensor_parallel, kv_heads=report.model.num_key_value_heads,
                  copies=report.tensor_parallel // report.model.num_key_value_heads, alt_tp=tensor_parallel,
                  alt_instances=T("count.instances", n=instances))
    if sessions is None:
        yield T("alert.kv_heads_replicated_infeasible", **params)
    else:
        yield T("alert.kv_heads_replicated", alt_sessions=sessions,
                sessions=report.scenario(RECOMMENDED).capacity.sessions, **params)


@alert_rule("max_num_seqs_exceeded_spec", Level.WARNING)
def _max_num_seqs_exceeded_spec(report):
    if report.options.kv_accounting != Basis.SPEC:
        return
    per_instance = report.scenario(RECOMMENDED).capacity.per_instance
    if per_instance > report.options.max_num_seqs:
        yield T("alert.max_num_seqs_exceeded_spec", sessions=per_instance, max_num_seqs=report.options.max_num_seqs)


@alert_rule("basis_nodes_differ", Level.WARNING)
def _basis_nodes_differ(report):
    engine = ENGINES[compared_engine(report.options)].display_name
    differing = tuple(T("alert.basis_nodes_scenario", scenario=scenario_label(result), spec=spec, engine_nodes=other,
                        engine=engine)
                      for result, spec, other in basis_node_counts(report) if spec != other)
    if differing:
        yield T("alert.basis_nodes_differ", scenarios=Join(differing, "; "), basis=report.options.kv_accounting)


SWA_POOLS_UNBALANCED = 2   # one SGLang pool admits more than twice the sessions of the other


@alert_rule("swa_pools_unbalanced", Level.INFO)
def _swa_pools_unbalanced(report):
    """SGLang splits a hybrid SWA model's memory by --swa-full-tokens-ratio; when one pool admits far
    more sessions than the other, the ratio that balances them (a session's window tokens over its
    full tokens) admits more."""
    pool = token_pool_for(report.kv, report.layout)
    result = report.scenario(RECOMMENDED)
    budget = result.values.kv_budget_gib
    if pool is None or not pool.request_window_tokens or not budget or not result.capacity.feasible:
        return
    per_gpu = budget * GIB_BYTES / report.layout.node_gpus
    stage = pool.tightest(per_gpu)
    if not stage.full_token_bytes_gpu:
        return
    full, window = pool.capacity(per_gpu, stage)
    by_full, by_window = full // pool.request_full_tokens, window // pool.request_window_tokens
    if max(by_full, by_window) <= SWA_POOLS_UNBALANCED * max(min(by_full, by_window), 1) - 1:
        return
    balanced = Fraction(pool.request_window_tokens, pool.request_full_tokens)
    sessions = replace(pool, window_ratio=balanced).sessions(per_gpu)
    yield T("alert.swa_pools_unbalanced", full=by_full, window=by_window, ratio=pool.window_ratio,
            balanced=balanced, sessions=sessions)


@alert_rule("accounting_gap", Level.WARNING)
def _accounting_gap(report):
    """The bases more than 10% apart: why (the engine's rules that apply here, with their numbers) and which
    one is checked against engine logs."""
    capacity = report.scenario(RECOMMENDED).capacity
    engine = compared_engine(report.options)
    spec, other = capacity.memory_sessions(Basis.SPEC), capacity.memory_sessions(engine)
    if apart(spec, other):
        name = ENGINES[engine].display_name
        yield T("alert.accounting_gap", spec=spec, engine_sessions=other, engine=name,
                basis=report.options.kv_accounting,
                reasons=Join(accounting_reasons(report, engine), "; "), checked=T("alert.accounting_checked", engine=name))


@alert_rule("engine_memory_gap", Level.WARNING)
def _engine_memory_gap(report):
    """The guide's budget and vLLM's own memory rule give session counts more than 10% apart."""
    other = report.engine_memory
    if other is not None:
        yield T("alert.engine_memory_gap", budget_gib=other.budget_gib, guide_sessions=other.guide_sessions,
                guide_nodes=_count(report, other.guide_nodes), utilization=other.utilization, engine_gib=other.engine_gib,
                sessions=other.sessions, nodes=_count(report, other.nodes))
