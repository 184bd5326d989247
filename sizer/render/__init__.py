"""Renderers: the output formats, each a name, its options and its functions, in one registry.
"""

from sizer.render.csv import render_comparison_csv
from sizer.render.json import render_comparison_json, render_json
from sizer.render.markdown import render_comparison_markdown, render_markdown
from sizer.render.text import render_comparison_text, render_summary, render_text


COMPARISON_RENDERERS = {"text": render_comparison_text, "summary": render_comparison_text,
                        "markdown": render_comparison_markdown, "json": render_comparison_json,
                        "csv": render_comparison_csv}


# The output formats: name -> renderer(report, lang).
RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json, "summary": render_summary}
