"""CSV: one row per comparison configuration.
"""

from sizer.display import _fixed
from sizer.i18n import say
from sizer.numbers import printable
from sizer.vocab import COMPARISON_COLUMNS, DEFAULT_LANGUAGE, Level


# CSV columns: the configuration, then RECOMENDADO's figures (names are codes, as in JSON), then the
# context actually sized and the configuration's alerts (counts per level, codes separated by spaces).
CSV_COLUMNS = COMPARISON_COLUMNS + ("nodes_minimum", "nodes_recommended", "nodes_ideal",
                                    "sessions_per_node_recommended", "kv_per_session_gib", "limit_recommended",
                                    "status", "monthly_cost_usd_recommended", "power_kw_recommended", "error",
                                    "effective_context_sized", "alerts_error", "alerts_warning", "alerts_info",
                                    "alert_codes")


# A cell a spreadsheet would run as a formula starts with one of these (OWASP's CSV injection advice):
# such a text cell is written with a leading apostrophe, which spreadsheets show as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """A CSV cell: numbers as they are; text with its control characters escaped (a bare carriage return
    would end the row for some readers) and defused when a spreadsheet would read it as a formula; None is
    an empty cell."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = printable(value)
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    return value


def _row_cells(row, lang):
    return (tuple(value for _, value in row.config) + tuple(row.nodes) + (
        row.sessions, None if row.kv_gib is None else _fixed(row.kv_gib, 6), row.limit, row.status,
        None if row.monthly_cost_usd is None else _fixed(row.monthly_cost_usd, 2),
        None if row.power_kw is None else _fixed(row.power_kw, 1), None if row.error is None else say(row.error, lang),
        row.context_tokens, row.alert_count(Level.ERROR), row.alert_count(Level.WARNING), row.alert_count(Level.INFO),
        " ".join(code for _, code in row.alerts)))


def render_comparison_csv(comparison, lang=DEFAULT_LANGUAGE):
    import csv
    import io
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in comparison.rows:
        writer.writerow(tuple(_cell(value) for value in _row_cells(row, lang)))
    return out.getvalue()
