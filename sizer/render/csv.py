"""CSV: one row per comparison configuration.
"""

from sizer.display import _fixed
from sizer.i18n import say
from sizer.vocab import COMPARISON_COLUMNS, DEFAULT_LANGUAGE


# CSV columns: the configuration, then RECOMENDADO's figures (names are codes, as in JSON).
CSV_COLUMNS = COMPARISON_COLUMNS + ("nodes_minimum", "nodes_recommended", "nodes_ideal",
                                    "sessions_per_node_recommended", "kv_per_session_gib", "limit_recommended",
                                    "status", "monthly_cost_usd_recommended", "power_kw_recommended", "error")


# A cell a spreadsheet would run as a formula starts with one of these (OWASP's CSV injection advice):
# such a text cell is written with a leading apostrophe, which spreadsheets show as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """A CSV cell: numbers as they are, text defused when a spreadsheet would read it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def render_comparison_csv(comparison, lang=DEFAULT_LANGUAGE):
    import csv
    import io
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in comparison.rows:
        writer.writerow(tuple(_cell(value) for value in tuple("" if value is None else value for _, value in row.config) + tuple(
            "" if n is None else n for n in row.nodes) + (
            "" if row.sessions is None else row.sessions,
            "" if row.kv_gib is None else _fixed(row.kv_gib, 6), row.limit or "", row.status,
            "" if row.monthly_cost_usd is None else _fixed(row.monthly_cost_usd, 2),
            "" if row.power_kw is None else _fixed(row.power_kw, 1),
            "" if row.error is None else say(row.error, lang))))
    return out.getvalue()
