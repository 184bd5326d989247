"""Mermaid charts (xychart-beta) inside the Markdown report.
"""

from sizer.i18n import say


def _md_chart(block, lang):
    """A Mermaid xychart-beta (GitHub and GitLab render it in Markdown): one line per scenario."""
    def quoted(text):
        return '"%s"' % say(text, lang).replace('"', "'")
    top = max([n for _, values in block.series for n in values if n is not None] + [1])
    lines = ["", "### " + say(block.title, lang), "", "```mermaid", "xychart-beta",
             "    title " + quoted(block.title),
             "    x-axis %s [%s]" % (quoted(block.x_label), ", ".join(str(x) for x in block.x_values)),
             "    y-axis %s 0 --> %d" % (quoted(block.y_label), top)]
    lines.extend("    line [%s]" % ", ".join(str(n or 0) for n in values) for _, values in block.series)
    lines += ["```", "", say(block.note, lang)]
    return lines
