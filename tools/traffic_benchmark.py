#!/usr/bin/env python3
"""How long one simulated run takes (compute/simulate.py): the quick start's instance (gpt-oss-120b, TP 8
on dgx300) under Poisson arrivals of 2000 / 500-token requests, REQUESTS of them, at a load that keeps
about 250 sessions in the batch (80 requests/s on the instance). Run it under hyperfine:

    hyperfine --warmup 1 'python3 tools/traffic_benchmark.py'

It prints the run's own time (the report's setup excluded) and what the run saw.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sizer.cli.options import options_from_args  # noqa: E402
from sizer.cli.parser import build_parser  # noqa: E402
from sizer.compute.report import build_report  # noqa: E402
from sizer.compute.traffic import build_simulation  # noqa: E402
from sizer.model.catalog import load_inputs  # noqa: E402
from sizer.frozen import replace  # noqa: E402

REQUESTS = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
RATE = 80.0


def main():
    args = ["--model", "opt-oss-120b", "--server", "dgx300", "--requests-per-second", "80", "--input-tokens", "2000",
            "--output-tokens", "500", "--lang", "en"]
    options = options_from_args(build_parser("en").parse_args(args))
    report = build_report(options, *load_inputs(options))
    simulation = build_simulation(replace(options, seed=1, simulated_requests=REQUESTS), report.model,
                                  report.layout, report.latency.roofline, report.context_tokens, report.kv.bytes, None)
    start = time.perf_counter()
    outcome = simulation.run(float("inf"), RATE, 1.0)
    elapsed = time.perf_counter() - start
    print("%d requests simulated in %.2f s: TTFT mean %.1f ms, p99 %.1f ms; TPOT p50 %.2f ms; %.0f sessions in the "
          "batch on average" % (REQUESTS, elapsed, 1000 * sum(outcome.ttft) / len(outcome.ttft),
                                1000 * outcome.percentile(outcome.ttft, 99), 1000 * outcome.percentile(outcome.tpot, 50),
                                outcome.batch_mean))


if __name__ == "__main__":
    main()
