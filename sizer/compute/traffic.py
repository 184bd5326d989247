"""Traffic as it really arrives: the simulation of one instance (compute/simulate.py) set up from the
report, its figures per scenario, the nodes a latency percentile needs, prefix caching and the
host-memory KV tier.

The simulation runs only when asked (README "Traffic as it really arrives"): --burstiness,
--traffic-trace, --slo-percentile, --simulated-requests, --seed, or request lengths given as a
distribution. Every other report is unchanged.
"""

from __future__ import annotations      # record annotations stay text (3.8 reads `X | None`)

import math
from fractions import Fraction

from sizer.compute.figures import figure, find
from sizer.compute.lengths import fixed_lengths, in_flight_context
from sizer.compute.memory import kv_per_session
from sizer.compute.nodes import with_demand_bound
from sizer.compute.simulate import (FastStep, Lane, Outcome, SessionCosts, Stream, WARM_UP_SHARE,
    lane_requests, simulate, unit_gaps)
from sizer.frozen import record
from sizer.numbers import InputError, cdiv
from sizer.vocab import Basis, Bound, GB_BYTES, GIB_BYTES, T, Text, Unit


DEFAULT_SIMULATED_REQUESTS = 10000
RATE_STEPS, RATE_SPAN = 64, 1024    # the rates a percentile search tries: 2^(k / 64) requests/s per instance,
                                    # |k| <= 1024 (1.1% apart, from 1.5e-5 to 65,536)
MAX_ADDED_INSTANCES = 16    # instances added one by one when the run at the final count misses a target
PERCENTILES = (50, 90, 95, 99)
# Figures to the microsecond: a float run carries no more.
MICRO = 10 ** 6


def cached_tokens(input_tokens, options, block_size):
    """Prompt tokens served from the prefix cache: the hit rate's share of the prompt, at least the
    shared prefix, in whole blocks (the cache keeps whole blocks), and never the last token (the
    engine computes it to produce the first output token)."""
    rate, shared = options.prefix_cache_hit_rate, options.shared_prefix_tokens
    if rate is None and shared is None:
        return 0
    tokens = max(int(Fraction(rate or 0) * input_tokens), min(shared or 0, input_tokens))
    return min(tokens // block_size * block_size, (input_tokens - 1) // block_size * block_size)


def shared_tokens(input_tokens, options, block_size):
    """The shared prefix's tokens a request holds in common with every other (whole blocks)."""
    if not options.shared_prefix_tokens:
        return 0
    return min(options.shared_prefix_tokens, input_tokens - 1) // block_size * block_size


def _micro(seconds, scale=1):
    """A float of seconds as an exact figure, rounded to the microsecond (`scale` 1000: milliseconds)."""
    return Fraction(round(seconds * MICRO), MICRO) * scale


@record
class Simulation:
    """Everything a run needs, built once per report; runs are cached by (pool, lane rate, share)."""
    step: FastStep                # FastStep
    costs: SessionCosts               # SessionCosts
    count: int                  # requests per run
    seed: int
    shape: float | None               # gamma shape 1 / CV^2 of the deployment's inter-arrival times; None: Poisson
    base_gaps: list[float]             # Poisson: exponential inter-arrival times of mean 1 (common to every run)
    trace_gaps: list[float] | None          # a trace: its inter-arrival times scaled to mean 1, row by row (None without)
    inputs: list[int]                # per request (a trace: per row, replayed in turn)
    outputs: list[int]
    cached: list[int]
    restore_bytes: list[float] | None       # per request (row), KV bytes loaded from host memory (None without the tier)
    lanes: int                  # attention groups x pipeline stages of an instance
    budget: int
    max_seqs: int               # per lane
    rate: Fraction              # the deployment's requests per second
    percentile: int | None          # --slo-percentile, or None
    ttft_slo_s: float | None
    tpot_slo_s: float | None
    pool_ratio: float           # the run's KV bytes per byte the sizing counts, at the effective context
    shared_bytes: float
    lane_link_bytes_s: float | None   # host-memory link per lane, bytes/s (None without the tier)
    arrivals_text: Text       # a Text: Poisson, gamma CV, or the trace
    idle: Outcome                # the Outcome of one request alone
    idle_tokens: tuple[int, ...]          # its (input, output, cached) tokens: the run's means
    runs: dict[tuple[float | int | str, ...], Outcome]                  # (pool bytes, lane rate, share) -> Outcome

    @property
    def requests(self):
        return self.count

    def lane_arrivals(self, share):
        """(inter-arrival times of mean 1, the request rows) of a lane that receives `share` of the
        deployment's requests, each request going to a lane at random (random routing): a lane's next
        request is the G-th next of the deployment, G geometric with mean 1 / share. Poisson traffic
        stays Poisson (its draws are then common to every run); bursty traffic (gamma, a trace) keeps its
        bursts in time, and a lane's share smooths them as load balancing does."""
        count = self.count
        if self.shape is None and self.trace_gaps is None:
            return self.base_gaps, range(count)
        stream = Stream(self.seed * 7919 + 1)
        draw = stream.random
        spread = math.log(1.0 - share) if share < 1 else None

        def hops():
            return 1 if spread is None else 1 + int(math.log(1.0 - draw()) / spread)
        if self.trace_gaps is None:
            shape = self.shape
            return [stream.gamma(hops() * shape) / shape * share for _ in range(count)], range(count)
        gaps, rows = self.trace_gaps, len(self.trace_gaps)
        sums = [0.0]
        for gap in gaps:
            sums.append(sums[-1] + gap)

        def at(index):
            return (index // rows) * sums[-1] + sums[index % rows + 1]
        lane_gaps, picked, position = [], [], -1
        for _ in range(count):
            step = hops()
            lane_gaps.append((at(position + step) - (at(position) if position >= 0 else 0.0)) * share)
            position += step
            picked.append(position % rows)
        return lane_gaps, picked

    def run(self, pool_bytes, lane_rate, share):
        key = (pool_bytes, lane_rate, share)
        if key not in self.runs:
            gaps, rows = self.lane_arrivals(share)
            self.runs[key] = self._simulate(pool_bytes, gaps, lane_rate, rows)
        return self.runs[key]

    def _simulate(self, pool_bytes, gaps, lane_rate, rows):
        pick = (lambda values: [values[i] for i in rows])
        restore = (None if self.restore_bytes is None
                   else [b / self.lane_link_bytes_s for b in pick(self.restore_bytes)])
        requests = lane_requests(gaps, lane_rate, pick(self.inputs), pick(self.outputs), pick(self.cached), restore)
        return simulate(self.step, self.costs, Lane(self.budget, self.max_seqs, pool_bytes, self.shared_bytes),
                        requests)

    def meets(self, outcome):
        p = self.percentile
        return ((self.ttft_slo_s is None or outcome.percentile(outcome.ttft, p) <= self.ttft_slo_s)
                and (self.tpot_slo_s is None or outcome.percentile(outcome.tpot, p) <= self.tpot_slo_s))

    def alone(self):
        """The run's requests each alone on an instance (one an hour)."""
        key = ("alone",)
        if key not in self.runs:
            rows = [i % len(self.inputs) for i in range(self.count)]
            self.runs[key] = self._simulate(float("inf"), [1.0] * self.count, 1.0 / 3600, rows)
        return self.runs[key]

    def reachable(self):
        """Whether the targets hold at the percentile with every request alone on an instance: if not, no
        number of nodes meets them."""
        return self.meets(self.alone())


def _lengths(options, stream, count, cap):
    """The requests' (input, output) tokens: the trace's rows, or `count` draws from the distributions,
    cut to the model's context (an engine refuses longer requests)."""
    trace = options.traffic_trace
    if trace is not None:
        pairs = list(zip(trace.inputs, trace.outputs))
    else:
        draw_input = options.input_lengths.sampler(stream)
        draw_output = options.output_lengths.sampler(stream)
        pairs = [(draw_input(), draw_output()) for _ in range(count)]
    inputs, outputs = [], []
    for tokens, answer in pairs:
        tokens = min(tokens, cap - 1)
        inputs.append(tokens)
        outputs.append(max(1, min(answer, cap - tokens)))
    return inputs, outputs


def arrivals_text(options):
    trace = options.traffic_trace
    if trace is not None:
        return T("value.arrivals_trace", path=trace.path, rows=len(trace.arrivals), rate=trace.rate)
    if options.burstiness is None or options.burstiness == 1:
        return T("value.arrivals_poisson")
    return T("value.arrivals_gamma", cv=options.burstiness)


def build_simulation(options, model, layout, roofline, context_tokens, kv_bytes, host_link_bytes_s):
    """The simulation of a report's instance (None when not asked)."""
    if not options.simulated:
        return None
    count = options.simulated_requests or DEFAULT_SIMULATED_REQUESTS
    seed = 1 if options.seed is None else options.seed
    stream = Stream(seed)
    trace, shape, base_gaps, trace_gaps = options.traffic_trace, None, [], None
    if trace is not None:
        times = trace.arrivals
        trace_gaps = [1.0] + [float((times[i] - times[i - 1]) * trace.rate) for i in range(1, len(times))]
    elif options.burstiness is not None and options.burstiness != 1:
        shape = 1.0 / float(options.burstiness) ** 2
    else:
        base_gaps = unit_gaps(stream, count, 1)
    inputs, outputs = _lengths(options, stream, count, model.max_position_embeddings)
    block = options.block_size
    cached = [cached_tokens(tokens, options, block) for tokens in inputs]
    step, costs = FastStep(roofline), SessionCosts(roofline)
    shared = shared_tokens(min(inputs), options, block)
    shared_bytes = costs.kv_bytes(shared) - costs.state_bytes if shared else 0.0
    lanes = lanes_of(layout)
    restore = link = None
    if options.kv_offloading_size_gib is not None and host_link_bytes_s is not None:
        # Hits past the shared prefix (held in GPU memory) come back from host memory.
        restore = [costs.kv_bytes(c) - costs.kv_bytes(shared) if c > shared else 0.0 for c in cached]
        link = float(host_link_bytes_s) * layout.gpus_per_instance / lanes
    mean_input = int(cdiv(sum(inputs), len(inputs)))
    mean_output = int(cdiv(sum(outputs), len(outputs)))
    one_cached = cached_tokens(mean_input, options, block)
    one_restore = None
    if link is not None:
        one_restore = [max(costs.kv_bytes(one_cached) - costs.kv_bytes(shared), 0.0) / link]
    idle = simulate(step, costs, Lane(options.max_num_batched_tokens, 1, float("inf")),
                    lane_requests([1.0], 1.0, [mean_input], [mean_output], [one_cached], one_restore))
    return Simulation(
        step=step, costs=costs, count=count, seed=seed, shape=shape, base_gaps=base_gaps, trace_gaps=trace_gaps,
        inputs=inputs, outputs=outputs, cached=cached, restore_bytes=restore,
        lanes=lanes, budget=options.max_num_batched_tokens,
        max_seqs=max(1, options.max_num_seqs // layout.pipeline_parallel), rate=options.requests_per_second,
        percentile=options.slo_percentile,
        ttft_slo_s=None if options.ttft_slo_ms is None else float(options.ttft_slo_ms) / 1000,
        tpot_slo_s=None if options.tpot_slo_ms is None else float(options.tpot_slo_ms) / 1000,
        pool_ratio=costs.kv_bytes(context_tokens) / float(kv_bytes), shared_bytes=shared_bytes,
        lane_link_bytes_s=link, arrivals_text=arrivals_text(options), idle=idle,
        idle_tokens=(mean_input, mean_output, one_cached), runs={})


def lanes_of(layout):
    """An instance runs one step stream per attention group and pipeline micro-batch: each is
    simulated as one lane with its share of the rate, the pool and --max-num-seqs."""
    return layout.attention_groups * layout.pipeline_parallel


def simulation_inputs(simulation, **extra):
    return dict({"simulated_requests": simulation.requests,
                 "measured_requests": simulation.requests - simulation.requests // WARM_UP_SHARE,
                 "lanes_per_instance": simulation.lanes, "max_num_batched_tokens": simulation.budget,
                 "max_num_seqs_per_lane": simulation.max_seqs, "arrivals": simulation.arrivals_text}, **extra)


def common_figures(simulation, options):
    """Figures every scenario shares: one request alone on an instance, and the contexts the run's
    requests reach (their tail)."""
    one = simulation.idle
    tokens, answer, cached = simulation.idle_tokens
    inputs = {"input_tokens": tokens, "output_tokens": answer, "cached_tokens": cached,
              "max_num_batched_tokens": simulation.budget}
    ttft_ms, tpot_ms = _micro(one.ttft[0], 1000), _micro(one.tpot[0] if one.tpot else 0.0, 1000)
    sample = sorted(i + o for i, o in zip(simulation.inputs, simulation.outputs))
    p99 = sample[max(0, -(-len(sample) * 99 // 100) - 1)]
    return (
        figure("ttft_idle_ms", ttft_ms, Unit.MS,
               T("formula.sim_idle_ttft", tokens=tokens - cached, budget=simulation.budget,
                 steps=int(cdiv(tokens - cached, simulation.budget)), ms=ttft_ms),
               inputs, T("expl.sim_idle_ttft"), T("label.ttft_idle_ms")),
        figure("tpot_idle_ms", tpot_ms, Unit.MS, T("formula.sim_idle_tpot", steps=answer - 1, ms=tpot_ms),
               inputs, T("expl.sim_idle_tpot"), T("label.tpot_idle_ms")),
        figure("context_p99_tokens", p99, Unit.TOKENS,
               T("formula.context_p99", n=len(sample), tokens=p99, median=sample[(len(sample) - 1) // 2],
                 most=sample[-1]),
               {"simulated_requests": len(sample), "seed": 1 if options.seed is None else options.seed},
               T("expl.context_p99"), T("label.context_p99_tokens")),
    )


def in_flight_figure(options):
    """The effective context lengths given as distributions stand for: the mean final context of the
    sessions in flight (each request weighs by its output tokens, the time it holds its KV)."""
    inputs = options.input_lengths or fixed_lengths(options.input_tokens)
    outputs = options.output_lengths or fixed_lengths(options.output_tokens)
    tokens = int(cdiv(in_flight_context(inputs, outputs), 1))
    if inputs.kind == "trace" and outputs.kind == "trace":
        formula = T("formula.context_in_flight_trace", n=len(inputs.values), tokens=tokens)
    else:
        formula = T("formula.context_in_flight", mean_input=inputs.mean, second=outputs.second_moment(),
                    mean_output=outputs.mean, tokens=tokens)
    return figure("context_in_flight_tokens", tokens, Unit.TOKENS, formula,
                  {"input_tokens": inputs.text, "output_tokens": outputs.text,
                   "input_p99_tokens": inputs.quantile(99), "output_p99_tokens": outputs.quantile(99)},
                  T("expl.context_in_flight"), T("label.context_in_flight_tokens"))


def prefix_figures(model_kv_bytes_at, options, input_tokens, instances_per_node, block_size):
    """Prefix caching: the prompt tokens served from the cache (their prefill is skipped), and the
    shared prefix's blocks, held once per instance."""
    if options.prefix_cache_hit_rate is None and options.shared_prefix_tokens is None:
        return ()
    cached = cached_tokens(input_tokens, options, block_size)
    figures = [figure("prefix_cached_tokens", cached, Unit.TOKENS,
                      T("formula.prefix_cached", rate=options.prefix_cache_hit_rate or 0, tokens=input_tokens,
                        shared=options.shared_prefix_tokens or 0, block=block_size, cached=cached),
                      {"input_tokens": input_tokens, "prefix_cache_hit_rate": options.prefix_cache_hit_rate,
                       "shared_prefix_tokens": options.shared_prefix_tokens, "block_size": block_size},
                      T("expl.prefix_cached"), T("label.prefix_cached_tokens"))]
    shared = shared_tokens(input_tokens, options, block_size)
    if shared:
        held = model_kv_bytes_at(shared)
        figures.append(figure("shared_prefix_bytes_per_node", held * instances_per_node, Unit.BYTES,
                              T("formula.shared_prefix_bytes", tokens=shared, bytes=held, instances=instances_per_node,
                                total=held * instances_per_node),
                              {"shared_prefix_tokens": shared, "kv_bytes_per_instance": held,
                               "instances_per_node": instances_per_node},
                              T("expl.shared_prefix_bytes"), T("label.shared_prefix_bytes_per_node")))
    return tuple(figures)


def host_tier_figures(options, server, layout, kv_bytes, cached_restore_bytes):
    """The host-memory KV tier (--kv-offloading-size GiB per instance, vLLM's): the idle sessions its
    memory holds per node, one session's restore over the GPUs' host links, and the restore of a
    request's cached prefix, which its TTFT then waits for."""
    size = options.kv_offloading_size_gib
    if size is None:
        return ()
    instances = Fraction(layout.instances_per_node, layout.nodes_per_instance)
    per_node = size * GIB_BYTES * instances
    host = server.host_memory_gb
    node_host = None if host is None else host * GB_BYTES / server.trays
    if node_host is not None and per_node > node_host:
        raise InputError("err.kv_offloading_host", gib=size, instances=instances, server=server.name,
                         host_gb=node_host / GB_BYTES)
    held = int(size * GIB_BYTES // kv_bytes) * instances
    figures = [figure("host_kv_sessions_per_node", held, Unit.SESSIONS,
                      T("formula.host_kv_sessions", gib=size, kv_bytes=kv_bytes, instances=instances, sessions=held),
                      {"kv_offloading_size_gib": size, "kv_per_session_bytes": kv_bytes,
                       "instances_per_node": instances, "host_memory_bytes_per_node": node_host},
                      T("expl.host_kv_sessions"), T("label.host_kv_sessions_per_node"))]
    link = server.host_link_gb_s
    if link is None:
        raise InputError("err.host_link_missing", server=server.name)
    bandwidth = link * GB_BYTES * layout.gpus_per_instance
    restore = Fraction(kv_bytes) / bandwidth * 1000
    figures.append(figure("kv_restore_host_ms", restore, Unit.MS,
                          T("formula.kv_restore_host", kv_bytes=kv_bytes, link=link, gpus=layout.gpus_per_instance,
                            ms=restore),
                          {"kv_per_session_bytes": kv_bytes, "host_link_gb_s": link,
                           "gpus_per_instance": layout.gpus_per_instance, "host_source": server.host_source},
                          T("expl.kv_restore_host"), T("label.kv_restore_host_ms")))
    if cached_restore_bytes:
        restore = Fraction(cached_restore_bytes) / bandwidth * 1000
        figures.append(figure("prefix_restore_host_ms", restore, Unit.MS,
                              T("formula.prefix_restore_host", bytes=cached_restore_bytes, link=link,
                                gpus=layout.gpus_per_instance, ms=restore),
                              {"cached_kv_bytes": cached_restore_bytes, "host_link_gb_s": link,
                               "gpus_per_instance": layout.gpus_per_instance},
                              T("expl.prefix_restore_host"), T("label.prefix_restore_host_ms")))
    return tuple(figures)


def pool_per_lane(simulation, budget_gib, layout):
    """A lane's KV pool in the run's bytes: the scenario's KV budget per instance, converted at the
    effective context (so that the pool admits the sessions the sizing counts there), split over the lanes."""
    instance = Fraction(budget_gib) * GIB_BYTES * layout.gpus_per_instance / layout.node_gpus
    return float(instance) * simulation.pool_ratio / simulation.lanes


def serving_instances(nodes, params, layout):
    """The instances a scenario's nodes run with its HA reserve out (a failure unit down, or two)."""
    if layout.rack_scale:
        return dict([item for item in nodes if item.key == "nodes_final"][0].inputs)["instances_with_headroom"]
    units = find(nodes, "nodes_final") // layout.nodes_per_instance - params.ha_extra_nodes
    return units * layout.instances_per_node


def max_instance_rate(simulation, pool, saturation):
    """The largest per-instance rate on a fixed grid, 2^(k / RATE_STEPS) requests/s for whole k, below the
    instance's saturation (an instance past it has no steady state, however short a run looks) whose
    run meets the targets at the percentile. A bisection over the same grid whatever the options, so a
    stricter percentile (a subset of the rates that pass) never finds a higher rate, and traffic that
    passes wherever other traffic passes (a prefix-cache hit rate) never finds a lower one."""

    def rate(k):
        return Fraction(2.0 ** (k / RATE_STEPS))

    def meets(k):
        return rate(k) < saturation and simulation.meets(lane_run(simulation, pool, rate(k)))
    low, high = -RATE_SPAN, RATE_SPAN
    if not meets(low):
        return rate(low)
    while high - low > 1:
        middle = (low + high) // 2
        if meets(middle):
            low = middle
        else:
            high = middle
    return rate(low)


def lane_run(simulation, pool, instance_rate):
    """The run of one lane of an instance at `instance_rate`: its share of the deployment's requests is
    its rate over the deployment's (mean) rate, the same in every scenario (a run serves all three)."""
    lane_rate = instance_rate / simulation.lanes
    return simulation.run(pool, float(lane_rate), float(min(lane_rate / simulation.rate, 1)))


def simulated_scenario(nodes, params, context, capacity, latency, budget_gib, scenario):
    """The scenario's nodes with the latency percentile's bound (when --slo-percentile is given), and the
    figures of a run at the scenario's load: the rate with its headroom over the instances left with
    its HA reserve out. Returns (nodes, binds, figures)."""
    simulation, layout = latency.simulation, context.layout
    pool = pool_per_lane(simulation, budget_gib, layout)
    rate, headroom = simulation.rate, params.peak_headroom_ratio
    instances_per_node = Fraction(layout.instances_per_node, layout.nodes_per_instance)
    binds = False
    if simulation.percentile is not None:
        saturation = latency.steady_state(capacity.per_instance).requests_s
        per_node = max_instance_rate(simulation, pool, saturation) * instances_per_node
        base = nodes
        for _ in range(MAX_ADDED_INSTANCES):
            nodes, binds = with_demand_bound(base, params, Bound.LATENCY_PERCENTILE, rate, per_node, layout, scenario)
            instances = serving_instances(nodes, params, layout)
            outcome = lane_run(simulation, pool, rate * (1 + headroom) / instances)
            if simulation.meets(outcome):
                break
            per_node = rate * (1 + headroom) / (instances + 1) * instances_per_node
    else:
        instances = serving_instances(nodes, params, layout)
        outcome = lane_run(simulation, pool, rate * (1 + headroom) / instances)
    return nodes, binds, run_figures(simulation, outcome, rate, headroom, instances, params.ha_extra_nodes)


def run_figures(simulation, outcome, rate, headroom, instances, reserve):
    """A run's latencies, queue, batch and preemptions, per instance."""
    per_instance = rate * (1 + headroom) / instances
    inputs = simulation_inputs(simulation, simulated_requests_per_s_instance=per_instance)
    measured = outcome.measured
    figures = [figure("simulated_requests_per_s_instance", per_instance, Unit.REQUESTS_PER_S,
                      T("formula.sim_rate", rate=rate, headroom=headroom, instances=instances,
                        per_instance=per_instance),
                      {"requests_per_second": rate, "peak_headroom_ratio": headroom, "instances_in_service": instances,
                       "ha_extra_units": reserve},
                      T("expl.sim_rate"), T("label.simulated_requests_per_s_instance"))]
    shown = tuple(p for p in PERCENTILES if p != 95 or simulation.percentile == 95)
    for name, values, formula_id, label_id, explanation_id in (
            ("ttft", outcome.ttft, "formula.sim_ttft", "label.sim_ttft", "expl.sim_ttft"),
            ("tpot", outcome.tpot, "formula.sim_tpot", "label.sim_tpot", "expl.sim_tpot")):
        mean = _micro(sum(values) / len(values), 1000) if values else Fraction(0)
        rows = [("%s_mean_ms" % name, mean, T("stat.mean"))] + [
            ("%s_p%d_ms" % (name, p), _micro(outcome.percentile(values, p), 1000), T("stat.percentile", p=p))
            for p in shown]
        for key, value, statistic in rows:
            figures.append(figure(key, value, Unit.MS, T(formula_id, statistic=statistic, n=len(values), ms=value),
                                  inputs, T(explanation_id), T(label_id, statistic=statistic)))
    lanes = simulation.lanes
    queue = _micro(outcome.queue_mean * lanes)
    batch = _micro(outcome.batch_mean * lanes)
    preempted = Fraction(outcome.preempted * 100, measured) if measured else Fraction(0)
    figures.extend((
        figure("queue_mean_requests", queue, Unit.REQUESTS,
               T("formula.sim_queue", seconds=_micro(outcome.span_s), lanes=lanes, value=queue), inputs,
               T("expl.sim_queue"), T("label.queue_mean_requests")),
        figure("batch_mean_requests", batch, Unit.REQUESTS,
               T("formula.sim_batch", seconds=_micro(outcome.span_s), lanes=lanes, value=batch), inputs,
               T("expl.sim_batch"), T("label.batch_mean_requests")),
        figure("preempted_percent", preempted, Unit.PERCENT,
               T("formula.sim_preempted", count=outcome.preempted, n=measured, percent=preempted), inputs,
               T("expl.sim_preempted"), T("label.preempted_percent")),
    ))
    return tuple(figures)


def host_sessions_figure(capacity, host_sessions):
    """Sessions a node keeps with the host tier: running in GPU memory, idle in host memory."""
    total = capacity.sessions + host_sessions
    return figure("sessions_with_host_per_node", total, Unit.SESSIONS,
                  T("formula.sessions_with_host", gpu=capacity.sessions, host=host_sessions, total=total),
                  {"sessions_per_node": capacity.sessions, "host_kv_sessions_per_node": host_sessions},
                  T("expl.sessions_with_host"), T("label.sessions_with_host_per_node"))


def traffic_figures(options, model, server, layout, roofline, context_tokens, kv_tp, kv_bytes):
    """The figures every scenario shares of traffic as it arrives (lengths as distributions, prefix
    caching, the host-memory tier, one request alone), the simulation when asked, and the idle sessions
    a node's host tier holds. Returns (figures, simulation or None, host sessions or None)."""
    figures = []
    distributed = any(lengths is not None and lengths.is_distribution
                      for lengths in (options.input_lengths, options.output_lengths))
    if distributed:
        figures.append(in_flight_figure(options))
    prompt = None if options.input_tokens is None else min(options.input_tokens, context_tokens)

    def kv_at(tokens):
        return kv_per_session(model, tokens, options.kv_precision, kv_tp, Basis.SPEC, options.block_size,
                              options.max_num_batched_tokens).bytes
    block = options.block_size
    if prompt is not None:
        figures.extend(prefix_figures(kv_at, options, prompt, Fraction(layout.instances_per_node,
                                                                       layout.nodes_per_instance), block))
    restore_bytes = 0
    if prompt is not None and options.kv_offloading_size_gib is not None:
        cached, shared = cached_tokens(prompt, options, block), shared_tokens(prompt, options, block)
        restore_bytes = kv_at(cached) - kv_at(shared) if cached > shared else 0
    host = host_tier_figures(options, server, layout, kv_bytes, restore_bytes)
    figures.extend(host)
    simulation = None
    if options.simulated:
        if roofline is None:
            raise InputError("err.simulation_roofline")
        link = None if server.host_link_gb_s is None else server.host_link_gb_s * GB_BYTES
        simulation = build_simulation(options, model, layout, roofline, context_tokens, kv_bytes, link)
        figures.extend(common_figures(simulation, options))
    return tuple(figures), simulation, find(host, "host_kv_sessions_per_node")
