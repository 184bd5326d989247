"""Exact input: InputError, and option values parsed to int or Fraction (never float).
"""

import re
from fractions import Fraction

from sizer.vocab import Join, MAMBA_DTYPES, T


class InputError(Exception):
    """Bad input or environment: one line on stderr, exit status 2."""

    def __init__(self, message_id, **params):
        Exception.__init__(self, message_id)
        self.text = T(message_id, **params)


def printable(text):
    """Escape what would break a one-line message or an encoder.

    Control characters (a newline in a value) become \\n-style escapes; bytes that
    were not valid UTF-8 (surrogate escapes from the command line) become \\xNN.
    """
    text = str(text)
    if text.isprintable():          # the usual case, at C speed: every character escaped below is unprintable
        return text
    out = []
    for char in text:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:
            out.append("\\x%02x" % (code - 0xDC00))
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\\u%04x" % code)
        elif char in "\n\r\t":
            out.append(repr(char)[1:-1])
        elif code < 0x20 or 0x7F <= code < 0xA0:
            out.append("\\x%02x" % code)
        elif code in (0x2028, 0x2029):
            out.append("\\u%04x" % code)
        else:
            out.append(char)
    return "".join(out)


def cdiv(a, b):
    """Ceiling division for non-negative integers (or Fractions)."""
    return -(-a // b)


# Inputs beyond this magnitude are typos, and would overflow a float in the JSON.
MAX_INPUT = 10 ** 15
# Positive magnitudes below this are typos too, and would overflow a float once inverted.
MIN_POSITIVE = Fraction(1, 10 ** 15)
# Plain decimal notation in ASCII digits: 12, 0.7, .5, 1e3, 2.5E-2 (no '_', no
# fractions such as 1/3, no other scripts' digits). Exponents of two digits at most. A pattern's text,
# compiled (and cached by re) when first used: compiling costs more than most runs spend matching.
_DECIMAL_TEXT = r"(?a)[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,2})?"


def is_decimal_text(text):
    return re.fullmatch(_DECIMAL_TEXT, text) is not None


def is_int_text(text):
    """An optional sign and ASCII digits ('12', '+12', '-3')."""
    digits = text[1:] if text[:1] in ("+", "-") else text
    return digits.isascii() and digits.isdigit()

MIN_EFFICIENCY = Fraction(1, 100)
# A decimal option longer than this is a paste gone wrong, not a value (10^15 with 15 decimals and
# an exponent fits); Python refuses to parse integers of more than 4,300 digits.
MAX_DECIMAL_CHARS = 40        # --hbm-efficiency and --mfu: 1% at least


def _option_text(text):
    """argparse gives `--option=--` as a list on Python 3.8-3.12: the user typed '--'."""
    return "--" if isinstance(text, list) else str(text).strip()


def parse_int_option(text, option, minimum=1):
    """An integer option in plain ASCII digits ('12', '+12'); no '_', decimals, nan or inf."""
    value = _option_text(text)
    if not is_int_text(value) or len(value.lstrip("+-")) > 16:
        raise InputError("err.not_integer", option=option, text=text, minimum=minimum)
    number = int(value)
    if number < minimum or number > MAX_INPUT:
        raise InputError("err.integer_range", option=option, text=text, minimum=minimum)
    return number


def _mamba_dtype_option(text, option):
    """A state dtype as vLLM names it; 'auto' (or nothing) leaves vLLM's default (None)."""
    if text is None or _option_text(text) == AUTO:
        return None
    return _choice(text, option, MAMBA_DTYPES)


def _speculative_tokens_option(args):
    if args.num_speculative_tokens is None:
        return None
    if args.speculative is None:
        raise InputError("err.num_speculative_tokens_alone")
    return parse_int_option(args.num_speculative_tokens, "--num-speculative-tokens")


def parse_fraction_option(text, option, minimum=None, minimum_inclusive=True, maximum=MAX_INPUT):
    """A decimal option as an exact Fraction ('0.70' -> 7/10); nan and inf are rejected."""
    value_text = _option_text(text)
    if len(value_text) > MAX_DECIMAL_CHARS:
        raise InputError("err.number_too_long", option=option, length=len(value_text), limit=MAX_DECIMAL_CHARS)
    if not is_decimal_text(value_text):
        raise InputError("err.not_number", option=option, text=text)
    value = Fraction(value_text)
    if minimum is not None and (value < minimum if minimum_inclusive else value <= minimum):
        raise InputError("err.number_min", option=option, sign=">=" if minimum_inclusive else ">",
                         minimum=minimum, text=text)
    if value > maximum:
        raise InputError("err.number_max", option=option, maximum=maximum, text=text)
    if 0 < abs(value) < MIN_POSITIVE:
        raise InputError("err.number_tiny", option=option, text=text)
    return value


def _json_decimal(text):
    """A JSON decimal as an exact Fraction; absurd exponents are refused, not computed."""
    exponent = text.lower().partition("e")[2]
    if exponent and abs(int(exponent)) > 400:
        raise InputError("err.json_number_range", text=text)
    return Fraction(text)


AUTO = "auto"


def _choice(value, option, choices):
    if value not in choices:
        raise InputError("err.choice", option=option, value=value, choices=Join(tuple(choices)))
    return value
