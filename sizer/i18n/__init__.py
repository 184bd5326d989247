"""Every word a person reads: one catalog module per language (pt_BR, en), keyed by message id,
and the functions that render a Text in a language.

As CPython's calendar.py looks names up per locale, nothing outside this package changes for a
language: only these lookups do. A catalog is imported the first time its language is used.
"""

import importlib
from _string import formatter_parser      # str.format's own parser, as string.Formatter().parse uses it

from sizer.display import NUMBER_FORMATS, _fixed, _plain, format_input
from sizer.vocab import COUNT_TEXT, Join, T, Text, UNIT_PLACES, UNIT_TEXT


_LOADED = {}


def catalog(lang):
    """The catalog module of a language: MESSAGES (id -> template) and ARGPARSE."""
    if lang not in _LOADED:
        _LOADED[lang] = importlib.import_module("sizer.i18n." + lang.replace("-", "_"))
    return _LOADED[lang]


_PARSED = {}


def _parsed(template):
    """A template's (literal text, field name, format spec) pieces, parsed once (str.format's own parser;
    every field of the catalogs is a plain name, tests/test_languages.py checks it)."""
    pieces = _PARSED.get(template)
    if pieces is None:
        pieces = _PARSED[template] = tuple((literal, name, spec) for literal, name, spec, _ in
                                           formatter_parser(template))
    return pieces


def render(text, lang, escape=None):
    """A Text in a language: the template looked up, its parameters formatted (display)."""
    entry = catalog(lang).MESSAGES[text.id]
    params = dict(text.params)
    if isinstance(entry, tuple):
        entry = entry[0] if params.get("n") == 1 else entry[1]
    out = []
    for literal, name, spec in _parsed(entry):
        out.append(literal)
        if name is not None:
            out.append(format_field(params[name], spec, lang, escape))
    return "".join(out)


def say(value, lang, escape=None):
    """Anything shown to a person: Texts and Joins rendered, numbers and names as they are.

    Names (any string that is not a message: a catalog key, a config's file name, a log line) have
    their control characters escaped (a newline or an ANSI sequence in a name cannot start a line or
    recolour a terminal); `escape` is the renderer's own escaping of names (Markdown's HTML, say)."""
    if isinstance(value, Text):
        return render(value, lang, escape)
    if isinstance(value, Join):
        return value.separator.join(say(item, lang, escape) for item in value.items)
    shown = format_input(value)
    return escape(shown) if escape is not None and isinstance(value, str) else shown


def translate_argparse(lang):
    def translate(message):
        return catalog(lang).ARGPARSE.get(message, message)
    return translate


def format_field(value, spec, lang, escape=None):
    """One placeholder of a template: nested Texts and Joins in the language, exact numbers with the
    display format the spec names ({x:f2} fixed places, {x:p} plain, {x:pct} percent, {x:sci})."""
    if value is None:
        return "—"
    if spec in NUMBER_FORMATS:
        return NUMBER_FORMATS[spec](value)
    if spec[:1] == "f" and spec[1:].isdigit():
        return _fixed(value, int(spec[1:]))
    return say(value, lang, escape)


def format_value(value, unit, lang, absent=None):
    """A figure's value with its unit, rounded for display; `absent` says why a None is none."""
    if value is None:
        return say(absent or T("value.not_applicable" if unit in UNIT_PLACES else "value.no_session"), lang)
    if unit in UNIT_PLACES:
        return "%s %s" % (_fixed(value, UNIT_PLACES[unit]), say(T(UNIT_TEXT[unit]), lang))
    if unit in COUNT_TEXT:
        return say(T(COUNT_TEXT[unit], n=value), lang)
    return "%s %s" % (_plain(value), say(T(UNIT_TEXT[unit]), lang))
