"""Display: number formatting and rounding, in one place (the only module that rounds).
"""

import json
from fractions import Fraction

from sizer.numbers import printable


# ---------------------------------------------------------------------------
# 9. Display: rounding happens here and only here
# ---------------------------------------------------------------------------

def _fixed(value, places):
    """Round an exact number half-to-even to `places` decimals, for display."""
    scaled = round(Fraction(value) * 10 ** places)
    sign = "-" if scaled < 0 else ""
    digits = str(abs(scaled)).rjust(places + 1, "0")
    if not places:
        return sign + digits
    return "%s%s.%s" % (sign, digits[:-places], digits[-places:])


def _plain(value):
    """Shortest faithful decimal: exact when it has up to 6 decimals."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    return _fixed(value, 6).rstrip("0").rstrip(".")


def _percent(ratio):
    return _plain(Fraction(ratio) * 100) + "%"


def _sci(value):
    """Scientific notation with 4 significant digits, from the exact value (no float underflow)."""
    value = Fraction(value)
    if value == 0:
        return "0.000e+00"
    sign, value = ("-" if value < 0 else ""), abs(value)
    exponent = len(str(value.numerator)) - len(str(value.denominator))
    mantissa = value / Fraction(10) ** exponent
    while mantissa >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    while mantissa < 1:
        mantissa, exponent = mantissa * 10, exponent - 1
    digits = _fixed(mantissa, 3)
    if digits == "10.000":
        digits, exponent = "1.000", exponent + 1
    return "%s%se%+03d" % (sign, digits, exponent)


# Format specs usable in message templates ({x:f2}, {x:p}, {x:pct}, {x:sci}).
NUMBER_FORMATS = {"p": _plain, "pct": _percent, "sci": _sci}


def format_input(value):
    """An input value as shown in a rationale: exact numbers plainly, null as JSON does."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, Fraction)):
        return _plain(value)
    return printable(value)
