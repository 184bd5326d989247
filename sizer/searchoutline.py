"""The answer of --search as neutral blocks (text and Markdown serialize them): the best layout per
scenario, the space searched, each scenario's runner-ups and why they lose, the Pareto front (and its
chart, Markdown only), the winners' engine commands and the candidates the tool refused.
"""

from sizer import __version__
from sizer.compute.search import Criterion
from sizer.compute.searchspace import DIMENSION_BY_KEY, SKIP_TEXT, SOURCE_TEXT, ValueKind
from sizer.display import _fixed
from sizer.outline import (BulletsBlock, ChartBlock, SummaryBlock, TableBlock, TitleBlock, commands_block)
from sizer.vocab import (CHART_COLOURS, COUNT_TEXT, LIMIT_TEXT, RECOMMENDED, ROW_ERROR, SCENARIOS, Join, T, Unit,
    scenario_label)


# Why a runner-up loses: the criterion it is worse on (compute.search.Criterion) -> message id.
LOSS_TEXT = {Criterion.NODES: "search.loss.nodes", Criterion.COST: "search.loss.cost",
             Criterion.TOKENS_PER_GPU: "search.loss.tokens_per_s_per_gpu",
             Criterion.TOKENS_PER_USER: "search.loss.tokens_per_s_per_user", Criterion.WEIGHTS: "search.loss.weights",
             Criterion.KV: "search.loss.kv", Criterion.ORDER: "search.loss.order"}
ORDER_TEXT = {"nodes": "search.order.nodes", "cost": "search.order.cost"}
SWITCH_TEXT = {False: "search.value.off", True: "search.value.on"}


def value_text(kind, value):
    """A dimension's value as the report shows it."""
    if kind == ValueKind.SWITCH:
        return T(SWITCH_TEXT[value])
    if kind == ValueKind.WEIGHTS and value is None:
        return T("search.value.checkpoint")
    return value


def count_text(unit, n):
    return T(COUNT_TEXT[Unit.RACKS if unit == Unit.RACKS else Unit.NODES], n=n)


def layout_text(candidate, several_problems=False):
    """A candidate's layout in a few words: TP x PP, where its instances sit, data-parallel attention,
    expert parallelism, weights, KV, disaggregated serving and the capacity basis."""
    value = candidate.value
    parts = [T("search.layout.parallel", tp=value("tensor_parallel"), pp=value("pipeline_parallel"))]
    if candidate.nodes_per_instance and candidate.nodes_per_instance > 1:
        parts.append(T("search.layout.spanning", nodes=count_text(candidate.unit, candidate.nodes_per_instance)
                       if candidate.unit != Unit.RACKS else T("count.trays", n=candidate.nodes_per_instance)))
    elif candidate.instances_per_node:
        parts.append(T("search.layout.instances_tray" if candidate.unit == Unit.RACKS else "search.layout.instances",
                       instances=T("count.instances", n=candidate.instances_per_node)))
    if value("data_parallel_attention"):
        parts.append(T("search.layout.dpa"))
    if value("expert_parallel"):
        parts.append(T("search.layout.ep"))
    weights = value("weight_precision")
    parts.append(T("search.layout.weights", precision=weights) if weights is not None
                 else T("search.layout.weights_checkpoint"))
    parts.append(T("search.layout.kv", precision=value("kv_precision")))
    if value("disaggregated"):
        parts.append(T("search.layout.disaggregated"))
    parts.append(T("search.layout.basis", basis=value("kv_accounting")))
    text = Join(tuple(parts))
    if several_problems:
        text = T("search.layout.problem", model=candidate.model, server=candidate.server, layout=text)
    return text


def best_line(search, standing, several):
    label = scenario_label(standing)
    winner = standing.winner
    position = _position(standing)
    if winner is None:
        limits = tuple(dict.fromkeys(c.limits[position] for c in search.candidates if c.limits[position] is not None))
        return T("search.best_none", label=label, limits=Join(tuple(T(LIMIT_TEXT[code]) for code in limits))
                 if limits else "—")
    cost = winner.costs[position]
    return T("search.best_line", label=label, nodes=count_text(winner.unit, winner.nodes[position]),
             layout=layout_text(winner, several), limit=T(LIMIT_TEXT[winner.limits[position]]),
             cost=T("search.cost", cost=cost) if cost is not None else T("search.no_cost"), candidate=winner.index)


def _position(standing):
    return [s.key for s in SCENARIOS].index(standing.scenario.key)


def search_outline(search):
    """The answer as blocks, in reading order."""
    several = len(search.problems) > 1
    blocks = [TitleBlock(T("search.title"), T("search.generated", version=__version__, n=len(search.candidates),
                                              combinations=search.combinations,
                                              order=T(ORDER_TEXT[search.order_by]))),
              SummaryBlock(T("search.best_title"), best_lines(search, several)),
              space_block(search)]
    blocks.extend(standing_table(search, s, several) for s in search.standings if s.winner is not None)
    pareto = pareto_blocks(search, several)
    blocks.extend(pareto)
    for standing in search.standings:
        if standing.commands is not None:
            blocks.append(commands_block(standing.commands, scenario_label(standing)))
    errors = error_rows(search)
    if errors:
        blocks.append(BulletsBlock(T("search.errors_title"), errors))
    return tuple(blocks)


def best_lines(search, several):
    """One line per scenario, and for a disaggregated winner its two pools and what its commands leave out."""
    lines = tuple(best_line(search, s, several) for s in search.standings)
    return lines + tuple(T("search.best_pools", label=scenario_label(s), prefill=T("count.nodes", n=s.pools[0]),
                                  decode=T("count.nodes", n=s.pools[1]))
                         for s in search.standings if s.pools is not None)


def summary_blocks(search):
    """--summary-only: the best layout per scenario and what was searched, in one block."""
    several = len(search.problems) > 1
    lines = best_lines(search, several) + (
        T("search.generated", version=__version__, n=len(search.candidates), combinations=search.combinations,
          order=T(ORDER_TEXT[search.order_by])),)
    return (SummaryBlock(T("search.best_title"), lines),)


def space_block(search):
    """The space searched: the problems, each dimension's values and where they come from, what was
    skipped, and expert parallelism while it is no dimension."""
    rows = [(T("search.row.models"), Join(tuple(dict.fromkeys(m for m, _, _ in search.problems))))]
    rows.append((T("search.row.servers"), Join(tuple(dict.fromkeys(s for _, s, _ in search.problems)))))
    for declared in search.space:
        dimension = declared.dimension
        values = Join(tuple(value_text(dimension.kind, v) for v in declared.values))
        parts = (T("search.space_values", values=values, source=T(SOURCE_TEXT[declared.source],
                                                                 option=dimension.option)),)
        if declared.note is not None:
            parts += (declared.note,)
        rows.append((T("search.space_label", label=T(dimension.label_id), key=dimension.key), Join(parts, "; ")))
    if "ep" not in DIMENSION_BY_KEY:
        rows.append((T("search.dim.ep"), T("search.note.ep_missing")))
    rows.append((T("search.row.instances"), T("search.note.instances")))
    for code, count in search.skipped:
        rows.append((T("search.row.skipped"), T(SKIP_TEXT[code], n=count, tps=Join(search.refused_tp))))
    return BulletsBlock(T("search.space_title"), tuple(rows))


def standing_table(search, standing, several):
    """The winner and its runner-ups in one scenario, each with nodes, cost and why it loses."""
    position = _position(standing)
    winner = standing.winner
    header = tuple(T(c) for c in ("search.col.candidate", "search.col.layout", "search.col.nodes",
                                  "search.col.cost", "search.col.limit", "search.col.why"))
    rows = [_standing_row(winner, position, several, T("search.winner"))]
    for candidate, code, value, best in standing.runner_ups:
        rows.append(_standing_row(candidate, position, several, loss_text(code, value, best, candidate, winner,
                                                                          position)))
    title = T("search.standing_title", label=scenario_label(standing), n=standing.infeasible)
    return TableBlock(title, header, tuple(rows), right_aligned=(0, 2, 3), strong_rows=(0,))


def nodes_cell(candidate, position):
    """A candidate's count in a table: the number of nodes, or of racks with the word."""
    n = candidate.nodes[position]
    return str(n) if candidate.unit != Unit.RACKS else count_text(candidate.unit, n)


def _standing_row(candidate, position, several, why):
    cost = candidate.costs[position]
    return ("#%d" % candidate.index, layout_text(candidate, several), nodes_cell(candidate, position),
            "—" if cost is None else _fixed(cost, 2), T(LIMIT_TEXT[candidate.limits[position]]), why)


def loss_text(code, value, best, candidate, winner, position):
    """Why a runner-up loses, in words, with its value and the winner's."""
    if code == Criterion.NODES:
        return T(LOSS_TEXT[code], extra=count_text(candidate.unit, value - best), value=value, best=best)
    if code == Criterion.COST:
        if value is None:
            return T("search.loss.cost_unknown")
        return T(LOSS_TEXT[code], extra=value - best, value=value, best=best)
    return T(LOSS_TEXT[code], value=value, best=best)


def pareto_blocks(search, several):
    """RECOMENDADO's Pareto front: a table, and a chart of tokens/s per GPU against tokens/s per user."""
    position = _position(search.standing(RECOMMENDED))
    if not search.pareto:
        return (BulletsBlock(T("search.pareto_title"), ((T("search.pareto_label"), T("search.pareto_none")),)),)
    header = tuple(T(c) for c in ("search.col.candidate", "search.col.tokens_per_s_per_user", "search.col.tokens_per_s_per_gpu",
                                  "search.col.layout", "search.col.nodes"))
    rows = tuple(("#%d" % c.index, _fixed(c.tokens_per_s_per_user[position], 1), _fixed(c.tokens_per_s_per_gpu[position], 1),
                  layout_text(c, several), nodes_cell(c, position)) for c in search.pareto)
    table = TableBlock(T("search.pareto_title"), header, rows, right_aligned=(0, 1, 2, 4))
    colour, colour_id = CHART_COLOURS[RECOMMENDED]
    chart = ChartBlock(T("search.pareto_chart_title"), T("search.col.tokens_per_s_per_user"),
                       tuple("%s (#%d)" % (_fixed(c.tokens_per_s_per_user[position], 1), c.index) for c in search.pareto),
                       T("search.col.tokens_per_s_per_gpu"),
                       ((T("search.pareto_series"), tuple(c.tokens_per_s_per_gpu[position] for c in search.pareto), colour),),
                       T("search.pareto_note", colour=T(colour_id)))
    return (table, chart)


def error_rows(search):
    """The candidates the tool refused, one row per reason: how many, and the first of them."""
    reasons = {}
    for candidate in search.candidates:
        if candidate.status == ROW_ERROR:
            first, count = reasons.get(candidate.error, (candidate.index, 0))
            reasons[candidate.error] = (first, count + 1)
    return tuple((T("search.error_row", n=count, first=first), reason) for reason, (first, count) in reasons.items())
