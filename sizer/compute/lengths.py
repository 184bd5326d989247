"""Request lengths as distributions: --input-tokens / --output-tokens as one number, a mean with a
tail percentile (a lognormal), weighted values, or the columns of a traffic trace; their means, tails
and samples, and the context a session in flight holds.

Syntax (README "Traffic as it really arrives"), chosen so that no form reads as a comparison list:
  2000                      every request has 2000 tokens
  mean=2000,p99=16000       a lognormal with that mean and 99th percentile (p90=, p95= also)
  500:3,4000:1              500 tokens with weight 3, 4000 with weight 1 (a weight on every value)
A bare list of numbers (`1000,2000`) is refused: it would read as a comparison of two runs.
"""

from __future__ import annotations      # record annotations stay text (3.8 reads `X | None`)

import math
import re
from fractions import Fraction

from sizer.numbers import InputError, MAX_INPUT, _option_text, parse_fraction_option, parse_int_option
from sizer.frozen import record


# Standard normal quantiles of the tail percentiles a lognormal may be given by (to 6 digits: Abramowitz
# and Stegun, table 26.5; scipy.stats.norm.ppf agrees).
NORMAL_QUANTILES = {50: 0.0, 90: 1.281552, 95: 1.644854, 99: 2.326348}
_PARAMETER = r"(?a)(mean|p90|p95|p99)=(.*)"      # compiled when first used


@record
class Lengths:
    """One request length distribution (tokens). kind: fixed, lognormal, weighted or trace."""
    kind: str
    mean: Fraction                  # exact for fixed, weighted and trace; the given mean for lognormal
    values: tuple[int, ...] = ()              # fixed: (n,); weighted: the values; trace: every row's value
    weights: tuple[Fraction, ...] = ()             # weighted: the weights (Fractions)
    tail_percentile: int = 0        # lognormal: the percentile given (90, 95, 99)
    tail_tokens: int = 0            # lognormal: its tokens
    mu: float = 0.0                 # lognormal: parameters of the underlying normal
    sigma: float = 0.0
    text: str = ""                  # as given

    @property
    def is_distribution(self):
        return self.kind != "fixed"

    def second_moment(self):
        """E[X^2]: exact for the listed kinds, the lognormal's mean^2 exp(sigma^2) otherwise."""
        if self.kind == "lognormal":
            return Fraction(float(self.mean) ** 2 * math.exp(self.sigma ** 2))
        if self.kind == "weighted":
            total = sum(self.weights)
            return sum(w * v * v for v, w in zip(self.values, self.weights)) / total
        return Fraction(sum(v * v for v in self.values), len(self.values))

    def quantile(self, percent):
        """Tokens at `percent` (nearest rank for listed values; the lognormal's own quantile)."""
        if self.kind == "lognormal":
            z = NORMAL_QUANTILES[percent]
            return max(1, int(round(math.exp(self.mu + z * self.sigma))))
        if self.kind == "weighted":
            pairs = sorted(zip(self.values, self.weights))
            total, running = sum(self.weights), Fraction(0)
            for value, weight in pairs:
                running += weight
                if running * 100 >= total * percent:
                    return value
            return pairs[-1][0]
        ordered = sorted(self.values)
        return ordered[max(0, -(-len(ordered) * percent // 100) - 1)]

    def sampler(self, stream):
        """A function drawing one length (an int >= 1) from `stream` (compute/simulate.Stream)."""
        if self.kind == "fixed":
            value = self.values[0]
            return lambda: value
        if self.kind == "lognormal":
            mu, sigma, normal = self.mu, self.sigma, stream.normal
            return lambda: max(1, int(round(math.exp(mu + sigma * normal()))))
        if self.kind == "weighted":
            total = float(sum(self.weights))
            cumulative, running = [], 0.0
            for weight in self.weights:
                running += float(weight) / total
                cumulative.append(running)
            values, uniform = self.values, stream.random
            from bisect import bisect_right

            def draw():
                index = bisect_right(cumulative, uniform())
                return values[min(index, len(values) - 1)]
            return draw
        raise ValueError(self.kind)     # a trace's lengths are its rows, not drawn


def fixed_lengths(tokens):
    return Lengths("fixed", Fraction(tokens), (tokens,), text=str(tokens))


def parse_lengths(text, option):
    """--input-tokens / --output-tokens: a number, `mean=M,pNN=Q`, or `tokens:weight,...`."""
    value = _option_text(text)
    if ":" not in value and "=" not in value and "," not in value:
        return fixed_lengths(parse_int_option(value, option))
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise InputError("err.lengths_syntax", option=option, text=value)
    if all(":" in item for item in items):
        return _weighted(items, option, value)
    if all("=" in item for item in items):
        return _lognormal(items, option, value)
    if not any(":" in item or "=" in item for item in items):
        raise InputError("err.lengths_list", option=option, text=value)
    raise InputError("err.lengths_syntax", option=option, text=value)


def _weighted(items, option, text):
    values, weights = [], []
    for item in items:
        tokens, _, weight = item.partition(":")
        values.append(parse_int_option(tokens.strip(), option))
        weights.append(parse_fraction_option(weight.strip(), option, minimum=0, minimum_inclusive=False))
    if len(set(values)) != len(values):
        raise InputError("err.lengths_repeated", option=option, text=text)
    total = sum(weights)
    mean = sum(v * w for v, w in zip(values, weights)) / total
    return Lengths("weighted", mean, tuple(values), tuple(weights), text=text)


def _lognormal(items, option, text):
    given = {}
    for item in items:
        match = re.fullmatch(_PARAMETER, item)
        if match is None or match.group(1) in given:
            raise InputError("err.lengths_syntax", option=option, text=text)
        given[match.group(1)] = match.group(2).strip()
    tails = [key for key in given if key != "mean"]
    if "mean" not in given or len(tails) != 1:
        raise InputError("err.lengths_syntax", option=option, text=text)
    mean = parse_fraction_option(given["mean"], option, minimum=1)
    percentile = int(tails[0][1:])
    tail = parse_int_option(given[tails[0]], option)
    if tail <= mean:
        raise InputError("err.lengths_tail_low", option=option, text=text)
    # ln X ~ N(mu, sigma^2): mean = exp(mu + sigma^2/2) and the tail = exp(mu + z sigma), so
    # sigma^2/2 - z sigma + ln(tail/mean) = 0; the smaller root (the larger one puts the mean in the tail).
    z = NORMAL_QUANTILES[percentile]
    gap = math.log(tail / float(mean))
    if z * z < 2 * gap:
        raise InputError("err.lengths_tail_high", option=option, text=text,
                         most=int(float(mean) * math.exp(z * z / 2)))
    sigma = z - math.sqrt(z * z - 2 * gap)
    mu = math.log(float(mean)) - sigma * sigma / 2
    return Lengths("lognormal", mean, tail_percentile=percentile, tail_tokens=tail, mu=mu, sigma=sigma, text=text)


def trace_lengths(values, text):
    """The empirical distribution of a trace's column."""
    if sum(values) > MAX_INPUT:
        raise InputError("err.traffic_bound", value=sum(values))
    return Lengths("trace", Fraction(sum(values), len(values)), tuple(values), text=text)


def in_flight_context(inputs, outputs):
    """The context a session in flight is charged (its final context, input + output), averaged over
    the sessions in flight: each request weighs by how long it stays, its output tokens, so
    E[O (I + O)] / E[O] with I and O drawn apart (a trace keeps its rows' pairs)."""
    if inputs.kind == "trace" and outputs.kind == "trace":
        pairs = list(zip(inputs.values, outputs.values))
        return Fraction(sum(o * (i + o) for i, o in pairs), sum(o for _, o in pairs))
    return inputs.mean + outputs.second_moment() / outputs.mean
