"""One scenario's result: capacity, nodes, performance and cost put together.
"""

from sizer.compute.capacity import ScenarioResult, budget_figure, scenario_parameters, sessions_figures
from sizer.compute.cost import cost_figures, disaggregated_figures, traffic_bounds
from sizer.compute.figures import find
from sizer.compute.nodes import nodes_figures
from sizer.compute.performance import performance_figures
from sizer.compute.racks import planned_instances
from sizer.compute.serving import serving_figures
from sizer.compute.traffic import host_sessions_figure, simulated_scenario
from sizer.vocab import Bound


def scenario_result(scenario, options, context, latency, storage):
    """Budget, sessions, nodes and performance for one scenario, each a figure."""
    params = scenario_parameters(scenario, options)
    budget = budget_figure(params, context.overhead_gib, context.hbm_gib, context.engine_gib)
    sessions, capacity = sessions_figures(options, budget.value, context.kv_by_basis, context.stage_kv,
                                          options.kv_accounting, context.layout, latency, context.blocker)
    nodes = nodes_figures(scenario, params, options.concurrency, capacity, context.layout)
    kv_bytes = context.kv_by_basis[options.kv_accounting].bytes
    decode_nodes = None
    # With the requests' tokens an aggregated engine runs prefill chunks in its decode steps: one bound
    # on the steps' time (their GPU-seconds add); without them, the prefill and decode demands apart.
    aggregated_kinds = ((Bound.THROUGHPUT,) if latency.traffic is not None and latency.roofline is not None
                        else (Bound.PREFILL, Bound.DECODE))
    serving = ()
    if latency.traffic is not None and latency.roofline is not None and capacity.feasible:
        serving = serving_figures(latency.steady_state(capacity.per_instance), context.layout, "serving",
                                  capacity.per_instance)
    if options.disaggregated and capacity.feasible:
        # The decode pool holds the sessions (memory, TPOT, output tokens); the prefill pool runs the
        # prompts; the aggregated answer to the same traffic is shown beside them.
        aggregated, _ = traffic_bounds(nodes, params, context, capacity, latency, kv_bytes, aggregated_kinds,
                                       scenario)
        nodes, demand_bound = traffic_bounds(nodes, params, context, capacity, latency, kv_bytes, (Bound.DECODE,),
                                             scenario)
        decode_nodes = find(nodes, "nodes_final")
        nodes = disaggregated_figures(nodes, params, context.prefill_demand, context.layout,
                                      find(aggregated, "nodes_final"))
    else:
        nodes, demand_bound = traffic_bounds(nodes, params, context, capacity, latency, kv_bytes, aggregated_kinds,
                                             scenario)
    simulated = ()
    if latency.simulation is not None and capacity.feasible and budget.value is not None:
        nodes, binds, simulated = simulated_scenario(nodes, params, context, capacity, latency, budget.value,
                                                     scenario)
        demand_bound = Bound.LATENCY_PERCENTILE if binds else demand_bound
    if context.host_sessions is not None and capacity.feasible:
        simulated += (host_sessions_figure(capacity, context.host_sessions),)
    figures = (budget,) + tuple(sessions) + nodes + serving + simulated
    if latency.roofline is not None and capacity.feasible and options.scenario_performance:
        figures += performance_figures(scenario, latency.roofline, storage, kv_bytes,
                                       context.layout, capacity, options.concurrency,
                                       decode_nodes or find(nodes, "nodes_final"), latency.ttft_full_context_s,
                                       options.tpot_slo_ms, planned_instances(nodes), latency)
    if capacity.feasible:
        figures += cost_figures(find(nodes, "nodes_final"), context.server, options, options.concurrency,
                                find(figures, "tokens_per_s_session_load"))
    return ScenarioResult(scenario, params, figures, capacity, demand_bound)
