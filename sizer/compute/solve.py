"""Inverse questions (--solve): the concurrency or context a number of nodes holds.
"""

from sizer.compute.figures import figure
from sizer.compute.report import build_report
from sizer.numbers import MAX_INPUT
from sizer.vocab import RECOMMENDED, SCENARIOS, SOLVE_TEXT, T, Unit, _replace


def solve_report(options, model, server, storage):
    """The largest concurrency (or context) each scenario serves on --nodes nodes, as a figure in
    each scenario; the report itself is sized at RECOMENDADO's answer."""
    kind, budget = options.solve, options.nodes
    upper = MAX_INPUT if kind == "concurrency" else model.max_position_embeddings

    def nodes_at(key, value):
        # Only the node counts are read: no performance figures nor alternatives are sized for them.
        changed = _replace(options, scenario_performance=False,
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
    report = build_report(_replace(options, **{"concurrency" if kind == "concurrency" else "effective_context": shown}),
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
                      inputs, T(explanation_id, nodes=budget), T(label_id, nodes=budget))
        results.append(_replace(result, figures=(item,) + result.figures))
    return _replace(report, scenarios=tuple(results), solve=(kind, budget))
