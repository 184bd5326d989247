"""Inverse questions (--solve): the concurrency or context a number of nodes holds.
"""

from fractions import Fraction

from sizer.compute.figures import figure
from sizer.compute.report import build_report
from sizer.compute.serving import rate_nodes_needed, solve_rate
from sizer.frozen import replace
from sizer.numbers import InputError, MAX_INPUT
from sizer.vocab import Join, RECOMMENDED, SCENARIOS, SOLVE_TEXT, T, Unit


def solve_report(options, model, server, storage):
    """The largest concurrency (or context) each scenario serves on --nodes nodes, as a figure in
    each scenario; the report itself is sized at RECOMENDADO's answer."""
    kind, budget = options.solve, options.nodes
    if kind == "rate":
        return solve_rate_report(options, model, server, storage)
    upper = MAX_INPUT if kind == "concurrency" else model.max_position_embeddings

    def nodes_at(key, value):
        # Only the node counts are read: no performance figures nor alternatives are sized for them.
        changed = replace(options, scenario_performance=False,
                           **{"concurrency" if kind == "concurrency" else "effective_context": value})
        return build_report(changed, model, server, storage).scenario(key).nodes_final

    def fits(key, value):
        nodes = nodes_at(key, value)
        return nodes is not None and nodes <= budget

    answers = {}
    for scenario in SCENARIOS:
        key = scenario.key
        if not fits(key, 1):
            answers[key] = 0
            continue
        low, high = 1, 2
        while high <= upper and fits(key, high):
            low, high = high, high * 2
        high = min(high, upper + 1)
        while high - low > 1:           # fits(low), not fits(high) (or high is past the upper end)
            middle = (low + high) // 2
            if fits(key, middle):
                low = middle
            else:
                high = middle
        answers[key] = low
    shown = answers[RECOMMENDED] or 1
    report = build_report(replace(options, **{"concurrency" if kind == "concurrency" else "effective_context": shown}),
                          model, server, storage)
    kind_id, explanation_id, label_id, _ = SOLVE_TEXT[kind]
    results = []
    for result in report.scenarios:
        key, answer = result.scenario.key, answers[result.scenario.key]
        if answer == 0:
            nodes = nodes_at(key, 1)
            formula = T("formula.solve_none", kind=T(kind_id), nodes=budget,
                        needed=T("value.infeasible") if nodes is None else nodes)
        elif answer == upper:
            formula = T("formula.solve_all", kind=T(kind_id), nodes=budget, answer=answer,
                        at=nodes_at(key, answer))
        else:
            formula = T("formula.solve", kind=T(kind_id), nodes=budget, answer=answer,
                        at=nodes_at(key, answer), next=answer + 1, next_nodes=nodes_at(key, answer + 1))
        inputs = {"nodes": budget, "question": kind}
        if answer == 0:
            inputs["needed_nodes"] = nodes
        item = figure("solve_" + kind, answer, Unit.SESSIONS if kind == "concurrency" else Unit.TOKENS, formula,
                      inputs, T(explanation_id, n=budget), T(label_id, n=budget))
        results.append(replace(result, figures=(item,) + result.figures))
    return replace(report, scenarios=tuple(results), solve=(kind, budget))


def solve_rate_report(options, model, server, storage):
    """The highest request rate each scenario sustains on --nodes nodes (figures `solve_rate` and
    `solve_rate_tokens_per_s_gpu` first in each scenario); the report is sized at RECOMENDADO's rate,
    so its nodes answer the forward question at that rate."""
    nodes = options.nodes
    probe = build_report(options, model, server, storage)
    layout, latency = probe.layout, probe.latency
    if latency is None or latency.roofline is None:
        raise InputError("err.operating_point_roofline", missing=Join(probe.roofline_missing))
    full_batch = max(probe.scenarios[0].capacity.per_instance, 1)
    gpus = nodes * server.gpus
    answers = {}
    for result in probe.scenarios:
        answers[result.scenario.key] = solve_rate(result, layout, nodes, latency, full_batch)
    shown = answers[RECOMMENDED]
    if shown is not None and shown.rate > 0:
        sized = replace(options, concurrency=None, requests_per_second=shown.rate, solve=None)
    else:
        sized = options
    report = build_report(sized, model, server, storage)
    kind_id, explanation_id, label_id, _ = SOLVE_TEXT["rate"]
    results = []
    for result in report.scenarios:
        answer = answers[result.scenario.key]
        params = result.parameters
        if answer is None or answer.sessions == 0:
            rate, formula = Fraction(0), T("formula.solve_rate_none", nodes=nodes)
            inputs = {"nodes": nodes, "question": "rate",
                      "needed_nodes": rate_nodes_needed(probe.scenario(result.scenario.key), layout)}
        else:
            rate, state = answer.rate, answer.state
            terms = dict(nodes=nodes, unit=layout.nodes_per_instance, ha=params.ha_extra_nodes,
                         headroom=params.peak_headroom_ratio, rate=rate)
            if answer.steps_bound:
                formula = T("formula.solve_rate_steps", units=answer.units, unit_requests=answer.unit_requests_s,
                            **terms)
            else:
                formula = T("formula.solve_rate", sessions=answer.sessions, steps=state.lifetime_steps,
                            step_ms=state.step_s * 1000, per_unit=result.capacity.sessions, **terms)
            inputs = {"nodes": nodes, "question": "rate", "sessions_held": answer.sessions,
                      "lifetime_steps": state.lifetime_steps, "step_s": state.step_s,
                      "batch_per_instance": state.batch, "input_tokens": options.input_tokens,
                      "output_tokens": options.output_tokens, "unit_requests_per_s": answer.unit_requests_s,
                      "bound_by_steps": answer.steps_bound}
        per_gpu = rate * options.output_tokens / gpus
        answer_figures = (
            figure("solve_rate", rate, Unit.REQUESTS_PER_S, formula, inputs, T(explanation_id, n=nodes),
                   T(label_id, n=nodes)),
            figure("solve_rate_tokens_per_s_gpu", per_gpu, Unit.TOKENS_PER_S,
                   T("formula.solve_rate_tokens", rate=rate, output=options.output_tokens, gpus=gpus, per_gpu=per_gpu),
                   {"solve_rate": rate, "output_tokens": options.output_tokens, "gpus": gpus},
                   T("expl.solve_rate_tokens", n=nodes)))
        results.append(replace(result, figures=answer_figures + result.figures))
    return replace(report, scenarios=tuple(results), solve=("rate", nodes))
