"""Performance: the roofline (decode step, prefill), latency at load, storage restore, goodput.
"""

from fractions import Fraction

from sizer.compute.capacity import budget_figure, scenario_parameters, sessions_figures
from sizer.compute.figures import FIGURE_LABELS, figure
from sizer.compute.racks import instance_trays
from sizer.numbers import InputError, MAX_INPUT, cdiv
from sizer.vocab import GB_BYTES, LOW_WEIGHT_PRECISIONS, SCENARIOS, T, Unit, record


# -- Performance: decode roofline, prefill, storage, traffic ----------------
#
# A roofline is a lower bound on time: it assumes the GPU streams bytes at
# `hbm_efficiency` of peak bandwidth and computes at `mfu` of dense peak, with
# no scheduling, communication or kernel-launch overhead. Real engines are
# slower; measured numbers always win.

EXACT_EXPERT_BATCH = 4096                # exact (1 - k/E)^batch up to this batch


@record
class Roofline:
    """What the roofline needs about one instance, as exact numbers."""
    weights_bytes: int
    expert_bytes: Fraction
    dense_bytes: Fraction
    experts: object
    experts_per_token: object
    active_parameters: int
    bandwidth_bytes_s: Fraction
    flops_field: str
    flops_s: Fraction
    decode_flops_s: Fraction = Fraction(1)      # dense FLOPS x --decode-mfu, for the decode GEMMs
    attention_flops_per_session: int = 0        # one new token attending over a session's context

    def decode_step_bytes(self, batch, kv_bytes):
        """Bytes one decode step reads: dense weights, experts the batch touches, every session's KV."""
        touched = Fraction(0)
        if self.expert_bytes:
            untouched_one = 1 - Fraction(self.experts_per_token, self.experts)
            if batch <= EXACT_EXPERT_BATCH:
                untouched = untouched_one ** batch
            else:
                # Exact powers of huge batches are huge integers; the untouched share is
                # already below untouched_one^4096 here, so a float is more than enough.
                untouched = Fraction(float(untouched_one) ** batch)
            touched = 1 - untouched
        return self.dense_bytes + self.expert_bytes * touched + batch * kv_bytes

    def decode_phases(self, batch, kv_bytes):
        """A decode step as two phases run one after the other, each bound by the slower of its bytes
        and its FLOPs (measured on one H100: the weight GEMMs turn compute-bound past a batch of
        about 300): ((weight bytes s, weight FLOPs s), (KV bytes s, attention FLOPs s))."""
        weights_bytes = self.decode_step_bytes(batch, 0)
        return ((weights_bytes / self.bandwidth_bytes_s,
                 Fraction(2 * self.active_parameters * batch) / self.decode_flops_s),
                (Fraction(batch * kv_bytes) / self.bandwidth_bytes_s,
                 Fraction(batch * self.attention_flops_per_session) / self.decode_flops_s))

    def tpot_seconds(self, batch, kv_bytes):
        return sum(max(phase) for phase in self.decode_phases(batch, kv_bytes))

    def max_batch_within_tpot(self, kv_bytes, slo_seconds, upper):
        """Largest batch (0..upper) whose TPOT meets the target; TPOT grows with the batch."""
        low, high = 0, upper
        while low < high:
            middle = (low + high + 1) // 2
            if self.tpot_seconds(middle, kv_bytes) <= slo_seconds:
                low = middle
            else:
                high = middle - 1
        return low


def decode_attention_flops(model, context_tokens):
    """QK^T and AV for one new token over a session's context: 4 x heads x head_dim per key
    (the same per-pair count as the prefill); state layers attend to nothing."""
    keys = sum(g.count * g.spec_tokens(context_tokens) for g in model.layer_groups)
    return 4 * model.num_attention_heads * model.head_dim * keys


def roofline_for(model, server, tensor_parallel, options, context_tokens=0):
    """The Roofline of one instance, or None and the missing facts."""
    missing = tuple([f for f in ("hbm_bandwidth_tb_s", "bf16_dense_tflops", "fp8_dense_tflops")
                     if getattr(server, f) is None]
                    + [f for f, v in (("total_parameters", model.parameters_total),
                                      ("active_parameters", model.parameters_active)) if v is None]
                    + (["weights_bytes"] if model.weights is None else []))
    if missing:
        return None, missing
    weights = model.weights.weights_bytes
    total, active = model.parameters_total, model.parameters_active
    experts, per_token = model.num_local_experts, model.num_experts_per_tok
    expert_bytes = Fraction(0)
    if experts and per_token and experts > per_token and total > active:
        # active = dense + experts_total x k/E  =>  experts_total = (total - active) x E / (E - k)
        expert_params = Fraction(total - active) * experts / (experts - per_token)
        expert_bytes = weights * expert_params / total
    flops_field = ("fp8_dense_tflops" if model.weights.precision in LOW_WEIGHT_PRECISIONS
                   else "bf16_dense_tflops")
    return Roofline(
        weights_bytes=weights, expert_bytes=expert_bytes, dense_bytes=weights - expert_bytes,
        experts=experts, experts_per_token=per_token, active_parameters=active,
        bandwidth_bytes_s=tensor_parallel * server.hbm_bandwidth_tb_s * 10 ** 12 * options.hbm_efficiency,
        flops_field=flops_field,
        flops_s=tensor_parallel * getattr(server, flops_field) * 10 ** 12 * options.mfu,
        decode_flops_s=tensor_parallel * getattr(server, flops_field) * 10 ** 12 * options.decode_mfu,
        attention_flops_per_session=decode_attention_flops(model, context_tokens)), ()


@record
class Latency:
    """The roofline (or None) with the TTFT and the targets, to cap sessions per instance."""
    roofline: object
    ttft_s: object
    tpot_slo_ms: object
    ttft_slo_ms: object
    ttft_full_context_s: object = None     # recomputing a failed session re-prefills its whole context

    def caps_per_instance(self, kv_bytes, memory_per_instance):
        """((target, sessions per instance that keep it), ...), only for the targets given."""
        caps = []
        if self.roofline is None:
            return ()
        if self.tpot_slo_ms is not None:
            caps.append(("TPOT", self.roofline.max_batch_within_tpot(kv_bytes, self.tpot_slo_ms / 1000,
                                                                     memory_per_instance)))
        if self.ttft_slo_ms is not None:
            caps.append(("TTFT", memory_per_instance if self.ttft_s * 1000 <= self.ttft_slo_ms else 0))
        return tuple(caps)


def operating_point(options, context, latency):
    """Little's law when a session lasts TTFT + output tokens x TPOT at the batch it runs in: the
    smallest concurrency C with C >= ceil(R x (TTFT + O x TPOT(b))), b = min(C, what one instance
    of MÍNIMO admits). TPOT grows with the batch, so the right side only grows with C and a
    binary search finds the operating point; the figure shows it."""
    params = scenario_parameters(SCENARIOS[0], options)
    budget = budget_figure(params, context.overhead_gib, context.hbm_gib, context.engine_gib)
    _, capacity = sessions_figures(options, budget.value, context.kv_by_basis, context.stage_kv,
                                   options.kv_accounting, context.layout, latency, context.blocker)
    full_batch = max(capacity.per_instance, 1)
    kv_bytes = context.kv_by_basis[options.kv_accounting].bytes
    rate, ttft, output = options.requests_per_second, latency.ttft_s, options.output_tokens

    def needed(concurrency):
        batch = min(concurrency, full_batch)
        return int(cdiv(rate * (ttft + output * latency.roofline.tpot_seconds(batch, kv_bytes)), 1)), batch

    low, high = 1, max(needed(full_batch)[0], 1)
    if high > MAX_INPUT:
        raise InputError("err.traffic_bound", value=high)
    while low < high:
        middle = (low + high) // 2
        if middle >= needed(middle)[0]:
            high = middle
        else:
            low = middle + 1
    concurrency, batch = low, needed(low)[1]
    tpot = latency.roofline.tpot_seconds(batch, kv_bytes)
    seconds = ttft + output * tpot
    return figure("concurrency", concurrency, Unit.SESSIONS,
                  T("formula.operating_point", rate=rate, ttft=ttft, output=output, tpot_ms=tpot * 1000,
                    batch=batch, seconds=seconds, concurrency=concurrency),
                  {"requests_per_second": rate, "input_tokens": options.input_tokens, "output_tokens": output,
                   "ttft_prompt_s": ttft, "tpot_s": tpot, "batch_per_instance": batch,
                   "session_seconds": seconds, "full_batch_per_instance": full_batch},
                  T("expl.operating_point"), T("label.concurrency"))


def traffic_figure(options):
    """Little's law: concurrency = ceil(requests/s x mean session seconds)."""
    rate, seconds = options.requests_per_second, options.mean_session_seconds
    return figure("concurrency", options.concurrency, Unit.SESSIONS,
                  T("formula.littles_law", rate=rate, seconds=seconds, concurrency=options.concurrency),
                  {"requests_per_second": rate, "mean_session_seconds": seconds}, T("expl.littles_law"),
                  T("label.concurrency"))


def prefill_flops(model, roofline, tokens):
    """2 x active parameters x tokens, plus QK^T and AV: 4 x heads x head_dim per attended pair."""
    attention = sum(g.count * g.attended_pairs(tokens) for g in model.layer_groups)
    return (2 * roofline.active_parameters * tokens
            + 4 * model.num_attention_heads * model.head_dim * attention), attention


def ttft_figure(model, roofline, tokens, key="ttft_full_context_s"):
    flops, attention = prefill_flops(model, roofline, tokens)
    seconds = Fraction(flops) / roofline.flops_s
    return figure(key, seconds, Unit.SECONDS,
                  T("formula.ttft", active=roofline.active_parameters, tokens=tokens,
                    heads=model.num_attention_heads, head_dim=model.head_dim, pairs=attention,
                    flops_s=roofline.flops_s, seconds=seconds),
                  {"active_parameters": roofline.active_parameters, "prompt_tokens": tokens,
                   "attended_pairs": attention, "instance_flops_s": roofline.flops_s,
                   "flops_basis": roofline.flops_field}, T("expl.ttft"))


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


def performance_figures(scenario, roofline, storage, kv_bytes, layout, capacity, concurrency,
                        nodes_final, ttft_s, tpot_slo_ms=None, planned=None):
    """Decode roofline at full and actual load, and failover, for one scenario.

    With pipeline parallelism a token still passes every stage in turn, so a step reads
    the instance's weights at the bandwidth of one stage's TP GPUs (the roofline's).
    """
    per_instance = capacity.per_instance
    if per_instance == 0 or nodes_final is None:
        return ()
    figures = []
    # Instances per node: a fraction when one instance spans nodes.
    instances = Fraction(layout.instances_per_node, layout.nodes_per_instance)
    serving, receivers = in_service(scenario, layout, nodes_final, planned)
    load_per_instance = min(per_instance, cdiv(concurrency, serving))
    for suffix, batch in (("full", per_instance), ("load", load_per_instance)):
        (weight_bytes_s, weight_flops_s), (kv_bytes_s, attention_flops_s) = roofline.decode_phases(batch, kv_bytes)
        seconds = roofline.tpot_seconds(batch, kv_bytes)    # the one definition the latency caps use too
        bound = (T("value.phase_compute") if weight_flops_s > weight_bytes_s else T("value.phase_memory"),
                 T("value.phase_compute") if attention_flops_s > kv_bytes_s else T("value.phase_memory"))
        figures.append(figure(
            "tpot_%s_ms" % suffix, seconds * 1000, Unit.MS,
            T("formula.tpot", weight_bytes_ms=weight_bytes_s * 1000, weight_flops_ms=weight_flops_s * 1000,
              kv_ms=kv_bytes_s * 1000, attention_ms=attention_flops_s * 1000, ms=seconds * 1000),
            {"batch_per_instance": batch, "dense_weight_bytes": roofline.dense_bytes,
             "expert_weight_bytes": roofline.expert_bytes, "experts": roofline.experts,
             "experts_per_token": roofline.experts_per_token, "kv_per_session_bytes": kv_bytes,
             "instance_bandwidth_bytes_s": roofline.bandwidth_bytes_s,
             "active_parameters": roofline.active_parameters,
             "attention_flops_per_session": roofline.attention_flops_per_session,
             "instance_decode_flops_s": roofline.decode_flops_s, "flops_basis": roofline.flops_field},
            (T("expl.tpot"), T("expl.tpot_phases", weights=bound[0], attention=bound[1])),
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
                                      concurrency, nodes_final, tpot_slo_ms, serving))
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
                       tpot_slo_ms=None, serving=None):
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
    seconds = roofline.tpot_seconds(batch, kv_bytes)
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
