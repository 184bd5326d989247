"""Figure: a value with its unit, its formula (values substituted), its inputs and explanation ids.
"""

from dataclasses import dataclass

from sizer.vocab import T, Text


# ---------------------------------------------------------------------------
# 6. Compute: pure functions returning frozen records. A Figure holds its value,
#    its unit, its formula (identifiers with the values substituted) and its
#    explanation as message ids with parameters: no sentence is built here.
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Figure:
    key: str
    value: object               # int, Fraction or None (not applicable)
    unit: str                   # a Unit code
    formula: Text
    inputs: tuple               # (name, value) pairs
    explanation: tuple          # Texts, shown one after the other
    label: Text
    absent: object = None       # why the value is None, when it is (a Text)


def figure(key, value, unit, formula, inputs, explanation, label=None, absent=None):
    if isinstance(explanation, Text):
        explanation = (explanation,)
    return Figure(key, value, unit, formula, tuple(inputs.items()), tuple(explanation),
                  label or T("label." + key), absent)


def find(figures, key):
    """The value of the figure `key` among `figures` (None when absent)."""
    for item in figures:
        if item.key == key:
            return item.value
    return None
