"""Performance: the roofline (decode step, prefill), latency at load, storage restore, goodput.
"""

from __future__ import annotations      # record annotations stay text (3.8 reads `X | None`)

from fractions import Fraction

from sizer.compute.capacity import budget_figure, scenario_parameters, sessions_figures
from sizer.compute.figures import FIGURE_LABELS, figure
from sizer.compute.racks import instance_trays
from sizer.frozen import record
from sizer.numbers import InputError, MAX_INPUT, cdiv
from sizer.vocab import GB_BYTES, SCENARIOS, T, Unit

TYPE_CHECKING = False
if TYPE_CHECKING:      # names the annotations use, never imported at run time
    from sizer.compute.engine import EngineModel
    from sizer.compute.traffic import Simulation


# -- Performance: the engine's steps (compute/engine.py), prefill, storage, traffic ----------------
#
# The step model is a lower bound on time built from mechanisms: bytes at `hbm_efficiency` of peak
# bandwidth, GEMMs at `decode_mfu` of dense peak, grouped expert GEMMs, attention, collectives and a
# launch cost per layer. Measured numbers always win.


def step_terms(cost):
    """A StepCost's phases in milliseconds, for the formulas that show them."""
    return {"dense_bytes_ms": cost.dense[0] * 1000, "dense_flops_ms": cost.dense[1] * 1000,
            "expert_bytes_ms": cost.experts[0] * 1000, "expert_flops_ms": cost.experts[1] * 1000,
            "kv_ms": cost.attention[0] * 1000, "attention_ms": cost.attention[1] * 1000,
            "prefill_ms": cost.prefill_attention * 1000, "communication_ms": cost.communication * 1000,
            "launch_ms": cost.launch * 1000, "host_ms": cost.host * 1000, "ms": cost.seconds * 1000}


def phase_bounds(cost):
    """The words of what binds each phase: compute or memory."""
    return {name: T("value.phase_compute") if flops > data else T("value.phase_memory")
            for name, (data, flops) in (("weights", cost.dense), ("experts", cost.experts),
                                        ("attention", cost.attention))}


# Latency.caps_per_instance's answers by (latency model, KV bytes, memory-bound sessions): a pure
# function of frozen records, so a cache cannot go stale; bounded so a long search cannot grow it.
# The three scenarios of a report ask it with the same model.
_CAPS = {}
MAX_CACHED_CAPS = 4096


@record
class Latency:
    """The engine model (or None) with the TTFT and the targets, to cap sessions per instance."""
    roofline: EngineModel | None
    ttft_s: Fraction | None
    tpot_slo_ms: Fraction | None
    ttft_slo_ms: Fraction | None
    ttft_full_context_s: Fraction | None = None     # recomputing a failed session re-prefills its whole context
    traffic: tuple[int, ...] | None = None                 # (input tokens, output tokens, tokens per step, cached tokens) of the
                                           # requests
    disaggregated: bool = False            # decode runs apart: its steps carry no prefill
    simulation: Simulation | None = None              # the traffic's simulation (compute/traffic.py), when asked

    def steady_state(self, batch):
        """The aggregated steps at `batch` sessions per instance when the requests' tokens are known."""
        if self.roofline is None or self.traffic is None:
            return None
        return self.roofline.steady_state(batch, *self.traffic)

    def caps_per_instance(self, kv_bytes, memory_per_instance):
        """((target, sessions per instance that keep it), ...), only for the targets given. With the
        requests' tokens known, TPOT and TTFT are those of the steps that carry prefill chunks too.
        The three scenarios (and a search's candidates) ask the same question: the answer is kept."""
        # Keyed by this very model (its id, kept alive by the entry itself): hashing its exact fields
        # would cost more than the answer.
        key = (id(self), kv_bytes, memory_per_instance)
        entry = _CAPS.get(key)
        if entry is None or entry[0] is not self:
            if len(_CAPS) > MAX_CACHED_CAPS:
                _CAPS.clear()
            entry = _CAPS[key] = (self, self._caps(kv_bytes, memory_per_instance))
        return entry[1]

    def _caps(self, kv_bytes, memory_per_instance):
        caps = []
        if self.roofline is None:
            return ()
        if self.simulation is not None and self.simulation.percentile is not None:
            # The targets bind at a percentile of the simulated traffic (the nodes follow it); here only
            # whether the requests, each alone on an instance, meet them.
            reachable = self.simulation.reachable()
            return tuple((name, memory_per_instance if reachable else 0)
                         for name, target in (("TPOT", self.tpot_slo_ms), ("TTFT", self.ttft_slo_ms))
                         if target is not None)
        if self.traffic is not None and not self.disaggregated:
            tokens, answer, budget, cached = self.traffic
            for name, target, key in (("TPOT", self.tpot_slo_ms, "tpot_s"), ("TTFT", self.ttft_slo_ms, "ttft_s")):
                if target is not None:
                    caps.append((name, self.roofline.max_batch_within(
                        tokens, answer, budget, memory_per_instance, cached_tokens=cached,
                        **{key: target / 1000})))
            return tuple(caps)
        if self.tpot_slo_ms is not None:
            caps.append(("TPOT", self.roofline.max_batch_within_tpot(kv_bytes, self.tpot_slo_ms / 1000,
                                                                     memory_per_instance)))
        if self.ttft_slo_ms is not None:
            caps.append(("TTFT", memory_per_instance if self.ttft_s * 1000 <= self.ttft_slo_ms else 0))
        return tuple(caps)


def operating_point(options, context, latency):
    """Little's law on the engine's steps: a session holds its KV for its prompt's chunk steps and one
    step per output token after the first, at the step time of the batch it runs in; the smallest
    concurrency C with C >= ceil(R x lifetime steps x step(b)), b = min(C, what one instance of MÍNIMO
    admits). Disaggregated, a decode session lasts TTFT + output x TPOT(b) instead. The right side
    only grows with C, so a binary search finds the operating point; the figure shows it."""
    params = scenario_parameters(SCENARIOS[0], options)
    budget = budget_figure(params, context.overhead_gib, context.hbm_gib, context.engine_gib)
    _, capacity = sessions_figures(options, budget.value, context.kv_by_basis, context.stage_kv,
                                   options.kv_accounting, context.layout, latency, context.blocker)
    full_batch = max(capacity.per_instance, 1)
    kv_bytes = context.kv_by_basis[options.kv_accounting].bytes
    rate, output = options.requests_per_second, options.output_tokens

    def session(concurrency):
        """(seconds a session holds its KV, the formula's terms) at the batch `concurrency` gives."""
        batch = min(concurrency, full_batch)
        state = None if latency.disaggregated else latency.steady_state(batch)
        if state is not None:
            return state.session_s, dict(steps=state.lifetime_steps, chunk_steps=state.chunk_steps,
                                         step_ms=state.step_s * 1000, batch=state.batch, tpot_s=state.step_s,
                                         ttft_prompt_s=latency.ttft_s)
        tpot = latency.roofline.tpot_seconds(batch, kv_bytes)
        return latency.ttft_s + output * tpot, dict(ttft=latency.ttft_s, tpot_ms=tpot * 1000, batch=batch,
                                                    tpot_s=tpot, ttft_prompt_s=latency.ttft_s)

    def needed(concurrency):
        return int(cdiv(rate * session(concurrency)[0], 1))

    low, high = 1, max(needed(full_batch), 1)
    if high > MAX_INPUT:
        raise InputError("err.traffic_bound", value=high)
    while low < high:
        middle = (low + high) // 2
        if middle >= needed(middle):
            high = middle
        else:
            low = middle + 1
    seconds, terms = session(low)
    formula_id = "formula.operating_point" if "steps" in terms else "formula.operating_point_decode"
    return figure("concurrency", low, Unit.SESSIONS,
                  T(formula_id, rate=rate, output=output, seconds=seconds, concurrency=low, **terms),
                  dict({"requests_per_second": rate, "input_tokens": options.input_tokens, "output_tokens": output,
                        "session_seconds": seconds, "full_batch_per_instance": full_batch,
                        "max_num_batched_tokens": options.max_num_batched_tokens},
                       **{key: value for key, value in terms.items() if key not in ("batch", "ttft", "tpot_ms")},
                       batch_per_instance=terms["batch"]),
                  T("expl.operating_point"), T("label.concurrency"))


def traffic_figure(options):
    """Little's law: concurrency = ceil(requests/s x mean session seconds)."""
    rate, seconds = options.requests_per_second, options.mean_session_seconds
    return figure("concurrency", options.concurrency, Unit.SESSIONS,
                  T("formula.littles_law", rate=rate, seconds=seconds, concurrency=options.concurrency),
                  {"requests_per_second": rate, "mean_session_seconds": seconds}, T("expl.littles_law"),
                  T("label.concurrency"))


def prefill_flops(model, roofline, tokens, cached=0):
    """2 x active parameters x tokens, plus QK^T and AV: 4 x heads x head_dim per attended pair. The
    `cached` first tokens come from the prefix cache: not computed, but the others attend to them."""
    attention = sum(g.count * (g.attended_pairs(tokens) - g.attended_pairs(cached)) for g in model.layer_groups)
    return (2 * roofline.active_parameters * (tokens - cached)
            + 4 * model.num_attention_heads * model.head_dim * attention), attention


def ttft_figure(model, roofline, tokens, key="ttft_full_context_s", cached=0):
    flops, attention = prefill_flops(model, roofline, tokens, cached)
    seconds = Fraction(flops) / roofline.flops_s
    inputs = {"active_parameters": roofline.active_parameters, "prompt_tokens": tokens,
              "attended_pairs": attention, "instance_flops_s": roofline.flops_s,
              "flops_basis": roofline.flops_field}
    explanation = (T("expl.ttft"),)
    if cached:
        inputs["cached_tokens"] = cached
        explanation += (T("expl.ttft_cached", cached=cached),)
    return figure(key, seconds, Unit.SECONDS,
                  T("formula.ttft", active=roofline.active_parameters, tokens=tokens - cached,
                    heads=model.num_attention_heads, head_dim=model.head_dim, pairs=attention,
                    flops_s=roofline.flops_s, seconds=seconds), inputs, explanation)


def restore_seconds(storage, total_bytes, readers=1):
    """p99 read latency + bytes / (read throughput x nodes reading in parallel)."""
    return (storage.read_latency_p99_ms / 1000
            + Fraction(total_bytes) / (storage.read_throughput_gb_s * GB_BYTES * readers))


def storage_figures(model, storage, layout, kv_bytes):
    read_bytes_s = storage.read_throughput_gb_s * GB_BYTES
    figures = []
    if model.weights is not None:
        node_weights = Fraction(model.weights.weights_bytes * layout.instances_per_node, layout.nodes_per_instance)
        load_s = node_weights / read_bytes_s
        figures.append(figure(
            "weights_load_s", load_s, Unit.SECONDS,
            T("formula.weights_load", bytes=node_weights, throughput=storage.read_throughput_gb_s, seconds=load_s),
            {"weights_per_node_bytes": node_weights, "read_throughput_gb_s": storage.read_throughput_gb_s},
            T("expl.weights_load")))
    restore_s = restore_seconds(storage, kv_bytes)
    figures.append(figure(
        "kv_restore_session_s", restore_s, Unit.SECONDS,
        T("formula.kv_restore", latency=storage.read_latency_p99_ms, kv_bytes=kv_bytes,
          throughput=storage.read_throughput_gb_s, seconds=restore_s),
        {"kv_per_session_bytes": kv_bytes, "read_throughput_gb_s": storage.read_throughput_gb_s,
         "read_latency_p99_ms": storage.read_latency_p99_ms}, T("expl.kv_restore")))
    rate = read_bytes_s / kv_bytes
    figures.append(figure(
        "sessions_restored_per_s", rate, Unit.SESSIONS_PER_S,
        T("formula.sessions_restored", throughput=storage.read_throughput_gb_s, kv_bytes=kv_bytes, rate=rate),
        {"read_throughput_gb_s": storage.read_throughput_gb_s, "kv_per_session_bytes": kv_bytes},
        T("expl.sessions_restored")))
    return tuple(figures)


def goodput_figure(key, rate, tpot_ms, slo_ms, inputs, explanation_id="expl.goodput_tokens_per_s_node"):
    """Output tokens per second that meet the TPOT target: every session decodes at the same TPOT in
    this model, so a node's tokens either all meet the target or none does."""
    meets = tpot_ms <= slo_ms
    return figure(key, rate if meets else Fraction(0), Unit.TOKENS_PER_S,
                  T("formula.goodput_meets" if meets else "formula.goodput_misses", rate=rate, tpot=tpot_ms,
                    slo=slo_ms),
                  dict(inputs, tpot_slo_ms=slo_ms), T(explanation_id))


def step_cost_for(roofline, kv_bytes, latency=None):
    """The step a batch runs at, as the latency targets see it: with the requests' tokens known
    (aggregated), the engine's steps with the prompts' chunks in them at the sessions' mean context
    (Latency.steady_state, what caps_per_instance checks); otherwise the decode step at `kv_bytes`."""
    if latency is not None and latency.traffic is not None and not latency.disaggregated:
        return lambda batch: latency.steady_state(batch).cost
    return lambda batch: roofline.decode_cost(batch, kv_bytes)


def performance_figures(scenario, roofline, storage, kv_bytes, layout, capacity, concurrency,
                        nodes_final, ttft_s, tpot_slo_ms=None, planned=None, latency=None):
    """Decode roofline at full and actual load, and failover, for one scenario.

    With pipeline parallelism a token still passes every stage in turn, so a step reads
    the instance's weights at the bandwidth of one stage's TP GPUs (the roofline's). With the
    requests' tokens known, the steps carry the prompts' chunks too (step_cost_for).
    """
    step_cost = step_cost_for(roofline, kv_bytes, latency)
    per_instance = capacity.per_instance
    if per_instance == 0 or nodes_final is None:
        return ()
    figures = []
    # Instances per node: a fraction when one instance spans nodes.
    instances = Fraction(layout.instances_per_node, layout.nodes_per_instance)
    serving, receivers = in_service(scenario, layout, nodes_final, planned)
    load_per_instance = min(per_instance, cdiv(concurrency, serving))
    for suffix, batch in (("full", per_instance), ("load", load_per_instance)):
        cost = step_cost(batch)
        seconds = cost.seconds      # the one definition the latency caps use too
        bound = phase_bounds(cost)
        figures.append(figure(
            "tpot_%s_ms" % suffix, seconds * 1000, Unit.MS, T("formula.tpot", **step_terms(cost)),
            {"batch_per_instance": batch, "dense_weight_bytes": roofline.dense_bytes,
             "expert_weight_bytes": roofline.expert_bytes, "experts": roofline.experts,
             "experts_per_token": roofline.experts_per_token, "kv_per_session_bytes": kv_bytes,
             "instance_bandwidth_bytes_s": roofline.instance_bandwidth_bytes_s,
             "gpus_per_stage": roofline.gpus, "attention_groups": roofline.attention_groups,
             "active_parameters": roofline.active_parameters,
             "attention_flops_per_session": roofline.attention_flops_per_session,
             "instance_decode_flops_s": roofline.gemm_flops_s * roofline.gpus,
             "gpu_decode_flops_s": roofline.gemm_flops_s, "flops_basis": roofline.flops_field,
             "interconnect_bytes_s_per_direction": roofline.link_bytes_s},
            (T("expl.tpot"), T("expl.tpot_phases", **bound)),
            T(FIGURE_LABELS["tpot_%s_ms" % suffix], batch=batch)))
        figures.append(figure(
            "tokens_per_s_session_%s" % suffix, 1 / seconds, Unit.TOKENS_PER_S,
            T("formula.tokens_session", seconds=seconds, rate=1 / seconds), {"tpot_s": seconds},
            T("expl.tokens_session"), T(FIGURE_LABELS["tokens_per_s_session_%s" % suffix], batch=batch)))
        figures.append(figure(
            "tokens_per_s_node_%s" % suffix, instances * batch / seconds, Unit.TOKENS_PER_S,
            T("formula.tokens_node", instances=instances, batch=batch, seconds=seconds,
              rate=instances * batch / seconds),
            {"instances_per_node": instances, "batch_per_instance": batch, "tpot_s": seconds},
            T("expl.tokens_node"), T(FIGURE_LABELS["tokens_per_s_node_%s" % suffix], batch=batch)))
    if tpot_slo_ms is not None:
        figures.append(goodput_figure("goodput_tokens_per_s_node", instances * batch / seconds, seconds * 1000,
                                      tpot_slo_ms, {"tokens_per_s_node_load": instances * batch / seconds,
                                                    "tpot_load_ms": seconds * 1000},
                                      "expl.goodput_tokens_per_s_node"))
    # A failure takes one unit down: a node (a tray of a rack), or a whole instance that spans nodes.
    failed = load_per_instance * max(instances, 1)
    if receivers:
        restore = restore_seconds(storage, failed * kv_bytes, receivers)
        recompute = failed * ttft_s / (receivers * instances)
        restore_formula = T("formula.failover_restore", latency=storage.read_latency_p99_ms, sessions=failed,
                            kv_bytes=kv_bytes, throughput=storage.read_throughput_gb_s, receivers=receivers,
                            seconds=restore)
        recompute_formula = T("formula.failover_recompute", sessions=failed, ttft_s=ttft_s, receivers=receivers,
                              instances=instances, seconds=recompute)
    else:
        restore = recompute = None
        restore_formula = recompute_formula = T("formula.failover_nobody")
    figures.append(figure(
        "failover_restore_s", restore, Unit.SECONDS, restore_formula,
        {"failed_node_sessions": failed, "receiving_nodes": receivers, "kv_per_session_bytes": kv_bytes},
        T("expl.failover_restore")))
    figures.append(figure(
        "failover_recompute_s", recompute, Unit.SECONDS, recompute_formula,
        {"failed_node_sessions": failed, "receiving_nodes": receivers, "ttft_full_context_s": ttft_s},
        T("expl.failover_recompute")))
    figures.extend(tpot_after_failure(scenario, roofline, kv_bytes, layout, capacity.memory_per_instance,
                                      concurrency, nodes_final, tpot_slo_ms, serving, step_cost))
    return tuple(figures)


def in_service(scenario, layout, nodes_final, planned=None):
    """(Instances serving, nodes that take a failed unit's sessions over). A node's failure is
    taken by the scenario's spare nodes (whole instances when one spans nodes), or by the nodes
    left. On a rack-scale system the `planned` instances serve; a tray fails, and its instance
    starts again on a spare tray of its rack (its trays take the sessions back), or without a
    reserve the other instances' trays take them."""
    if layout.rack_scale:
        receivers = (layout.nodes_per_instance if scenario.ha_extra_nodes
                     else instance_trays(layout, planned) - layout.nodes_per_instance)
        return planned, receivers
    receivers = scenario.ha_extra_nodes * layout.nodes_per_instance or nodes_final - layout.nodes_per_instance
    return nodes_final * Fraction(layout.instances_per_node, layout.nodes_per_instance), receivers


def tpot_after_failure(scenario, roofline, kv_bytes, layout, per_instance, concurrency, nodes_final,
                       tpot_slo_ms=None, serving=None, step_cost=None):
    """The TPOT with the scenario's reserve lost (RECOMENDADO: one failure unit down, IDEAL: two):
    the concurrency spread over the instances left, at most what memory admits per instance (an
    engine knows no latency target: it batches what fits)."""
    down = scenario.ha_extra_nodes
    if layout.rack_scale:
        # Each tray down stops the instance spanning it, or the instances sharing it.
        left = serving - down * layout.instances_per_node
    else:
        left = Fraction((nodes_final - down * layout.nodes_per_instance) * layout.instances_per_node,
                        layout.nodes_per_instance)
    if not down or left <= 0:
        return ()
    batch = min(per_instance, int(cdiv(concurrency, left)))
    seconds = (step_cost or step_cost_for(roofline, kv_bytes))(batch).seconds
    figures = (figure("tpot_after_failure_ms", seconds * 1000, Unit.MS,
                      T("formula.tpot_after_failure", concurrency=concurrency, instances=left, batch=batch,
                        ms=seconds * 1000),
                      {"failure_units_down": down, "instances_left": left, "batch_per_instance": batch,
                       "sessions_per_instance_memory": per_instance},
                      T("expl.tpot_after_failure", down=down)),)
    if tpot_slo_ms is not None:
        rate = Fraction(layout.instances_per_node, layout.nodes_per_instance) * batch / seconds
        figures += (goodput_figure("goodput_after_failure_tokens_per_s_node", rate, seconds * 1000, tpot_slo_ms,
                                   {"batch_per_instance": batch, "tpot_after_failure_ms": seconds * 1000},
                                   "expl.goodput_after_failure_tokens_per_s_node"),)
    return figures
