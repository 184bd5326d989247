"""Renderers: the output formats, each a name, its options and its functions, in one registry.

The command line builds `--X-only` and `--output-X-file` from this table and renders through it,
for a report and for a comparison alike; a renderer's module is imported only when its format is
asked for. Adding a format is one module and one line here (and its help texts in the catalogs).
"""

from __future__ import annotations      # record annotations stay text (3.8 reads `X | None`)

import importlib

from sizer.frozen import record


@record
class OutputFormat:
    name: str                # the code in --X-only / --output-X-file and in logic
    only_option: str | None      # "--json-only" (str), or None: the default format has no flag
    file_option: str | None      # "--output-json-file" (str), or None: not written to a file
    report: str | None           # "module:function" rendering a Report, or None: comparisons only
    comparison: str | None = None  # "module:function" rendering a Comparison, or None: refused for them
    only_help: str | None = None  # message ids of the two options' help
    file_help: str | None = None
    search: str | None = None    # "module:function" rendering a Search (--search), or None: refused there

    @property
    def only_dest(self):
        return self.only_option[2:].replace("-", "_")

    @property
    def file_dest(self):
        return self.file_option[2:].replace("-", "_")


FORMATS = (
    OutputFormat("text", None, None, "sizer.render.text:render_text", "sizer.render.text:render_comparison_text",
                 search="sizer.render.searchtext:render_search_text"),
    OutputFormat("json", "--json-only", "--output-json-file", "sizer.render.json:render_json",
                 "sizer.render.json:render_comparison_json", "help.json_only", "help.output_json_file",
                 "sizer.render.searchjson:render_search_json"),
    OutputFormat("markdown", "--markdown-only", "--output-markdown-file", "sizer.render.markdown:render_markdown",
                 "sizer.render.markdown:render_comparison_markdown", "help.markdown_only", "help.output_markdown_file",
                 "sizer.render.searchtext:render_search_markdown"),
    OutputFormat("summary", "--summary-only", None, "sizer.render.text:render_summary",
                 "sizer.render.text:render_comparison_text", "help.summary_only",
                 search="sizer.render.searchtext:render_search_summary"),
    OutputFormat("csv", "--csv-only", "--output-csv-file", None, "sizer.render.csv:render_comparison_csv",
                 "help.csv_only", "help.output_csv_file", "sizer.render.searchjson:render_search_csv"),
)
FORMAT_BY_NAME = {f.name: f for f in FORMATS}
# The format printed when no --X-only is given; the JSON document follows it on stdout.
DEFAULT_FORMAT = "text"
TRAILING_FORMAT = "json"


# What a format without a renderer for a kind of subject is refused for, by kind (message ids).
SUBJECT_TEXT = {"comparison": "subject.comparison", "search": "subject.search"}


def renderer(name, kind="report"):
    """The function rendering format `name` of a subject of `kind` ("report", "comparison" or "search"),
    imported on first use."""
    entry = FORMAT_BY_NAME[name]
    module, function = getattr(entry, kind).split(":")
    return getattr(importlib.import_module(module), function)


def render_all(names, subject, lang, kind="report"):
    """{format name: text} for every format in `names`."""
    return {name: renderer(name, kind)(subject, lang) for name in names}
