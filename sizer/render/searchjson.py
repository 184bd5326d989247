"""--search in JSON (the versioned document, key `search`) and CSV (one row per candidate).
"""

import json

from sizer import SCHEMA_VERSION, __version__
from sizer.compute.cost import CURRENCY
from sizer.compute.searchspace import CHECKPOINT, DIMENSION_BY_KEY, LAYOUT_FIELDS
from sizer.display import _fixed
from sizer.i18n import say
from sizer.render.json import _json_ready, commands_document
from sizer.searchoutline import loss_text
from sizer.vocab import DEFAULT_LANGUAGE, RECOMMENDED, SCENARIOS, T


def layout_document(candidate):
    """The layout keys of search.best.<scenario>.layout (and of every candidate): null where the value is
    none (the checkpoint's weights; expert parallelism while it is no dimension of the space)."""
    layout = {field: candidate.value(field) for field in LAYOUT_FIELDS}
    layout.update(instances_per_node=candidate.instances_per_node, nodes_per_instance=candidate.nodes_per_instance)
    return layout


def candidate_document(candidate):
    keys = [s.key for s in SCENARIOS]
    return {"candidate": candidate.index, "model": candidate.model, "server": candidate.server,
            "storage": candidate.storage, "layout": layout_document(candidate), "status": candidate.status,
            "unit": candidate.unit, "concurrency": candidate.concurrency,
            "nodes": dict(zip(keys, candidate.nodes)), "monthly_cost_usd": dict(zip(keys, candidate.costs)),
            "limit": dict(zip(keys, candidate.limits)), "sessions_per_node": candidate.sessions,
            "tokens_per_s_per_gpu": dict(zip(keys, candidate.tokens_per_s_per_gpu)),
            "tokens_per_s_per_user": dict(zip(keys, candidate.tokens_per_s_per_user)),
            "sizing_args": list(candidate.args), "error": candidate.error}


def best_document(standing, position):
    """search.best.<scenario>: the winner's layout, nodes, cost and commands, and the runner-ups."""
    winner = standing.winner
    if winner is None:
        return None
    return {"candidate": winner.index, "model": winner.model, "server": winner.server, "storage": winner.storage,
            "layout": layout_document(winner), "nodes": winner.nodes[position], "unit": winner.unit,
            "monthly_cost_usd": winner.costs[position], "limit": winner.limits[position],
            "concurrency": winner.concurrency,
            "tokens_per_s_per_gpu": winner.tokens_per_s_per_gpu[position],
            "tokens_per_s_per_user": winner.tokens_per_s_per_user[position],
            "sizing_args": list(winner.args), "commands": commands_document(standing.commands),
            "pools": None if standing.pools is None else {"prefill_nodes": standing.pools[0],
                                                          "decode_nodes": standing.pools[1]},
            "infeasible_candidates": standing.infeasible,
            "runner_ups": [{"candidate": c.index, "layout": layout_document(c), "nodes": c.nodes[position],
                            "monthly_cost_usd": c.costs[position], "limit": c.limits[position],
                            "loses_on": code, "value": value, "winner_value": best,
                            "reason": loss_text(code, value, best, c, winner, position)}
                           for c, code, value, best in standing.runner_ups]}


def space_document(search):
    space = {}
    for declared in search.space:
        dimension = declared.dimension
        space[dimension.field] = {"key": dimension.key, "option": dimension.option, "values": list(declared.values),
                                  "source": declared.source, "note": declared.note}
    if "ep" not in DIMENSION_BY_KEY:
        space["expert_parallel"] = {"key": "ep", "option": "--expert-parallel", "values": None,
                                    "source": "not_modeled", "note": T("search.note.ep_missing")}
    return space


def search_document(search, lang=DEFAULT_LANGUAGE):
    keys = [s.key for s in SCENARIOS]
    position = keys.index(RECOMMENDED)
    document = {
        "order_by": search.order_by,
        "problems": [{"model": m, "server": s, "storage": st} for m, s, st in search.problems],
        "space": space_document(search), "combinations": search.combinations, "tried": len(search.candidates),
        "skipped": dict(search.skipped), "refused_tensor_parallel": list(search.refused_tp),
        "best": {standing.scenario.key: best_document(standing, keys.index(standing.scenario.key))
                 for standing in search.standings},
        "candidates": [candidate_document(c) for c in search.candidates],
        "pareto": [{"candidate": c.index, "tokens_per_s_per_gpu": c.tokens_per_s_per_gpu[position],
                    "tokens_per_s_per_user": c.tokens_per_s_per_user[position]} for c in search.pareto],
        "pareto_scenario": RECOMMENDED,
    }
    return {"schema_version": SCHEMA_VERSION, "tool": {"name": "sizing", "version": __version__},
            "status": search.status, "language": lang, "currency": CURRENCY, "search": document}


def render_search_json(search, lang=DEFAULT_LANGUAGE):
    return json.dumps(_json_ready(search_document(search, lang), lang), ensure_ascii=False, indent=2,
                      allow_nan=False) + "\n"


# CSV columns: the candidate and its layout, then each scenario's nodes, RECOMENDADO's other figures,
# which scenarios it wins and whether it is on the Pareto front (names are codes, as in JSON).
CSV_COLUMNS = (("candidate", "model", "server", "storage") + LAYOUT_FIELDS
               + ("instances_per_node", "nodes_per_instance", "concurrency", "unit", "nodes_minimum",
                  "nodes_recommended", "nodes_ideal", "monthly_cost_usd_recommended", "limit_recommended",
                  "sessions_per_node_recommended", "tokens_per_s_per_gpu_recommended",
                  "tokens_per_s_per_user_recommended", "best", "pareto", "status", "error"))


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def render_search_csv(search, lang=DEFAULT_LANGUAGE):
    import csv
    import io
    position = [s.key for s in SCENARIOS].index(RECOMMENDED)
    wins = {}
    for standing in search.standings:
        if standing.winner is not None:
            wins.setdefault(standing.winner.index, []).append(standing.scenario.key)
    front = {c.index for c in search.pareto}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for c in search.candidates:
        layout = tuple(CHECKPOINT if field == "weight_precision" and c.value(field) is None and field in dict(c.layout)
                       else _csv_value(c.value(field)) for field in LAYOUT_FIELDS)
        cost, gpu, user = c.costs[position], c.tokens_per_s_per_gpu[position], c.tokens_per_s_per_user[position]
        writer.writerow((c.index, c.model, c.server, c.storage) + layout + tuple(_csv_value(v) for v in (
            c.instances_per_node, c.nodes_per_instance, c.concurrency, c.unit) + c.nodes) + (
            "" if cost is None else _fixed(cost, 2), _csv_value(c.limits[position]), _csv_value(c.sessions),
            "" if gpu is None else _fixed(gpu, 3), "" if user is None else _fixed(user, 3),
            ";".join(wins.get(c.index, ())), "true" if c.index in front else "false", c.status,
            "" if c.error is None else say(c.error, lang)))
    return out.getvalue()
