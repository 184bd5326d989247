#!/usr/bin/env python3
"""Write a synthetic bursty traffic trace (CSV: arrival_s,input_tokens,output_tokens) for the examples
and tests of --traffic-trace: calm spells of Poisson arrivals at CALM_RATE broken by bursts at
BURST_RATE, prompts and answers drawn from lognormals. Deterministic (seeded); run:

    python3 tools/make_traffic_trace.py > tests/fixtures/traces/bursty-chat.csv
"""

import math
import random
import sys

SEED = 22
REQUESTS = 4000
CALM_RATE, CALM_S = 6.0, 40.0       # requests/s and seconds of a calm spell
BURST_RATE, BURST_S = 60.0, 4.0     # requests/s and seconds of a burst
INPUT_MEDIAN, INPUT_SIGMA = 1500, 0.8
OUTPUT_MEDIAN, OUTPUT_SIGMA = 250, 0.6


def main(out):
    draw = random.Random(SEED).random
    out.write("arrival_s,input_tokens,output_tokens\n")
    now, spell_end, bursting = 0.0, CALM_S, False
    for _ in range(REQUESTS):
        rate = BURST_RATE if bursting else CALM_RATE
        now += -math.log(1.0 - draw()) / rate
        while now >= spell_end:
            bursting = not bursting
            spell_end += BURST_S if bursting else CALM_S
        normal = math.sqrt(-2.0 * math.log(1.0 - draw())) * math.cos(2.0 * math.pi * draw())
        tokens = max(16, int(INPUT_MEDIAN * math.exp(INPUT_SIGMA * normal)))
        normal = math.sqrt(-2.0 * math.log(1.0 - draw())) * math.cos(2.0 * math.pi * draw())
        answer = max(8, int(OUTPUT_MEDIAN * math.exp(OUTPUT_SIGMA * normal)))
        out.write("%.3f,%d,%d\n" % (now, tokens, answer))


if __name__ == "__main__":
    main(sys.stdout)
