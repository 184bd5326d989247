"""Plain text: the report's blocks as a terminal shows them, and the summary table.
"""

from sizer import __version__
from sizer.i18n import format_value, say
from sizer.outline import (ALERT_ICONS, AlertsBlock, AnswerBlock, BulletsBlock, ChartBlock, CommandsBlock,
    DictionaryBlock, FigureBlock, RECOMMENDED_MARK, ScenarioBlock, SectionBlock, SubheadingBlock,
    SummaryBlock, TableBlock, TitleBlock, commands_blocks, comparison_outline, nodes_words, outline,
    solve_blocks, summary_table)
from sizer.vocab import DEFAULT_LANGUAGE, T, scenario_label


# ---------------------------------------------------------------------------
# 11. Renderers: each serializes blocks (or the records, for JSON) in a language
# ---------------------------------------------------------------------------

TEXT_RULE = "═" * 72


def render_text(report, lang=DEFAULT_LANGUAGE):
    return "\n".join(line for block in outline(report) for line in text_block(block, lang)) + "\n"


def render_summary(report, lang=DEFAULT_LANGUAGE):
    lines = [line[2:] if line.startswith("  ") else line
             for block in solve_blocks(report) for line in _text_summary(block, lang) + [""]]
    lines += [line[2:] if line.startswith("  ") else line
              for block in commands_blocks(report) for line in _text_commands(block, lang)[1:] + [""]]
    lines += _text_table(summary_table(report), lang, indent="")
    lines.append("")
    lines.extend(line[2:] for line in text_block(AlertsBlock(report.alerts), lang))
    return "\n".join(lines) + "\n"


def text_block(block, lang):
    """One block as lines of the text report."""
    return TEXT_WRITERS[type(block)](block, lang)


def _text_title(block, lang):
    return [TEXT_RULE, "%s (sizing %s)" % (say(block.title, lang).upper(), __version__), TEXT_RULE, ""]


def _text_summary(block, lang):
    return [say(block.title, lang).upper()] + ["  " + say(line, lang) for line in block.lines]


def _text_answer(block, lang):
    return [""] + _text_summary(block, lang)


def _text_section(block, lang):
    title = say(T("section.title", number=block.number, title=block.title), lang).upper()
    return ["", "┌%s┐\n│ %s│\n└%s┘" % ("─" * 70, title.ljust(69), "─" * 70)]


def _text_bullets(block, lang):
    return ["  " + say(block.title, lang)] + ["    • %s: %s" % (say(label, lang), say(value, lang))
                                              for label, value in block.rows]


def _text_dictionary(block, lang):
    lines = []
    _, origin_head, what_head, why_head, mistake_head = block.header
    for name, origin, what, why, mistake in block.rows:
        lines.append("  【%s】" % name)
        lines.extend("    %s: %s" % (say(head, lang), say(value, lang)) for head, value in
                     ((what_head, what), (origin_head, origin), (why_head, why), (mistake_head, mistake)))
    return lines


def _text_table_block(block, lang):
    return ["", "  " + say(block.title, lang)] + _text_table(block, lang, indent="    ")


def _text_subheading(block, lang):
    return ["", "  " + say(block.title, lang)]


def _text_figure(block, lang):
    item = block.figure
    lines = ["", "  ▸ %s (%s): %s" % (say(item.label, lang), item.key,
                                        format_value(item.value, item.unit, lang, item.absent)),
             "    %s:" % say(T("figure.rationale"), lang),
             "      %s: %s" % (say(T("figure.formula"), lang), say(item.formula, lang)),
             "      %s:" % say(T("figure.inputs"), lang)]
    lines.extend("        • %s: %s" % (name, say(value, lang)) for name, value in item.inputs)
    lines.append("      %s: %s" % (say(T("figure.explanation"), lang), _explanation(item, lang)))
    return lines


def _text_scenario(block, lang):
    result, params = block.result, block.result.parameters
    mark = RECOMMENDED_MARK if result.scenario.recommended else ""
    nodes = "—" if result.nodes_final is None else say(nodes_words(result), lang)
    return ["", "  ── %s%s: %s ──" % (say(scenario_label(result), lang), mark, nodes),
            "    " + say(T("scenario.line", usage=T(result.scenario.usage_id),
                           ha=T(result.scenario.ha_id), headroom=params.peak_headroom_ratio,
                           budget=params.kv_budget_ratio), lang)]


def _text_alerts(block, lang):
    if not block.alerts:
        return ["  ✅ " + say(T("alerts.none"), lang)]
    return ["  %s [%s] %s: %s" % (ALERT_ICONS[a.level], a.level, a.code, say(a.message, lang)) for a in block.alerts]


def _text_commands(block, lang):
    """Each engine's command on one line, shell-quoted (shlex), with TensorRT-LLM's YAML below it."""
    import shlex
    lines = ["", say(block.title, lang).upper()]
    if block.note is not None:
        lines.append("  " + say(block.note, lang))
    for entry in block.engines:
        lines.append("  " + say(entry.label, lang))
        if entry.args:
            lines.append("    " + " ".join(shlex.quote(arg) for arg in entry.args))
        if entry.file_text is not None:
            lines.append("    " + say(entry.file_title, lang))
            lines.extend("      " + line for line in entry.file_text.splitlines())
    return lines


TEXT_WRITERS = {TitleBlock: _text_title, SummaryBlock: _text_summary, AnswerBlock: _text_answer, SectionBlock: _text_section,
                BulletsBlock: _text_bullets, DictionaryBlock: _text_dictionary, TableBlock: _text_table_block,
                SubheadingBlock: _text_subheading, FigureBlock: _text_figure, ScenarioBlock: _text_scenario,
                AlertsBlock: _text_alerts, ChartBlock: lambda block, lang: [],   # a chart is Markdown only
                CommandsBlock: _text_commands}


def _explanation(item, lang):
    return " ".join(say(part, lang) for part in item.explanation)


def _text_table(block, lang, indent):
    """A table as aligned text columns; numbers right-aligned."""
    rows = [[say(cell, lang) for cell in block.header]] + [[say(cell, lang) for cell in row] for row in block.rows]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(block.header))]
    lines = []
    for row in rows:
        cells = [_pad(cell, width, i in block.right_aligned) for i, (cell, width) in enumerate(zip(row, widths))]
        lines.append((indent + "  ".join(cells)).rstrip())
    return lines


def _width(text):
    """Columns a terminal gives `text`: wide characters (such as ✅) take two."""
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text, width, right):
    fill = " " * (width - _width(text))
    return fill + text if right else text + fill


def render_comparison_text(comparison, lang=DEFAULT_LANGUAGE):
    return "\n".join(line for block in comparison_outline(comparison) for line in text_block(block, lang)) + "\n"
