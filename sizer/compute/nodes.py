"""Nodes: sessions to nodes with headroom and the HA reserve, and the traffic's demands.
"""

from fractions import Fraction

from sizer.compute.capacity import compared_engine
from sizer.compute.figures import figure, find
from sizer.compute.memory import BLOCKERS
from sizer.compute.racks import final_racks, rack_demand_bound, rack_figures
from sizer.frozen import replace
from sizer.numbers import cdiv
from sizer.vocab import Basis, Bound, LIMIT_TEXT, T, Unit


def nodes_for(concurrency, headroom, sessions_per_unit, nodes_per_unit=1):
    """Nodes for the concurrency plus headroom: whole failure units (a node, or an instance of
    nodes_per_unit nodes) of sessions_per_unit sessions each. Exact: 10 sessions with 10%
    headroom on units of 11 are one unit, not two."""
    headroom = Fraction(headroom)
    # cdiv(C x (1 + p/q), S) = cdiv(C x (q + p), q x S), in integers (a comparison calls this 10^4 times).
    return -(-(concurrency * (headroom.denominator + headroom.numerator))
             // (headroom.denominator * sessions_per_unit)) * nodes_per_unit


def nodes_figures(scenario, params, concurrency, capacity, layout):
    """Nodes to buy. The failure unit is a node, or a whole instance when one spans nodes
    (a stage lost stops its instance), so HA spares and counts come in whole units."""
    headroom, ha = params.peak_headroom_ratio, params.ha_extra_nodes
    ha_label = T(scenario.ha_id)
    sessions = capacity.sessions
    if capacity.limit in BLOCKERS or sessions == 0:
        if capacity.limit in BLOCKERS:
            formulas = (T("formula.infeasible", reason=T(LIMIT_TEXT[capacity.limit])),) * 3
            note, absent = (T("expl.infeasible"),), T("value.infeasible")
        else:
            formulas = (T("formula.nodes_capacity_none"), T("formula.nodes_headroom_none"),
                        T("formula.nodes_final_none"))
            note, absent = (T("expl.nodes_none"),), None
        return (
            figure("nodes_capacity", None, Unit.NODES, formulas[0],
                   {"concurrency": concurrency, "sessions_per_node": sessions}, (T("expl.nodes_capacity"),) + note,
                   absent=absent),
            figure("nodes_with_headroom", None, Unit.NODES, formulas[1],
                   {"concurrency": concurrency, "peak_headroom_ratio": headroom, "sessions_per_node": sessions},
                   (T("expl.nodes_headroom", headroom=headroom),) + note, absent=absent),
            figure("nodes_final", None, Unit.NODES, formulas[2],
                   {"nodes_with_headroom": None, "ha_extra_nodes": ha},
                   (T("expl.nodes_final", ha=ha, ha_label=ha_label),) + note, absent=absent),
        )
    if layout.rack_scale:
        return rack_figures(scenario, params, concurrency, capacity.per_instance, layout)
    if layout.spans_nodes:
        return _spanning_nodes_figures(params, concurrency, sessions, layout, ha_label)
    nodes_capacity = nodes_for(concurrency, 0, sessions)
    nodes_headroom = nodes_for(concurrency, headroom, sessions)
    nodes_final = nodes_headroom + ha
    return (
        figure("nodes_capacity", nodes_capacity, Unit.NODES,
               T("formula.nodes_capacity", concurrency=concurrency, sessions=sessions, nodes=nodes_capacity),
               {"concurrency": concurrency, "sessions_per_node": sessions}, T("expl.nodes_capacity")),
        figure("nodes_with_headroom", nodes_headroom, Unit.NODES,
               T("formula.nodes_headroom", concurrency=concurrency, headroom=headroom, sessions=sessions,
                 nodes=nodes_headroom),
               {"concurrency": concurrency, "peak_headroom_ratio": headroom, "sessions_per_node": sessions},
               T("expl.nodes_headroom", headroom=headroom)),
        figure("nodes_final", nodes_final, Unit.NODES,
               T("formula.nodes_final", nodes_headroom=nodes_headroom, ha=ha, nodes=nodes_final),
               {"nodes_with_headroom": nodes_headroom, "ha_extra_nodes": ha},
               T("expl.nodes_final", ha=ha, ha_label=ha_label)),
    )


def prefill_demand_figure(options, ttft_s, layout):
    """Instance-seconds of prefill each second of traffic needs: requests/s x one prompt's TTFT
    (an instance prefills one prompt at a time at the roofline's compute)."""
    demand = options.requests_per_second * ttft_s
    return figure("prefill_demand_instance_s_per_s", demand, Unit.INSTANCE_S_PER_S,
                  T("formula.prefill_demand", rate=options.requests_per_second, ttft_s=ttft_s, demand=demand),
                  {"requests_per_second": options.requests_per_second, "ttft_full_context_s": ttft_s,
                   "instances_per_node": layout.instances_per_node}, T("expl.prefill_demand"))


# The traffic's demands a node count must also meet: each kind's demand figure, and the words of
# one node's capacity for it (instances prefilling one prompt at a time; output tokens per second).
DEMAND_FIGURES = {Bound.PREFILL: ("prefill_demand_instance_s_per_s", "instances_per_node", "nodes_with_headroom_memory"),
                  Bound.DECODE: ("decode_demand_tokens_per_s", "tokens_per_s_per_node", "nodes_with_headroom_before"),
                  Bound.THROUGHPUT: ("decode_demand_tokens_per_s", "serving_tokens_per_s_node",
                                     "nodes_with_headroom_before"),
                  Bound.LATENCY_PERCENTILE: ("requests_per_second", "requests_per_s_node_within_targets",
                                             "nodes_with_headroom_before")}
# Their words: the bound's formula and explanation, then those of the nodes with headroom.
DEMAND_TEXT = {Bound.PREFILL: ("formula.nodes_prefill", "expl.nodes_prefill", "formula.nodes_headroom_prefill",
                               "expl.nodes_headroom_prefill"),
               Bound.DECODE: ("formula.nodes_decode", "expl.nodes_decode", "formula.nodes_headroom_decode",
                              "expl.nodes_headroom_decode"),
               Bound.THROUGHPUT: ("formula.nodes_throughput", "expl.nodes_throughput",
                                  "formula.nodes_headroom_throughput", "expl.nodes_headroom_throughput"),
               Bound.LATENCY_PERCENTILE: ("formula.nodes_latency_percentile", "expl.nodes_latency_percentile",
                                          "formula.nodes_headroom_latency_percentile",
                                          "expl.nodes_headroom_latency_percentile")}


def with_demand_bound(nodes, params, kind, demand, per_node, layout, scenario=None):
    """The node figures with a traffic bound (Bound.PREFILL, DECODE or THROUGHPUT): enough whole units for
    the demand (plus the scenario's headroom) when that is more than the count so far needs.
    `per_node` is what one node supplies of it. Returns (figures, binds)."""
    if layout.rack_scale:
        return rack_demand_bound(nodes, scenario, params, kind, demand, per_node, layout, DEMAND_TEXT[kind])
    unit = layout.nodes_per_instance
    demand_key, per_node_key, before_key = DEMAND_FIGURES[kind]

    def demand_nodes(headroom):
        return int(cdiv(demand * (1 + headroom) / per_node, unit)) * unit

    plain, with_headroom = demand_nodes(0), demand_nodes(params.peak_headroom_ratio)
    so_far = find(nodes, "nodes_with_headroom")
    formula_id, explanation_id, headroom_formula_id, headroom_explanation_id = DEMAND_TEXT[kind]
    bound = figure("nodes_" + kind, plain, Unit.NODES,
                   T(formula_id, demand=demand, per_node=per_node, nodes=plain),
                   {demand_key: demand, per_node_key: per_node}, T(explanation_id))
    if with_headroom <= so_far:
        return nodes + (bound,), False
    ha_units = params.ha_extra_nodes * unit
    updated = []
    for item in nodes:
        if item.key == "nodes_with_headroom":
            item = figure("nodes_with_headroom", with_headroom, Unit.NODES,
                          T(headroom_formula_id, memory=so_far, demand=demand,
                            headroom=params.peak_headroom_ratio, per_node=per_node, nodes=with_headroom),
                          {before_key: so_far, demand_key: demand,
                           "peak_headroom_ratio": params.peak_headroom_ratio, per_node_key: per_node},
                          T(headroom_explanation_id, headroom=params.peak_headroom_ratio))
        elif item.key == "nodes_final":
            item = replace(item, value=with_headroom + ha_units,
                            formula=T("formula.nodes_final", nodes_headroom=with_headroom, ha=ha_units,
                                      nodes=with_headroom + ha_units),
                            inputs=(("nodes_with_headroom", with_headroom), ("ha_extra_nodes", ha_units)))
        updated.append(item)
    return tuple(updated) + (bound,), True


def decode_demand_figure(options):
    """Output tokens per second the traffic needs: requests/s x output tokens per request."""
    demand = options.requests_per_second * options.output_tokens
    return figure("decode_demand_tokens_per_s", demand, Unit.TOKENS_PER_S,
                  T("formula.decode_demand", rate=options.requests_per_second, tokens=options.output_tokens,
                    demand=demand),
                  {"requests_per_second": options.requests_per_second, "output_tokens": options.output_tokens},
                  T("expl.decode_demand"))


def _spanning_nodes_figures(params, concurrency, sessions, layout, ha_label):
    headroom, ha, nodes = params.peak_headroom_ratio, params.ha_extra_nodes, layout.nodes_per_instance
    nodes_capacity = nodes_for(concurrency, 0, sessions, nodes)
    nodes_headroom = nodes_for(concurrency, headroom, sessions, nodes)
    nodes_final = nodes_headroom + ha * nodes
    return (
        figure("nodes_capacity", nodes_capacity, Unit.NODES,
               T("formula.nodes_capacity_spanning", concurrency=concurrency, sessions=sessions,
                 nodes_per_instance=nodes, nodes=nodes_capacity),
               {"concurrency": concurrency, "sessions_per_instance": sessions, "nodes_per_instance": nodes},
               T("expl.nodes_capacity")),
        figure("nodes_with_headroom", nodes_headroom, Unit.NODES,
               T("formula.nodes_headroom_spanning", concurrency=concurrency, headroom=headroom, sessions=sessions,
                 nodes_per_instance=nodes, nodes=nodes_headroom),
               {"concurrency": concurrency, "peak_headroom_ratio": headroom, "sessions_per_instance": sessions,
                "nodes_per_instance": nodes},
               T("expl.nodes_headroom", headroom=headroom)),
        figure("nodes_final", nodes_final, Unit.NODES,
               T("formula.nodes_final_spanning", nodes_headroom=nodes_headroom, ha=ha, nodes_per_instance=nodes,
                 nodes=nodes_final),
               {"nodes_with_headroom": nodes_headroom, "ha_extra_instances": ha, "nodes_per_instance": nodes},
               T("expl.nodes_final_spanning", ha=ha, ha_label=ha_label, nodes_per_instance=nodes)),
    )


def final_nodes(concurrency, params, sessions, layout):
    """A scenario's nodes to buy for `concurrency` at `sessions` per failure unit, with its headroom and
    reserve: the arithmetic of nodes_figures without its records."""
    if layout.rack_scale:
        return final_racks(concurrency, params, sessions, layout)
    unit = layout.nodes_per_instance
    return nodes_for(concurrency, params.peak_headroom_ratio, sessions, unit) + params.ha_extra_nodes * unit


def basis_node_counts(report):
    """(scenario result, nodes under spec, nodes under the compared engine) for the feasible
    scenarios: the same arithmetic as nodes_figures, on each basis's sessions by memory."""
    engine = compared_engine(report.options)
    counts = []
    layout = report.layout
    if report.options.disaggregated:
        return ()           # two pools: no count by memory alone is the answer's

    for result in report.scenarios:
        if not result.capacity.feasible or result.capacity.bounds != (Bound.MEMORY,):
            continue
        nodes = {}
        for basis in (Basis.SPEC, engine):
            sessions = result.capacity.memory_sessions(basis)
            nodes[basis] = (None if sessions == 0 else
                            final_nodes(report.options.concurrency, result.parameters, sessions, layout))
        counts.append((result, nodes[Basis.SPEC], nodes[engine]))
    return tuple(counts)
