"""Mermaid charts (xychart-beta) inside the Markdown report.
"""

import json

from sizer.display import _fixed
from sizer.i18n import say


# The RGB of each chart colour code (vocab.CHART_COLOURS): Okabe-Ito blue, vermillion, bluish green.
COLOUR_RGB = {"blue": "#0072B2", "vermillion": "#D55E00", "green": "#009E73"}


def _md_chart(block, lang):
    """A Mermaid xychart-beta (GitHub and GitLab render it in Markdown): one line per scenario, each in
    the colour its series names (an init directive sets the xyChart plotColorPalette, which takes
    effect on Mermaid's 'base' theme), and the note below names every line and its colour, since
    xychart draws no legend."""
    def quoted(text):
        return '"%s"' % say(text, lang).replace('"', "'")
    top = max([n for _, values, _ in block.series for n in values if n is not None] + [1])
    top = -(-top // 1)          # a whole number at least the highest point
    palette = ", ".join(COLOUR_RGB[colour] for _, _, colour in block.series)
    init = {"theme": "base", "themeVariables": {"xyChart": {"plotColorPalette": palette}}}
    lines = ["", "### " + say(block.title, lang), "", "```mermaid", "%%{init: " + json.dumps(init) + "}%%",
             "xychart-beta",
             "    title " + quoted(block.title),
             "    x-axis %s [%s]" % (quoted(block.x_label), ", ".join(_category(x) for x in block.x_values)),
             "    y-axis %s 0 --> %d" % (quoted(block.y_label), top)]
    lines.extend("    line [%s]" % ", ".join(_number(n or 0) for n in values) for _, values, _ in block.series)
    lines += ["```", "", say(block.note, lang)]
    return lines


def _category(value):
    """An x-axis category: a whole number as it is, any other label quoted."""
    return str(value) if isinstance(value, int) else '"%s"' % str(value).replace('"', "'")


def _number(value):
    """A plotted value: a whole number as it is, any other to one decimal place."""
    return str(value) if isinstance(value, int) else _fixed(value, 1)
