"""Markdown: the report's blocks for design reviews.
"""

from sizer.display import _percent
from sizer.i18n import format_value, say as _say
from sizer.outline import (ALERT_ICONS, AlertsBlock, AnswerBlock, BulletsBlock, ChartBlock, CommandsBlock,
    DictionaryBlock, FigureBlock, RECOMMENDED_MARK, SECTION_ICONS, ScenarioBlock, SectionBlock,
    SubheadingBlock, SummaryBlock, TableBlock, TitleBlock, comparison_outline, final_count_label, nodes_cell,
    outline)
from sizer.render.mermaid import _md_chart
from sizer.vocab import DEFAULT_LANGUAGE, T, scenario_label


def _md_name(text):
    """A name (catalog key, config file name, log line) inside Markdown: no HTML of its own, and no
    code span or link either (GitHub renders `<img onerror=...>` and `[text](url)` in table cells)."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("`", "'")
            .replace("[", "&#91;").replace("]", "&#93;"))


def say(value, lang):
    """say() for Markdown: names escaped by _md_name."""
    return _say(value, lang, _md_name)


def _explanation(item, lang):
    return " ".join(say(part, lang) for part in item.explanation)


def render_markdown(report, lang=DEFAULT_LANGUAGE):
    out = [line for block in outline(report) for line in markdown_block(block, lang)]
    # One blank line between blocks, never two.
    return "\n".join(line for i, line in enumerate(out) if line or i == 0 or out[i - 1]) + "\n"


def markdown_block(block, lang):
    """One block as lines of the Markdown report."""
    return MARKDOWN_WRITERS[type(block)](block, lang)


def _md_title(block, lang):
    return ["# " + say(block.title, lang), "", say(block.generated, lang), ""]


def _md_summary(block, lang):
    return ["## " + say(block.title, lang), ""] + ["- " + _md_cell(say(line, lang)) for line in block.lines]


def _md_answer(block, lang):
    return [""] + _md_summary(block, lang)


def _md_section(block, lang):
    return ["", "## %s %s" % (SECTION_ICONS[block.number],
                              say(T("section.title", number=block.number, title=block.title), lang)), ""]


def _md_bullets(block, lang):
    return ["", "### " + say(block.title, lang), ""] + [
        "- **%s:** %s" % (_md_cell(say(label, lang)), _md_cell(say(value, lang))) for label, value in block.rows]


def _md_dictionary(block, lang):
    return [""] + _md_table([say(h, lang) for h in block.header],
                            [["`%s`" % row[0]] + [say(cell, lang) for cell in row[1:]] for row in block.rows])


def _md_table_block(block, lang):
    rows = [[("**%s**" % say(cell, lang)) if i in block.strong_rows and j == 0 else say(cell, lang)
             for j, cell in enumerate(row)] for i, row in enumerate(block.rows)]
    return ["", "### " + say(block.title, lang), ""] + _md_table([say(h, lang) for h in block.header], rows,
                                                                 block.right_aligned)


def _md_subheading(block, lang):
    return ["", "### " + say(block.title, lang), ""]


def _md_figure(block, lang):
    item = block.figure
    return ["#### %s (`%s`): %s" % (_md_cell(say(item.label, lang)), item.key,
                                    _md_cell(format_value(item.value, item.unit, lang, item.absent))), "",
            "- **%s:** `%s`" % (say(T("figure.formula"), lang), _say(item.formula, lang).replace("`", "'")),
            "- **%s:** " % say(T("figure.inputs"), lang) + ", ".join(
                "`%s` = %s" % (name, _md_cell(say(value, lang))) for name, value in item.inputs),
            "- **%s:** " % say(T("figure.explanation"), lang) + _md_cell(_explanation(item, lang)), ""]


def _md_scenario(block, lang):
    result, params = block.result, block.result.parameters
    icon = "🟢" if result.scenario.recommended else "🔹"
    mark = RECOMMENDED_MARK if result.scenario.recommended else ""
    return ["### %s %s%s" % (icon, say(T("scenario.heading", label=scenario_label(result)), lang), mark), "",
            "- %s: **%s**" % (say(final_count_label(result), lang), say(nodes_cell(result), lang)),
            "- %s: %s" % (say(T("scenario.row.usage"), lang), say(T(result.scenario.usage_id), lang)),
            "- %s: %s" % (say(T("scenario.row.ha"), lang), say(T(result.scenario.ha_id), lang)),
            "- %s: %s" % (say(T("scenario.row.headroom"), lang), _percent(params.peak_headroom_ratio)),
            "- %s: %s" % (say(T("scenario.row.budget"), lang), _percent(params.kv_budget_ratio)), ""]


def _md_alerts(block, lang):
    if not block.alerts:
        return ["✅ " + say(T("alerts.none"), lang)]
    return _md_table([say(T(c), lang) for c in ("alerts.level", "alerts.code", "alerts.message")],
                     [["%s %s" % (ALERT_ICONS[a.level], a.level), "`%s`" % a.code, say(a.message, lang)]
                      for a in block.alerts])


def _md_commands(block, lang):
    """Each engine's command in a bash block (shell-quoted), TensorRT-LLM's options in a YAML block."""
    import shlex
    lines = ["", "## " + say(block.title, lang), ""]
    if block.note is not None:
        lines += [_md_cell(say(block.note, lang)), ""]
    for entry in block.engines:
        if not entry.args:
            lines += ["- " + _md_cell(say(entry.label, lang)), ""]
            continue
        lines += ["**%s**" % _md_cell(say(entry.label, lang)), "", "```bash",
                  " ".join(shlex.quote(arg) for arg in entry.args), "```", ""]
        if entry.file_text is not None:
            lines += [_md_cell(say(entry.file_title, lang)), "", "```yaml"] + entry.file_text.splitlines() + ["```", ""]
    return lines


MARKDOWN_WRITERS = {TitleBlock: _md_title, SummaryBlock: _md_summary, AnswerBlock: _md_answer, SectionBlock: _md_section,
                    BulletsBlock: _md_bullets, DictionaryBlock: _md_dictionary, TableBlock: _md_table_block,
                    SubheadingBlock: _md_subheading, FigureBlock: _md_figure, ScenarioBlock: _md_scenario,
                    AlertsBlock: _md_alerts, ChartBlock: _md_chart, CommandsBlock: _md_commands}


def _md_cell(value):
    """Escape what would break a Markdown table cell (hyperfine escapes | the same way)."""
    return str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _md_table(header, rows, right_aligned=()):
    lines = ["| " + " | ".join(_md_cell(h) for h in header) + " |",
             "|" + "|".join("---:" if i in right_aligned else "---" for i in range(len(header))) + "|"]
    lines.extend("| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows)
    return lines


def markdown_document(blocks, lang):
    """Blocks as one Markdown document: one blank line between blocks, never two, none at the ends."""
    lines = []
    for line in (line for block in blocks for line in markdown_block(block, lang)):
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip("\n") + "\n"


def render_comparison_markdown(comparison, lang=DEFAULT_LANGUAGE):
    return markdown_document(comparison_outline(comparison), lang)
