"""Why the guide's formula and an engine's accounting give different node counts, and what vLLM's own
memory rule would give beside the guide's budget: the reasons are computed from the model and the pool.
"""

from fractions import Fraction

from sizer.compute.nodes import final_nodes
from sizer.layers import SlidingWindowLayers, StateLayers
from sizer.vocab import Basis, GIB_BYTES, RECOMMENDED, T, record


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
    if report.scenario(RECOMMENDED).capacity.capped:
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
    nodes: object               # RECOMENDADO's nodes with vLLM's rule (None: none fits)
    guide_nodes: object


def engine_memory_alternative(report, engine_gib, utilization, sessions_at):
    """RECOMENDADO with vLLM's own KV memory instead of the guide's budget, when the two give node counts
    more than 10% apart. `sessions_at(budget_gib)` is the report's basis's sessions per node for a budget."""
    result = report.scenario(RECOMMENDED)
    budget = result.value("kv_budget_gib")
    if engine_gib is None or engine_gib <= 0 or not budget or not result.capacity.feasible \
            or result.capacity.bounds != ("memory",):
        return None
    sessions, guide = sessions_at(engine_gib), result.capacity.memory_sessions(report.options.kv_accounting)
    nodes = final_nodes(report.options.concurrency, result.parameters, sessions, report.layout) if sessions else None
    if not apart(nodes, result.nodes_final):
        return None
    return EngineMemoryAlternative(utilization, engine_gib, budget, sessions, guide, nodes, result.nodes_final)


def gib(value_bytes):
    return Fraction(value_bytes) / GIB_BYTES
