"""--traffic-trace: a CSV of requests as they arrived, `arrival_s,input_tokens,output_tokens`, read with
the bounds of every other input file; a bad row is one error naming the file, the line and the field.
"""

from __future__ import annotations      # record annotations stay text (3.8 reads `X | None`)

from fractions import Fraction

from sizer.inputs import read_regular_file
from sizer.numbers import InputError, MAX_INPUT, is_decimal_text, is_int_text
from sizer.frozen import record

TRACE_HEADER = ("arrival_s", "input_tokens", "output_tokens")
MAX_TRACE_ROWS = 1000000
MAX_TRACE_BYTES = 64 * 2 ** 20


@record
class Trace:
    path: str
    arrivals: tuple[Fraction, ...]             # seconds (Fractions), non-decreasing
    inputs: tuple[int, ...]               # prompt tokens per request
    outputs: tuple[int, ...]              # output tokens per request

    @property
    def rate(self):
        """Requests per second over the trace: (rows - 1) / (last arrival - first)."""
        return Fraction(len(self.arrivals) - 1) / (self.arrivals[-1] - self.arrivals[0])


def load_trace(path):
    raw = read_regular_file(path, MAX_TRACE_BYTES)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("err.file_not_utf8", path=path)
    lines = text.splitlines()
    if not lines or tuple(cell.strip() for cell in lines[0].split(",")) != TRACE_HEADER:
        raise InputError("err.trace_header", path=path, header=",".join(TRACE_HEADER))
    arrivals, inputs, outputs = [], [], []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = [cell.strip() for cell in line.split(",")]
        if len(cells) != len(TRACE_HEADER):
            raise InputError("err.trace_fields", path=path, line=number, count=len(cells))
        arrival = _decimal(cells[0], path, number)
        if arrivals and arrival < arrivals[-1]:
            raise InputError("err.trace_order", path=path, line=number, value=cells[0])
        arrivals.append(arrival)
        inputs.append(_tokens(cells[1], path, number, "input_tokens"))
        outputs.append(_tokens(cells[2], path, number, "output_tokens"))
        if len(arrivals) > MAX_TRACE_ROWS:
            raise InputError("err.trace_rows", path=path, most=MAX_TRACE_ROWS)
    if len(arrivals) < 2 or arrivals[-1] == arrivals[0]:
        raise InputError("err.trace_span", path=path)
    return Trace(path, tuple(arrivals), tuple(inputs), tuple(outputs))


def _decimal(text, path, line):
    if not is_decimal_text(text) or text.startswith(("-", "+")):
        raise InputError("err.trace_value", path=path, line=line, field="arrival_s", value=text)
    value = Fraction(text)
    if value > MAX_INPUT:
        raise InputError("err.trace_value", path=path, line=line, field="arrival_s", value=text)
    return value


def _tokens(text, path, line, field):
    if not is_int_text(text) or len(text) > 16 or not 1 <= int(text) <= MAX_INPUT:
        raise InputError("err.trace_value", path=path, line=line, field=field, value=text)
    return int(text)
