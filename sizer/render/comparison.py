"""render.comparison"""

import json

from sizer.compute.compare import NUMERIC_COLUMNS, ROW_ERROR
from sizer.compute.cost import CURRENCY
from sizer.display import _fixed
from sizer.outline import BulletsBlock, ChartBlock, TableBlock, TitleBlock
from sizer.render.json import _json_ready
from sizer.render.markdown import markdown_block
from sizer.render.text import text_block
from sizer import SCHEMA_VERSION, __version__
from sizer.vocab import DEFAULT_LANGUAGE, Join, SCENARIOS, T


# --- Comparisons: one table, in text, Markdown (with a chart), JSON and CSV ---

def comparison_outline(comparison):
    """A comparison as blocks: what stays fixed, one row per configuration, the chart when one numeric
    option varies alone, and the reasons of error rows."""
    blocks = [TitleBlock(T("compare.title"), T("compare.generated", version=__version__, n=len(comparison.rows),
                                                  varying=Join(tuple(T("column." + c) for c in comparison.varying))))]
    if comparison.fixed:
        blocks.append(BulletsBlock(T("compare.fixed"), tuple((T("column." + column), _cell(column, value))
                                                            for column, value in comparison.fixed)))
    blocks.append(comparison_rows_table(comparison))
    chart = comparison_chart(comparison)
    if chart is not None:
        blocks.append(chart)
    errors = tuple((T("compare.row_number", n=index + 1), row.error) for index, row in enumerate(comparison.rows)
                   if row.status == ROW_ERROR)
    if errors:
        blocks.append(BulletsBlock(T("compare.errors"), errors))
    return blocks


def _cell(column, value):
    return "—" if value is None else str(value)


def comparison_rows_table(comparison):
    scenarios = tuple(T("scenario.%s.label" % scenario.key) for scenario in SCENARIOS)
    header = (T("compare.row"),) + tuple(T("column." + c) for c in comparison.varying) + scenarios + tuple(
        T("compare." + c) for c in ("sessions", "kv", "limit", "status", "cost"))
    rows = []
    for index, row in enumerate(comparison.rows):
        rows.append((str(index + 1),) + tuple(_cell(c, row.value(c)) for c in comparison.varying)
                    + tuple(_cell("nodes", n) for n in row.nodes)
                    + (_cell("sessions", row.sessions),
                       "—" if row.kv_gib is None else _fixed(row.kv_gib, 2),
                       T("limit." + row.limit) if row.limit else "—", T("status." + row.status),
                       "—" if row.monthly_cost_usd is None else _fixed(row.monthly_cost_usd, 2)))
    first = 1 + len(comparison.varying)
    numeric = (0,) + tuple(1 + i for i, c in enumerate(comparison.varying) if c in NUMERIC_COLUMNS)
    return TableBlock(T("compare.table"), header, tuple(rows),
                      right_aligned=numeric + tuple(range(first, first + 5)) + (first + 7,))


def comparison_chart(comparison):
    """When exactly one numeric option varies, nodes per scenario against it."""
    if len(comparison.varying) != 1 or comparison.varying[0] not in NUMERIC_COLUMNS:
        return None
    column = comparison.varying[0]
    return ChartBlock(T("compare.chart_title"), T("column." + column),
                      tuple(row.value(column) for row in comparison.rows), T("compare.chart_nodes"),
                      tuple((T("scenario.%s.label" % scenario.key), tuple(row.nodes[i] for row in comparison.rows))
                            for i, scenario in enumerate(SCENARIOS)),
                      T("compare.chart_note"))


def render_comparison_text(comparison, lang=DEFAULT_LANGUAGE):
    return "\n".join(line for block in comparison_outline(comparison) for line in text_block(block, lang)) + "\n"


def render_comparison_markdown(comparison, lang=DEFAULT_LANGUAGE):
    lines = []
    for line in (line for block in comparison_outline(comparison) for line in markdown_block(block, lang)):
        if line or (lines and lines[-1]):       # one blank line between blocks, never two
            lines.append(line)
    return "\n".join(lines).strip("\n") + "\n"


def comparison_document(comparison, lang=DEFAULT_LANGUAGE):
    rows = []
    for row in comparison.rows:
        item = dict(row.config)
        item.update(nodes=dict(zip((s.key for s in SCENARIOS), row.nodes)), sessions_per_node=row.sessions,
                    kv_per_session_gib=row.kv_gib, limit=row.limit, status=row.status,
                    monthly_cost_usd=row.monthly_cost_usd, power_kw=row.power_kw,
                    error=None if row.error is None else row.error)
        rows.append(item)
    return {"schema_version": SCHEMA_VERSION, "tool": {"name": "sizing", "version": __version__},
            "status": comparison.status, "language": lang, "currency": CURRENCY,
            "varying": list(comparison.varying), "fixed": dict(comparison.fixed), "order_by": comparison.order_by,
            "comparison": rows}


def render_comparison_json(comparison, lang=DEFAULT_LANGUAGE):
    return json.dumps(_json_ready(comparison_document(comparison, lang), lang), ensure_ascii=False, indent=2) + "\n"
