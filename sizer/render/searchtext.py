"""--search in text, Markdown and the short summary: the search's blocks (sizer.searchoutline) through
the report's block writers.
"""

from sizer.render.markdown import markdown_document
from sizer.render.text import text_block
from sizer.searchoutline import search_outline, summary_blocks
from sizer.vocab import DEFAULT_LANGUAGE


def render_search_text(search, lang=DEFAULT_LANGUAGE):
    lines = []
    for block in search_outline(search):
        block_lines = text_block(block, lang)
        if lines and lines[-1] and block_lines and block_lines[0]:
            lines.append("")            # a blank line between blocks
        lines.extend(block_lines)
    return "\n".join(lines) + "\n"


def render_search_summary(search, lang=DEFAULT_LANGUAGE):
    lines = [line[2:] if line.startswith("  ") else line
             for block in summary_blocks(search) for line in text_block(block, lang)]
    return "\n".join(lines) + "\n"


def render_search_markdown(search, lang=DEFAULT_LANGUAGE):
    return markdown_document(search_outline(search), lang)
