"""Output streams: text to stdout, one error line to stderr, a closed pipe stopped quietly.
"""

import os
import sys

from sizer.i18n import render
from sizer.inputs import _os_reason
from sizer.numbers import printable
from sizer.vocab import T


class OutputClosed(Exception):
    """The reader of stdout went away (a closed pipe): stop quietly, as `cat` does."""


class OutputError(Exception):
    """stdout cannot be written (closed, full disk): exit 2 with one line on stderr."""

    def __init__(self, text):
        Exception.__init__(self, text.id)
        self.text = text


def emit(stream, text):
    """Write UTF-8 whatever the locale or PYTHONIOENCODING; never raise a traceback.

    A failed write silences the stream (its descriptor now points at /dev/null), so
    that nothing is retried when the interpreter flushes its streams at exit.
    """
    if stream is None:
        raise OutputError(T("err.stdout_closed"))
    buffer = getattr(stream, "buffer", None)
    try:
        if buffer is None:
            stream.write(text)
            stream.flush()
            return
        stream.flush()
        buffer.write(text.encode("utf-8", "backslashreplace"))
        buffer.flush()
    except BrokenPipeError:
        _silence(stream)
        raise OutputClosed()
    except (OSError, ValueError) as error:
        _silence(stream)
        raise OutputError(T("err.stdout_write", reason=_os_reason(error)))


def _silence(stream):
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, stream.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass


def report_error(text, lang):
    """The one stderr line of exit 2; if stderr itself is closed or full, say nothing."""
    try:
        emit(sys.stderr, "sizing: error: %s\n" % printable(render(text, lang)))
    except (OutputClosed, OutputError):
        pass
