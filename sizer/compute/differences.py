"""Why the guide's formula and an engine's accounting give different node counts, and what vLLM's own
memory rule would give beside the guide's budget: the reasons are computed from the model and the pool.
"""

from __future__ import annotations      # record annotations stay text (3.8 reads `X | None`)

from fractions import Fraction

from sizer.compute.nodes import final_nodes
from sizer.frozen import record
from sizer.layers import SlidingWindowLayers, StateLayers
from sizer.vocab import Basis, Bound, GIB_BYTES, KV_PRECISIONS, RECOMMENDED, T, WEIGHT_PRECISIONS


# Two node counts (or session counts) further apart than 10% are shown side by side.
BASIS_GAP_RATIO = Fraction(110, 100)


def apart(first, second, ratio=BASIS_GAP_RATIO):
    """True when two counts differ by more than `ratio` (or one is none and the other is not)."""
    if first == second:
        return False
    if not first or not second:
        return True
    low, high = sorted((first, second))
    return Fraction(high, low) > ratio


def memory_bound(result):
    """A scenario whose node count memory alone sets (no latency target, no traffic demand binds, one
    aggregated pool): the alternatives computed by memory compare with it. A disaggregated answer is
    two pools, prefill and decode, that no count by memory alone matches."""
    return (result.capacity.feasible and result.limit == Bound.MEMORY
            and result.values.prefill_pool_nodes is None)


def accounting_reasons(report, engine):
    """The rules that make `engine`'s count differ from the guide's formula, each with its numbers."""
    if engine != Basis.VLLM:
        return (T("reason.engine_pool", engine=engine),)
    pool = report.kv_by_basis[Basis.VLLM].pool
    reasons = []
    sliding = [g for g in report.model.layer_groups if isinstance(g, SlidingWindowLayers)]
    if sliding and getattr(pool, "in_flight_tokens", 0):
        reasons.append(T("reason.sliding_in_flight", layers=sum(g.count for g in sliding), window=sliding[0].window,
                         in_flight=pool.in_flight_tokens))
    if getattr(pool, "padding_layers", 0):
        reasons.append(T("reason.padding", group_size=pool.group_size, padding=pool.padding_layers))
    states = [g for g in report.model.layer_groups if isinstance(g, StateLayers)]
    if states:
        reasons.append(T("reason.state_pages", pages=states[0].state_blocks, block=pool.block_size))
    if pool is not None and hasattr(pool, "block_size") and report.context_tokens % pool.block_size:
        reasons.append(T("reason.blocks", block=pool.block_size, context=report.context_tokens))
    capacity = report.scenario(RECOMMENDED).capacity
    if capacity.memory_sessions(Basis.VLLM) == report.options.max_num_seqs * report.layout.instances_per_node:
        reasons.append(T("reason.max_num_seqs", max_num_seqs=report.options.max_num_seqs))
    return tuple(reasons) or (T("reason.kv_bytes", spec_gib=report.kv_by_basis[Basis.SPEC].gib,
                                engine_gib=report.kv_by_basis[Basis.VLLM].gib),)


@record
class EngineMemoryAlternative:
    """What vLLM's own memory rule (--gpu-memory-utilization, its default 0.9) gives beside the guide's budget."""
    utilization: Fraction
    engine_gib: Fraction        # KV memory per node by vLLM's rule
    budget_gib: Fraction        # the guide's KV budget per node (RECOMENDADO)
    sessions: int               # RECOMENDADO's sessions per node by memory with vLLM's rule
    guide_sessions: int
    nodes: int | None               # RECOMENDADO's nodes with vLLM's rule (None: none fits)
    guide_nodes: int


def engine_memory_alternative(report, engine_gib, utilization, sessions_at):
    """RECOMENDADO with vLLM's own KV memory instead of the guide's budget, when the two give node counts
    more than 10% apart. `sessions_at(budget_gib)` is the report's basis's sessions per node for a budget."""
    result = report.scenario(RECOMMENDED)
    budget = result.values.kv_budget_gib
    if engine_gib is None or engine_gib <= 0 or not budget or not memory_bound(result):
        return None
    sessions, guide = sessions_at(engine_gib), result.capacity.memory_sessions(report.options.kv_accounting)
    nodes = final_nodes(report.options.concurrency, result.parameters, sessions, report.layout) if sessions else None
    if not apart(nodes, result.nodes_final):
        return None
    return EngineMemoryAlternative(utilization, engine_gib, budget, sessions, guide, nodes, result.nodes_final)


def gib(value_bytes):
    return Fraction(value_bytes) / GIB_BYTES


@record
class Alternative:
    """Another choice of one option, and RECOMENDADO's nodes with it (None: still none)."""
    key: str            # "data_parallel_attention", "kv_precision", "runtime_overhead", "tensor_parallel",
                        # "weight_precision"
    value: bool | int | str
    nodes: int | None
    detail: Fraction | None = None   # what the alert quotes beside it (the overhead `auto` gives, in GiB)


def layout_alternatives(report, rebuild, auto_overhead_gib, nodes_with_overhead):
    """The choices the report's alerts name, each with RECOMENDADO's nodes computed (never guessed), and
    only choices not already in use: data-parallel attention for an MLA model at TP > 1; when the overhead
    blocks every scenario, `auto`, a larger TP and fp8 weights; and `auto` when the tool's default overhead
    reserves more than twice what the weights and activations take. `rebuild(**changes)` sizes again;
    `nodes_with_overhead(gib)` gives RECOMENDADO's nodes by memory with another overhead (no new report)."""
    options, model, layout = report.options, report.model, report.layout
    current = report.scenario(RECOMMENDED).nodes_final
    found = []

    def consider(key, value, detail=None, **changes):
        nodes = rebuild(**changes)
        if nodes is not None and (current is None or nodes < current):
            found.append(Alternative(key, value, nodes, detail))
            return True
        return False

    if model.mla_latent_dim is not None and layout.tensor_parallel > 1 and not options.data_parallel_attention \
            and report.blocker is None:
        consider("data_parallel_attention", True, data_parallel_attention=True)
    if report.blocker in (Bound.OVERHEAD_EXCEEDS_HBM, Bound.OVERHEAD_BELOW_WEIGHTS):
        overhead = {} if options.runtime_overhead_auto else {"runtime_overhead_auto": True,
                                                            "runtime_overhead_gib": None}
        if overhead:
            consider("runtime_overhead", "auto", **overhead)
        for tensor_parallel in range(layout.tensor_parallel + 1, layout.node_gpus + 1):
            if layout.node_gpus % tensor_parallel == 0 and \
                    consider("tensor_parallel", tensor_parallel, tensor_parallel=tensor_parallel, **overhead):
                break
        if model.weights is not None and model.parameters is not None and \
                WEIGHT_PRECISIONS[model.weights.precision] > WEIGHT_PRECISIONS["fp8"]:
            consider("weight_precision", "fp8", weight_precision="fp8", **overhead)
    elif options.runtime_overhead_default and report.blocker is None and auto_overhead_gib is not None \
            and auto_overhead_gib * 2 < report.overhead_gib and memory_bound(report.scenario(RECOMMENDED)):
        nodes = nodes_with_overhead(auto_overhead_gib)
        if nodes is not None and current is not None and nodes < current:
            found.append(Alternative("runtime_overhead", "auto", nodes, auto_overhead_gib))
    return tuple(found)


def kv_precision_alternative(report, nodes_at_precision):
    """The model's own dtype for the KV when the tool's default (fp8) was assumed (vLLM's --kv-cache-dtype auto
    keeps the model's), with RECOMENDADO's nodes by memory at it, when they differ."""
    options, model = report.options, report.model
    dtype = model.checkpoint_scheme.base if model.checkpoint_scheme else "bf16"
    if not options.kv_precision_default or dtype == options.kv_precision or dtype not in KV_PRECISIONS \
            or report.blocker is not None or not memory_bound(report.scenario(RECOMMENDED)):
        return None
    nodes = nodes_at_precision(dtype)
    if nodes == report.scenario(RECOMMENDED).nodes_final:
        return None
    return Alternative("kv_precision", dtype, nodes)
