#!/usr/bin/env python3
"""Start-time benchmark: a bare `PYTHON -c pass` and the quick start in --summary-only, alternated.

    python3 -m compileall -q sizer sizing.py        # the bytecode cached, as an installation has it
    python3 tools/start_benchmark.py [PAIRS] [PYTHON]

Runs the two commands one after the other PAIRS times (default 40, after 5 pairs of warm-up) so that
both see the same machine load, and prints the median of each and their ratio. Use the interpreter
itself (`pyenv which python3`), not the pyenv shim, which adds its own ~50 ms to both. A benchmark, not
a test: README_v2.md ("Tempo de partida") records what it measured.
"""

import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QUICK_START = ["--model", "opt-oss-120b", "--server", "dgx300", "--concurrency", "1000", "--effective-context",
               "131072", "--summary-only"]
WARM_UP = 5


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    pairs = int(argv[0]) if argv else 40
    python = argv[1] if len(argv) > 1 else sys.executable
    commands = ([python, "-c", "pass"], [python, os.path.join(ROOT, "sizing.py")] + QUICK_START)
    times = ([], [])
    for index in range(pairs + WARM_UP):
        for which, command in enumerate(commands):
            start = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
            if index >= WARM_UP:
                times[which].append(time.perf_counter() - start)
    bare, run = (statistics.median(t) * 1000 for t in times)
    print("%s -c pass: median %.1f ms; sizing --summary-only: median %.1f ms; ratio %.2f"
          % (python, bare, run, run / bare))
    return 0


if __name__ == "__main__":
    sys.exit(main())
