"""Comparisons: one row per combination of the options given as lists.
"""

from __future__ import annotations      # record annotations stay text (3.8 reads `X | None`)

from fractions import Fraction

import itertools

from sizer.compute.cost import cluster_power_kw, cost_rates, monthly_cost_usd
from sizer.compute.nodes import final_nodes
from sizer.compute.report import build_report
from sizer.frozen import record, replace
from sizer.model.hub import _printable_name
from sizer.numbers import InputError
from sizer.vocab import COMPARISON_COLUMNS, RECOMMENDED, ROW_ERROR, Status, Text


@record
class ComparisonRow:
    config: tuple[tuple[str, int | str | None], ...]               # ((column, value), ...) in COMPARISON_COLUMNS order
    nodes: tuple[int | None, ...]                # nodes_final of MÍNIMO, RECOMENDADO and IDEAL (None: none)
    sessions: int | None            # RECOMENDADO's sessions per node (per instance when one spans nodes)
    kv_gib: Fraction | None
    limit: str | None               # RECOMENDADO's limit code
    status: str                 # Status.OK, Status.INFEASIBLE or ROW_ERROR
    monthly_cost_usd: Fraction | None    # RECOMENDADO's
    power_kw: Fraction | None            # RECOMENDADO's
    error: Text | None = None        # the reason of an error row
    context_tokens: int | None = None   # the context actually sized (the model's maximum when it is smaller)
    alerts: tuple[tuple[str, str], ...] = ()          # ((level, code), ...) of the configuration's report, in the report's order

    def alert_count(self, level):
        return sum(1 for alert_level, _ in self.alerts if alert_level == level)

    def value(self, column):
        return dict(self.config)[column]


@record
class Comparison:
    rows: tuple[ComparisonRow, ...]
    varying: tuple[str, ...]              # columns with more than one value
    fixed: tuple[tuple[str, int | str], ...]                # ((column, value), ...) of the others
    order_by: str | None = None

    @property
    def status(self):
        return Status.OK if all(row.status == Status.OK for row in self.rows) else Status.INFEASIBLE


def comparison_row(report, concurrency):
    """One row from a report sized at another concurrency: memory, the targets and the vLLM pool fix the
    sessions per node whatever the concurrency, so only the node counts (and what they cost) change. The
    row keeps the report's alerts (codes and levels) and the context it sized."""
    nodes = []
    for result in report.scenarios:
        if concurrency == report.options.concurrency or not result.capacity.feasible:
            nodes.append(result.nodes_final if result.capacity.feasible else None)
        else:
            nodes.append(final_nodes(concurrency, result.parameters, result.capacity.sessions, report.layout))
    recommended = report.scenario(RECOMMENDED)
    monthly = power = None
    if nodes[1] is not None:
        rates = cost_rates(report.server, report.options)
        monthly = None if rates is None else monthly_cost_usd(nodes[1], rates)
        power = cluster_power_kw(nodes[1], report.server)
    config = (("model", report.model.name), ("server", report.server.name), ("storage", report.storage.name),
              ("kv_precision", report.options.kv_precision), ("effective_context", report.options.effective_context),
              ("concurrency", concurrency), ("tensor_parallel", report.layout.tensor_parallel),
              ("pipeline_parallel", report.layout.pipeline_parallel), ("kv_accounting", report.options.kv_accounting))
    feasible = recommended.capacity.feasible
    return ComparisonRow(config, tuple(nodes), recommended.capacity.sessions if feasible else None,
                         report.kv.gib, recommended.limit, report.status, monthly, power,
                         context_tokens=report.context_tokens,
                         alerts=tuple((alert.level, alert.code) for alert in report.alerts))


def error_row(options, error):
    config = tuple((column, getattr(options, column)) for column in COMPARISON_COLUMNS)
    if options.model is None:
        config = (("model", _printable_name(options.model_config)),) + config[1:]
    return ComparisonRow(config, (None, None, None), None, None, None, ROW_ERROR, None, None, error.text)


def compare(base, variants, load, order_by=None):
    """Every combination of the listed values, sized. `variants` is ((Options field, values), ...);
    `load(options)` gives (model, server, storage). Reports are shared by the combinations that differ
    only in concurrency; a combination the tool refuses (a TP that does not divide the node, say)
    becomes an error row."""
    fields = tuple(field for field, _ in variants)
    reports, rows = {}, []
    for values in itertools.product(*(values for _, values in variants)):
        combination = dict(zip(fields, values))
        concurrency = combination.pop("concurrency", base.concurrency)
        key = tuple(sorted(combination.items()))
        if key not in reports:
            options = replace(base, concurrency=concurrency, scenario_performance=False, **combination)
            try:
                reports[key] = build_report(options, *load(options))
            except InputError as error:
                reports[key] = error_row(options, error)
        report = reports[key]
        if isinstance(report, ComparisonRow):
            rows.append(replace(report, config=tuple((c, concurrency) if c == "concurrency" else (c, v)
                                                      for c, v in report.config)))
        else:
            rows.append(comparison_row(report, concurrency if concurrency is not None else report.options.concurrency))
    if order_by == "cost":
        rows.sort(key=lambda row: (row.monthly_cost_usd is None, row.monthly_cost_usd or 0))
    elif order_by == "nodes":
        rows.sort(key=lambda row: (row.nodes[1] is None, row.nodes[1] or 0))
    given = {"model" if field == "model_config" else field for field in fields}
    seen = {column: set() for column in COMPARISON_COLUMNS}
    for row in rows:
        if row.status != ROW_ERROR:
            for column, value in row.config:
                seen[column].add(value)
    varying = tuple(column for column in COMPARISON_COLUMNS if column in given or len(seen[column]) > 1)
    fixed = tuple((column, rows[0].value(column)) for column in COMPARISON_COLUMNS if column not in varying)
    return Comparison(tuple(rows), varying, fixed, order_by)
