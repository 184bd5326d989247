#!/usr/bin/env python3
"""sizing: how many GPU servers an LLM deployment needs.

The entry people run (`python3 sizing.py ...`, or the console script `sizing`). The code lives
in the package `sizer/`; README_v2.md has the map of its modules.
"""

import sys

# Checked before anything else is imported, so older Pythons get one line instead of a
# traceback (this file and the package's first import keep to syntax that 3.6 still parses).
if sys.version_info < (3, 8):
    sys.stderr.write("sizing: error: requer Python 3.8 ou mais novo (este é %d.%d) / "
                     "requires Python 3.8 or newer\n" % sys.version_info[:2])
    sys.exit(2)

from sizer.cli.main import main  # noqa: E402  (after the version check)

__all__ = ["main"]


def run():
    """main(), then the end of the process without the interpreter's teardown.

    main() has flushed stdout and stderr and renamed every output file into place before it
    returns; what is left at exit is freeing each module and object one by one, about a third of
    a --summary-only run (see README_v2.md, "Tempo de partida"). An exception that escapes main()
    still ends the ordinary way, with its traceback, and so does a run under a profiler, a tracer
    or `python -i`, which read what happens at exit."""
    status = main()
    if sys.gettrace() or sys.getprofile() or sys.flags.inspect:
        return status               # a profiler, a tracer (coverage) or `python -i` reads what happens at exit
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (AttributeError, OSError, ValueError):
            pass
    import os
    os._exit(status)


if __name__ == "__main__":
    sys.exit(run())
