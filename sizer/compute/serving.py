"""Aggregated serving on the engine's steps: what an instance sustains when prefill chunks ride in the
decode steps (continuous batching with chunked prefill), the closed-loop benchmark question (TTFT, TPOT
and output tokens/s at C sessions per node) and the rate N nodes sustain (--solve rate).
"""

from __future__ import annotations      # record annotations stay text (3.8 reads `X | None`)

from fractions import Fraction

from sizer.compute.figures import FIGURE_LABELS, figure
from sizer.compute.performance import step_terms
from sizer.frozen import record
from sizer.numbers import cdiv
from sizer.vocab import T, Unit

TYPE_CHECKING = False
if TYPE_CHECKING:      # names the annotations use, never imported at run time
    from sizer.compute.engine import SteadyState


def state_inputs(state):
    return {"sessions_per_instance": state.batch, "decode_tokens_per_step": state.decode,
            "prefill_tokens_per_step": state.prefill, "max_num_batched_tokens": state.budget,
            "chunk_steps": state.chunk_steps, "lifetime_steps": state.lifetime_steps, "step_s": state.step_s}


def serving_figures(state, layout, prefix, label_batch):
    """The steps of an instance at `state` as figures `<prefix>_step_ms`, `_ttft_s`,
    `_tokens_per_s_node`, `_tokens_per_s_gpu` and `_requests_per_s_node`."""
    instances = Fraction(layout.instances_per_node, layout.nodes_per_instance)
    gpus_per_node = layout.node_gpus
    node_tokens = instances * state.output_tokens_s
    node_requests = instances * state.requests_s
    inputs = state_inputs(state)
    terms = step_terms(state.cost)
    labels = dict(batch=label_batch)
    return (
        figure(prefix + "_step_ms", state.step_s * 1000, Unit.MS,
               T("formula.serving_step", decode=state.decode, prefill=state.prefill, **terms),
               dict(inputs, attention_groups=layout.attention_groups, pipeline_parallel=layout.pipeline_parallel),
               T("expl.serving_step"), T(FIGURE_LABELS[prefix + "_step_ms"], **labels)),
        figure(prefix + "_ttft_s", state.ttft_s, Unit.SECONDS,
               T("formula.serving_ttft", step_ms=state.step_s * 1000, steps=state.chunk_steps, budget=state.budget,
                 decode=state.decode, seconds=state.ttft_s),
               inputs, T("expl.serving_ttft"), T(FIGURE_LABELS[prefix + "_ttft_s"], **labels)),
        figure(prefix + "_tokens_per_s_node", node_tokens, Unit.TOKENS_PER_S,
               T("formula.serving_tokens_node", instances=instances, batch=state.batch, steps=state.lifetime_steps,
                 step_ms=state.step_s * 1000, output=state.output_tokens, rate=node_tokens),
               dict(inputs, instances_per_node=instances, output_tokens=state.output_tokens),
               T("expl.serving_tokens_node"), T(FIGURE_LABELS[prefix + "_tokens_per_s_node"], **labels)),
        figure(prefix + "_tokens_per_s_gpu", node_tokens / gpus_per_node, Unit.TOKENS_PER_S,
               T("formula.serving_tokens_gpu", rate=node_tokens, gpus=gpus_per_node,
                 per_gpu=node_tokens / gpus_per_node),
               {"tokens_per_s_node": node_tokens, "node_gpus": gpus_per_node},
               T("expl.serving_tokens_gpu"), T(FIGURE_LABELS[prefix + "_tokens_per_s_gpu"], **labels)),
        figure(prefix + "_requests_per_s_node", node_requests, Unit.REQUESTS_PER_S,
               T("formula.serving_requests_node", rate=node_tokens, output=state.output_tokens,
                 requests=node_requests),
               {"tokens_per_s_node": node_tokens, "output_tokens": state.output_tokens},
               T("expl.serving_requests_node"), T(FIGURE_LABELS[prefix + "_requests_per_s_node"], **labels)),
    )


def closed_loop_figures(options, latency, layout, full_batch):
    """The closed-loop benchmark question (--concurrency C with the requests' tokens and no rate): C
    sessions per node, spread over its instances, at most what one instance holds (MÍNIMO's budget)."""
    if latency.roofline is None or latency.traffic is None or latency.disaggregated or full_batch <= 0:
        return ()
    per_instance = int(cdiv(options.concurrency * layout.nodes_per_instance, layout.instances_per_node))
    batch = min(per_instance, full_batch)
    state = latency.steady_state(batch)
    return serving_figures(state, layout, "closed_loop", batch)


@record
class RateAnswer:
    """The highest request rate of a scenario on --nodes nodes, and what sets it."""
    rate: Fraction
    sessions: int               # sessions the nodes hold (memory, targets, headroom, reserve)
    state: SteadyState | None               # the steps at the operating point's batch (None when nothing fits)
    units: int                  # failure units left after the HA reserve
    unit_requests_s: Fraction = Fraction(0)     # requests/s one unit's steps carry at full batch
    steps_bound: bool = False   # the steps' budget, not the sessions held, sets the rate


def rate_nodes_needed(result, layout):
    """The fewest nodes on which solve_rate finds a session in a scenario: whole failure units for one
    session with the headroom, after the HA reserve; None when the scenario is infeasible."""
    if not result.capacity.feasible:
        return None
    units = cdiv(1 + result.parameters.peak_headroom_ratio, result.capacity.sessions)
    return (units + result.parameters.ha_extra_nodes) * layout.nodes_per_instance


def solve_rate(result, layout, nodes, latency, full_batch):
    """The largest request rate `nodes` nodes sustain in a scenario, as the forward sizing counts it:
    the most sessions they hold (whole failure units after the HA reserve, with the scenario's
    headroom) over a session's lifetime at the operating point's batch (min(sessions, `full_batch`),
    MÍNIMO's), and at most the requests the units' steps carry with that headroom (a step carries
    --max-num-batched-tokens). None when the scenario is infeasible."""
    capacity = result.capacity
    if not capacity.feasible:
        return None
    units = max(nodes // layout.nodes_per_instance - result.parameters.ha_extra_nodes, 0)
    headroom = 1 + result.parameters.peak_headroom_ratio
    sessions = int(units * capacity.sessions / headroom)
    if sessions <= 0:
        return RateAnswer(Fraction(0), 0, None, units)
    state = latency.steady_state(min(sessions, full_batch))
    by_memory = Fraction(sessions) / state.session_s
    instances_per_unit = layout.instances_per_node if layout.nodes_per_instance == 1 else 1
    unit_requests = instances_per_unit * latency.steady_state(capacity.per_instance).requests_s
    by_steps = units * unit_requests / headroom
    return RateAnswer(min(by_memory, by_steps), sessions, state, units, unit_requests, by_steps < by_memory)
