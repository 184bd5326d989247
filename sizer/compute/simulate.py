"""A discrete-event simulation of one instance under arrivals, on the engine's steps (compute/engine.py).

The engine runs step after step (continuous batching). A step first gives every decoding session one
token, then spends what --max-num-batched-tokens leaves on prompt chunks: the prompts already started,
in the order they were admitted, then new requests from the queue (first come, first served) while
fewer than --max-num-seqs run and the KV pool has room for the chunk. When the sessions' KV outgrows
the pool the newest session is preempted and recomputed later (vLLM's default), as vLLM's scheduler
does. A step's time is the engine model's: its phases at the step's decode tokens, prompt tokens, the
KV the sessions read and their attention.

The loop runs in floats (the exact Fractions of the engine model would take minutes per run): the
model's terms are converted once (FastStep, checked against EngineModel.step by the tests), and the
steps between events (an arrival that can be admitted, a session ending, the pool filling up) are
summed in closed form, since in between every decode step grows each session's context by one token.
Draws use only `random.Random(seed).random()` (the same sequence on every Python 3), with the
exponential, normal and gamma draws written here. Reported figures are rounded to the microsecond.
"""

from __future__ import annotations      # record annotations stay text (3.8 reads `X | None`)

import heapq
import math
import random
from collections import deque

from sizer.compute.engine import DP_ATTENTION_BALANCE, EXPERT_TOKEN_DECIMALS, LAUNCH_S_PER_LAYER, expert_block
from sizer.frozen import record


class Stream:
    """Deterministic draws from one seed."""

    def __init__(self, seed):
        self.random = random.Random(seed).random

    def exponential(self):
        return -math.log(1.0 - self.random())

    def normal(self):
        """Box-Muller, one value per pair of uniforms."""
        return math.sqrt(-2.0 * math.log(1.0 - self.random())) * math.cos(2.0 * math.pi * self.random())

    def gamma(self, shape):
        """Gamma(shape, 1): Marsaglia and Tsang (2000), with Gamma(a) = Gamma(a + 1) U^(1/a) below 1."""
        if shape < 1.0:
            return self.gamma(shape + 1.0) * (1.0 - self.random()) ** (1.0 / shape)
        d = shape - 1.0 / 3.0
        c = 1.0 / math.sqrt(9.0 * d)
        while True:
            x = self.normal()
            v = (1.0 + c * x) ** 3
            if v <= 0.0:
                continue
            if math.log(1.0 - self.random()) < 0.5 * x * x + d - d * v + d * math.log(v):
                return d * v


def unit_gaps(stream, count, burstiness):
    """Inter-arrival times of mean 1: exponential (Poisson arrivals) for a coefficient of variation of
    1, gamma of shape 1 / CV^2 otherwise."""
    if burstiness == 1:
        return [stream.exponential() for _ in range(count)]
    shape = 1.0 / (float(burstiness) ** 2)
    return [stream.gamma(shape) / shape for _ in range(count)]


class FastStep:
    """EngineModel.step in floats, per lane (one attention group's step): the time of a step with `d`
    decoding sessions and `p` prompt tokens, the sessions reading `kv` bytes and doing `flops` of
    attention, the prompt chunks `prefill_flops`."""

    def __init__(self, engine):
        e = engine
        share = e.rank_share
        slowest = 1 / DP_ATTENTION_BALANCE if e.attention_groups > 1 else 1
        self.engine = e
        self.dense_bytes_s = float(e.dense_bytes / share / e.bandwidth_bytes_s * slowest)
        self.token_s = float(2 * e.dense_parameters / share / e.gemm_flops_s * slowest)
        self.decode_s = float(2 * e.lm_head_parameters / share / e.gemm_flops_s * slowest)
        self.kv_byte_s = float(slowest / (share * e.bandwidth_bytes_s))
        self.attention_flop_s = float(slowest / (share * e.attention_flops_s))
        self.prefill_flop_s = float(slowest / (share * e.prefill_attention_flops_s))
        self.host_s = float(e.host_s_per_sequence * slowest)
        communication0 = e.communication_s(0)
        self.communication = (float(communication0), float(e.communication_s(1) - communication0))
        self.launch_s = float(e.layers * LAUNCH_S_PER_LAYER)
        self.fixed = []

    def fixed_s(self, tokens):
        """The phases that depend on the step's tokens alone: routed experts, collectives, launches."""
        fixed = self.fixed
        while len(fixed) <= tokens:
            fixed.append(self._fixed(len(fixed)))
        return fixed[tokens]

    def _fixed(self, tokens):
        e = self.engine
        seconds = self.communication[0] + self.communication[1] * tokens + self.launch_s
        if e.expert_bytes:
            instance_tokens = tokens * e.attention_groups
            touched = 1.0 - (1.0 - e.experts_per_token / e.experts) ** instance_tokens
            per_expert = instance_tokens * e.experts_per_token / (e.experts * touched) if touched else 0.0
            per_expert = round(per_expert, EXPERT_TOKEN_DECIMALS)
            block = expert_block(per_expert)
            padded = -(-per_expert // block) * block
            seconds += max(float(e.expert_bytes) * touched / e.gpus / float(e.grouped_bandwidth_bytes_s),
                           2.0 * float(e.expert_parameters) * touched * padded / e.gpus / float(e.grouped_flops_s))
        return seconds

    def seconds(self, d, p, kv, flops, prefill_flops):
        tokens = d + p
        dense = self.token_s * tokens + self.decode_s * d
        if dense < self.dense_bytes_s:
            dense = self.dense_bytes_s
        attention = kv * self.kv_byte_s
        compute = flops * self.attention_flop_s
        if compute > attention:
            attention = compute
        return dense + self.fixed_s(tokens) + attention + prefill_flops * self.prefill_flop_s + self.host_s * d


class SessionCosts:
    """What one session holds and reads at a context, in floats: KV bytes (also its share of the
    pool), decode-attention FLOPs, and the prefill attention of a chunk."""

    def __init__(self, engine):
        e = engine
        self.full_bytes = self.full_flops = 0.0
        self.local = []                 # (bytes per token, flops per token, span) of windowed/chunked layers
        self.pair_groups = []
        for group, per_token in e.kv_layers:
            span = group.local_span
            per_token_bytes = float(group.count * per_token)
            per_token_flops = float(group.count * e.attention_flops_per_key)
            if span is None:
                self.full_bytes += per_token_bytes
                self.full_flops += per_token_flops
            else:
                self.local.append((per_token_bytes, per_token_flops, span))
            self.pair_groups.append((float(group.count * e.prefill_pair_flops), group))
        self.state_bytes = float(e.state_bytes)

    def kv_bytes(self, context):
        total = self.state_bytes + self.full_bytes * context
        for per_token, _, span in self.local:
            total += per_token * (context if context < span else span)
        return total

    def attention_flops(self, context):
        total = self.full_flops * context
        for _, per_token, span in self.local:
            total += per_token * (context if context < span else span)
        return total

    def prefill_flops(self, start, end):
        total = 0.0
        for per_pair, group in self.pair_groups:
            total += per_pair * (group.attended_pairs(end) - group.attended_pairs(start))
        return total


@record
class Requests:
    """One lane's requests: ready time (s), arrival time (s), prompt tokens, output tokens, prompt tokens
    served from the prefix cache. Lists of equal length, in ready order."""
    ready: list[float]
    arrival: list[float]
    inputs: list[int]
    outputs: list[int]
    cached: list[int]


@record
class Lane:
    """One lane of an instance: its step budget, sessions, KV pool (bytes) and the shared prefix's
    bytes each session does not hold itself (held once in the pool)."""
    budget: int
    max_seqs: int
    pool_bytes: float
    shared_bytes: float = 0.0


@record
class Outcome:
    """A run's latencies (seconds, floats), sorted, of the requests measured (the warm-up left out)."""
    ttft: tuple[float, ...]
    tpot: tuple[float, ...]
    waited_s: float             # requests waiting in the queue, integrated over the measured window
    ran_s: float                # sessions in the batch (admitted, not yet ended), integrated likewise
    span_s: float               # the window: from the first measured arrival to the last one
    measured: int
    preempted: int              # measured requests preempted at least once

    def percentile(self, values, percent):
        """Nearest rank."""
        if not values:
            return 0.0
        return values[max(0, -(-len(values) * percent // 100) - 1)]

    @property
    def rate(self):
        return (self.measured - 1) / self.span_s if self.span_s > 0 else 0.0

    @property
    def queue_mean(self):
        """Requests waiting, on average over the measured window."""
        return self.waited_s / self.span_s if self.span_s > 0 else 0.0

    @property
    def batch_mean(self):
        """Sessions in the batch, on average over the measured window."""
        return self.ran_s / self.span_s if self.span_s > 0 else 0.0


WARM_UP_SHARE = 10      # the first tenth of a run's requests is its warm-up, left out of the figures


def run_time(steps, c0, x0, dx, y0, dy):
    """The sum over j < steps of c0 + max(x0 + dx j, y0 + dy j): decode steps whose two attention terms
    (bytes, FLOPs) grow linearly while the sessions' contexts grow."""
    if steps <= 0:
        return 0.0
    total = c0 * steps
    diff, slope = x0 - y0, dx - dy
    if slope == 0.0:
        split, first_x = steps, diff >= 0.0
    else:
        crossing = -diff / slope
        if slope > 0.0:         # x dominates from the crossing on
            split, first_x = min(max(math.ceil(crossing), 0), steps), False
        else:                   # x dominates up to the crossing
            split, first_x = min(max(math.floor(crossing) + 1, 0), steps), True
    head = split * (split - 1) / 2.0
    tail = steps * (steps - 1) / 2.0 - head
    if first_x:
        total += x0 * split + dx * head + y0 * (steps - split) + dy * tail
    else:
        total += y0 * split + dy * head + x0 * (steps - split) + dx * tail
    return total


def simulate(step, costs, lane, requests):
    """Run the lane over `requests` until every one has ended; returns the Outcome."""
    ready, arrival, inputs, outputs, cached = (requests.ready, requests.arrival, requests.inputs,
                                               requests.outputs, requests.cached)
    count = len(ready)
    budget, max_seqs, pool, shared = lane.budget, lane.max_seqs, lane.pool_bytes, lane.shared_bytes
    kv_bytes, attention_flops, prefill_flops = costs.kv_bytes, costs.attention_flops, costs.prefill_flops
    grow_bytes, grow_flops = costs.full_bytes, costs.full_flops
    seconds, fixed_s = step.seconds, step.fixed_s
    dense_bytes_s, token_s, decode_s, host_s = step.dense_bytes_s, step.token_s, step.decode_s, step.host_s
    kv_byte_s, attention_flop_s = step.kv_byte_s, step.attention_flop_s
    warm = count // WARM_UP_SHARE

    target = list(inputs)       # tokens to compute before the next token: the prompt (+ output, recomputed)
    computed = [0] * count
    generated = [0] * count
    first = [-1.0] * count
    entered = [0] * count       # the step a session started decoding
    base_bytes = [0.0] * count
    base_flops = [0.0] * count
    epoch = [0] * count         # heap entries of an earlier epoch are stale (the session was preempted)
    phase = [0] * count         # 0 waiting, 1 prefilling, 2 decoding, 3 done
    order = [0] * count
    preempted = [False] * count
    ended = [0.0] * count
    started = [-1.0] * count    # first admission
    ttft, tpot = [], []
    waiting = deque()
    prefilling = []
    finishing = []              # (step it ends, order, request, epoch)
    newest = []                 # (-order, request, epoch) of running sessions
    decoding = 0
    read_bytes = read_flops = held = 0.0
    now, steps, admitted, next_ready, done = 0.0, 0, 0, 0, 0

    def finish(rid, at):
        nonlocal done
        phase[rid] = 3
        ended[rid] = at
        done += 1
        if rid >= warm:
            ttft.append(first[rid] - arrival[rid])
            if outputs[rid] > 1:
                tpot.append((at - first[rid]) / (outputs[rid] - 1))

    def preempt_newest():
        """Preempt the newest running session: free its KV, back to the queue's head (recompute)."""
        nonlocal decoding, read_bytes, read_flops, held
        while True:
            _, rid, stamp = heapq.heappop(newest)
            if stamp == epoch[rid] and phase[rid] in (1, 2):
                break
        if phase[rid] == 2:
            tokens = steps - entered[rid]
            decoding -= 1
            read_bytes -= base_bytes[rid] + tokens * grow_bytes
            read_flops -= base_flops[rid] + tokens * grow_flops
            held -= base_bytes[rid] - shared + tokens * grow_bytes
            generated[rid] += tokens
        else:
            prefilling.remove(rid)
            held -= kv_bytes(computed[rid]) - shared
        epoch[rid] += 1
        phase[rid] = 0
        preempted[rid] = True
        target[rid] = inputs[rid] + generated[rid]
        computed[rid] = 0
        waiting.appendleft(rid)

    while done < count:
        while next_ready < count and ready[next_ready] <= now:
            waiting.append(next_ready)
            next_ready += 1
        running = decoding + len(prefilling)
        if running == 0 and not waiting:
            now = ready[next_ready]
            continue
        admit = False
        if waiting and running < max_seqs:
            head = waiting[0]
            start = cached[head]
            chunk = min(target[head] - start, budget - decoding)
            admit = chunk > 0 and (running == 0 or held + kv_bytes(start + chunk) - shared <= pool)
        if prefilling or admit:
            # One step with prompt chunks.
            left = budget - decoding if decoding < budget else 0
            chunks = []
            for rid in prefilling:
                if left <= 0:
                    break
                take = min(target[rid] - computed[rid], left)
                chunks.append((rid, take))
                left -= take
            while waiting and left > 0 and running < max_seqs:
                rid = waiting[0]
                start = cached[rid]
                take = min(target[rid] - start, left)
                if running > 0 and held + kv_bytes(start + take) - shared > pool:
                    break
                waiting.popleft()
                if started[rid] < 0:
                    started[rid] = now
                phase[rid] = 1
                order[rid] = admitted
                admitted += 1
                heapq.heappush(newest, (-order[rid], rid, epoch[rid]))
                computed[rid] = start
                held += kv_bytes(start) - shared
                prefilling.append(rid)
                chunks.append((rid, take))
                left -= take
                running += 1
            prompt_tokens = 0
            chunk_flops = 0.0
            for rid, take in chunks:
                prompt_tokens += take
                chunk_flops += prefill_flops(computed[rid], computed[rid] + take)
            elapsed = seconds(decoding, prompt_tokens, read_bytes, read_flops, chunk_flops)
            now += elapsed
            steps += 1
            read_bytes += decoding * grow_bytes
            read_flops += decoding * grow_flops
            held += decoding * grow_bytes
            for rid, take in chunks:
                before = computed[rid]
                computed[rid] = before + take
                held += kv_bytes(before + take) - kv_bytes(before)
                if computed[rid] < target[rid]:
                    continue
                prefilling.remove(rid)
                generated[rid] += 1
                if first[rid] < 0:
                    first[rid] = now
                if generated[rid] >= outputs[rid]:
                    held -= kv_bytes(computed[rid]) - shared
                    finish(rid, now)
                    continue
                phase[rid] = 2
                decoding += 1
                entered[rid] = steps
                context = computed[rid]
                base_bytes[rid] = kv_bytes(context)
                base_flops[rid] = attention_flops(context)
                read_bytes += base_bytes[rid]
                read_flops += base_flops[rid]
                heapq.heappush(finishing, (steps + outputs[rid] - generated[rid], order[rid], rid, epoch[rid]))
        else:
            # Decode steps only, until a session ends, the pool fills or an arrival can be admitted.
            while finishing and finishing[0][3] != epoch[finishing[0][2]]:
                heapq.heappop(finishing)
            run = finishing[0][0] - steps
            if grow_bytes > 0.0 and held < pool and (pool - held) / (decoding * grow_bytes) < run:
                run = int((pool - held) / (decoding * grow_bytes)) + 1
            c0 = max(dense_bytes_s, (token_s + decode_s) * decoding) + fixed_s(decoding) + host_s * decoding
            x0, dx = read_bytes * kv_byte_s, decoding * grow_bytes * kv_byte_s
            y0, dy = read_flops * attention_flop_s, decoding * grow_flops * attention_flop_s
            if not waiting and running < max_seqs and next_ready < count:
                gap = ready[next_ready] - now
                if run_time(run, c0, x0, dx, y0, dy) > gap:
                    low, high = 0, run      # the first boundary at or past the arrival
                    while high - low > 1:
                        middle = (low + high) // 2
                        if run_time(middle, c0, x0, dx, y0, dy) >= gap:
                            high = middle
                        else:
                            low = middle
                    run = high
            elapsed = run_time(run, c0, x0, dx, y0, dy)
            now += elapsed
            steps += run
            read_bytes += run * decoding * grow_bytes
            read_flops += run * decoding * grow_flops
            held += run * decoding * grow_bytes
        while finishing and finishing[0][0] <= steps:
            end, _, rid, stamp = heapq.heappop(finishing)
            if stamp != epoch[rid]:
                continue
            tokens = end - entered[rid]
            decoding -= 1
            read_bytes -= base_bytes[rid] + tokens * grow_bytes
            read_flops -= base_flops[rid] + tokens * grow_flops
            held -= base_bytes[rid] - shared + tokens * grow_bytes
            generated[rid] = outputs[rid]
            finish(rid, now)
        while held > pool and decoding + len(prefilling) > 1:
            preempt_newest()
    measured = range(warm, count)
    low, high = arrival[warm], arrival[count - 1]

    def overlap(start, end):
        start, end = max(start, low), min(end, high)
        return end - start if end > start else 0.0
    # Time-weighted over the measured window: each request's first wait and its time from admission to
    # its end (a preempted session's second wait counts as running).
    queued = sum(overlap(ready[i], started[i]) for i in range(count))
    ran = sum(overlap(started[i], ended[i]) for i in range(count))
    return Outcome(tuple(sorted(ttft)), tuple(sorted(tpot)), queued, ran, high - low, count - warm,
                   sum(1 for i in measured if preempted[i]))


def lane_requests(gaps, rate, inputs, outputs, cached, restore_s=None):
    """The lane's requests at `rate` per second from inter-arrival times of mean 1. With a host-memory
    tier, a request whose cached tokens come from host memory is ready once they are loaded: the
    loads share the lane's link in arrival order, each taking its `restore_s`."""
    scale = 1.0 / rate
    arrival, moment = [], 0.0
    for gap in gaps:
        moment += gap * scale
        arrival.append(moment)
    if restore_s is None:
        ready = arrival
    else:
        ready, free = [], 0.0
        for at, seconds in zip(arrival, restore_s):
            free = (at if at > free else free) + seconds
            ready.append(free)
    return Requests(ready, arrival, inputs, outputs, cached)
