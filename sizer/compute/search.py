"""--search: size every layout of the declared space (compute/searchspace.py), and per scenario pick
the cheapest feasible one (fewest nodes, or the lowest monthly cost with --order-by cost), with the
runner-ups and why each loses, the Pareto front of throughput per GPU against throughput per user,
and the engine commands that run each winner.

Every candidate is one ordinary run (build_report with the candidate's options), so the answer is
exact and exhaustive over the space, never worse than the best single run of it, and the winning
layout run alone gives the same nodes. The model, server and storage are loaded once per problem;
one report serves the three scenarios; only the report of each scenario's best so far is kept, and
only the winners' commands are built. The throughput a candidate is ranked and charted by is read
from the report's own performance figures (tokens/s per node and per session at the scenario's
load), so a better time model improves the front by itself.
"""

from __future__ import annotations      # record annotations stay text (3.8 reads `X | None`)

import itertools
from fractions import Fraction

from sizer.compute.commands import Commands, engine_commands
from sizer.compute.report import build_report
from sizer.compute.searchspace import (DIMENSIONS, DeclaredDimension, LAYOUT_FIELDS, MAX_SEARCH_COMBINATIONS,
    Skip, ValueKind, check_request, combinations, combinations_count, declare_space)
from sizer.frozen import record, replace
from sizer.numbers import InputError
from sizer.vocab import KV_PRECISIONS, RECOMMENDED, ROW_ERROR, SCENARIOS, Scenario, Status, Text, Unit


# Runner-ups shown per scenario, after the winner.
RUNNER_UPS = 4
# The options that define the demand: a search sizes one.
DEMAND_FIELDS = (("concurrency", "--concurrency"), ("effective_context", "--effective-context"))
# The options that name what is deployed: each combination of their values is a problem of its own
# space, and the search picks over all of them.
PROBLEM_FIELDS = ("model", "model_config", "server", "storage")


@record
class Candidate:
    """One sized layout: its values, and what each scenario needs with it."""
    index: int                  # 1-based, in the order of the space
    model: str
    server: str
    storage: str
    layout: tuple[tuple[str, bool | int | str | None], ...]               # ((Options field, value), ...) for LAYOUT_FIELDS present in the space
    status: str                 # Status.OK, Status.INFEASIBLE or ROW_ERROR
    unit: str = Unit.NODES      # what nodes count: Unit.NODES, or Unit.RACKS on a rack-scale server
    instances_per_node: int | None = None
    nodes_per_instance: int | None = None
    concurrency: int | None = None  # the sessions sized (with traffic, this layout's operating point)
    nodes: tuple[int | None, ...] = (None, None, None)       # nodes_final per scenario (None: infeasible)
    costs: tuple[Fraction | None, ...] = (None, None, None)       # monthly cost per scenario (None: no price)
    limits: tuple[str, ...] = (None, None, None)      # limit code per scenario
    sessions: int | None = None     # RECOMENDADO's sessions per node (per instance when one spans nodes)
    tokens_per_s_per_gpu: tuple[Fraction | None, ...] = (None, None, None)    # output tokens/s per GPU at the scenario's load
    tokens_per_s_per_user: tuple[Fraction | None, ...] = (None, None, None)   # output tokens/s per session at that load
    error: Text | None = None        # the reason of an error candidate (a Text)
    args: tuple[str, ...] = ()            # the options that size this layout alone (to add to the rest)

    def value(self, field):
        return dict(self.layout).get(field)

    @property
    def weights_changed(self):
        return self.value("weight_precision") is not None


@record
class Standing:
    """One scenario's answer: the winner, the runner-ups (each with the criterion it loses on), how many
    candidates cannot run it, and the commands of the winner."""
    scenario: Scenario            # vocab.Scenario
    winner: Candidate | None              # a Candidate, or None when no candidate is feasible
    runner_ups: tuple[tuple[Candidate, str, Fraction | int, Fraction | int], ...]           # (Candidate, criterion code, its value, the winner's value)
    infeasible: int
    commands: Commands | None = None     # compute.commands.Commands of the winner
    pools: tuple[int, int] | None = None        # (prefill pool nodes, decode pool nodes) of a disaggregated winner


@record
class Search:
    space: tuple[DeclaredDimension, ...]                # DeclaredDimension per dimension (values: the union over the problems)
    problems: tuple[tuple[str, str, str], ...]             # ((model, server, storage), ...)
    combinations: int           # the space's combinations, over every problem
    skipped: tuple[tuple[str, int], ...]              # ((Skip code, count), ...), only the codes that skipped some
    refused_tp: tuple[int, ...]           # the TPs vLLM does not build the model with (skipped)
    candidates: tuple[Candidate, ...]
    standings: tuple[Standing, ...]            # Standing per scenario, in SCENARIOS order
    pareto: tuple[Candidate, ...]               # Candidates on RECOMENDADO's front, by tokens/s per user
    order_by: str

    def standing(self, key):
        return [s for s in self.standings if s.scenario.key == key][0]

    @property
    def status(self):
        return Status.OK if all(s.winner is not None for s in self.standings) else Status.INFEASIBLE


class Criterion:
    """What ranks two feasible candidates of a scenario, in order (the first that differs decides):
    nodes and monthly cost (their order set by --order-by); then throughput at the scenario's load,
    per user, then per GPU (at the same cost, the layout that serves each user faster: with traffic
    the tokens a deployment delivers are the traffic's, so its speed per user is what differs); then
    quality (the checkpoint's weights before quantized ones, more KV bits before fewer: what decides
    when the server gives no roofline facts); then the order of the space."""
    NODES, COST, WEIGHTS, KV, TOKENS_PER_GPU, TOKENS_PER_USER, ORDER = (
        "nodes", "cost", "weights", "kv", "tokens_per_s_per_gpu", "tokens_per_s_per_user", "order")


def criteria(candidate, position, order_by):
    """((Criterion, value shown, sort key), ...) of a candidate in scenario `position`."""
    nodes, cost = candidate.nodes[position], candidate.costs[position]
    gpu, user = candidate.tokens_per_s_per_gpu[position], candidate.tokens_per_s_per_user[position]
    money = (Criterion.COST, cost, (cost is None, cost or 0))
    count = (Criterion.NODES, nodes, nodes)
    kv = candidate.value("kv_precision")
    return ((money, count) if order_by == "cost" else (count, money)) + (
        (Criterion.TOKENS_PER_USER, user, -(user or 0)),
        (Criterion.TOKENS_PER_GPU, gpu, -(gpu or 0)),
        (Criterion.WEIGHTS, candidate.value("weight_precision"), candidate.weights_changed),
        (Criterion.KV, kv, -KV_PRECISIONS[kv]),
        (Criterion.ORDER, candidate.index, candidate.index))


def rank_key(candidate, position, order_by):
    return tuple(key for _, _, key in criteria(candidate, position, order_by))


def why_it_loses(candidate, winner, position, order_by):
    """(criterion, the candidate's value, the winner's) of the first criterion the winner is better on."""
    for (code, value, key), (_, best, best_key) in zip(criteria(candidate, position, order_by),
                                                       criteria(winner, position, order_by)):
        if key != best_key:
            return code, value, best
    return Criterion.ORDER, candidate.index, winner.index


def candidate_from_report(index, report, changes):
    """A candidate's figures, read from its report."""
    layout = report.layout
    gpus = layout.node_gpus
    nodes, costs, limits, per_gpu, per_user = [], [], [], [], []
    for result in report.scenarios:
        feasible = result.capacity.feasible and result.nodes_final is not None
        nodes.append(result.nodes_final if feasible else None)
        costs.append(result.values.monthly_cost_usd if feasible else None)
        limits.append(result.limit)
        node_rate, user_rate = result.values.tokens_per_s_node_load, result.values.tokens_per_s_session_load
        if node_rate is not None and feasible:
            # Disaggregated: the decode nodes deliver the tokens, every node of both pools counts.
            share = Fraction(result.values.decode_pool_nodes or result.nodes_final, result.nodes_final)
            per_gpu.append(node_rate * share / gpus)
        else:
            per_gpu.append(None)
        per_user.append(user_rate if node_rate is not None and feasible else None)
    recommended = report.scenario(RECOMMENDED)
    return Candidate(index, report.model.name, report.server.name, report.storage.name, _layout(changes),
                     Status.OK if all(n is not None for n in nodes) else Status.INFEASIBLE,
                     Unit.RACKS if layout.rack_scale else Unit.NODES, layout.instances_per_node,
                     layout.nodes_per_instance, report.options.concurrency, tuple(nodes), tuple(costs), tuple(limits),
                     recommended.capacity.sessions if recommended.capacity.feasible else None,
                     tuple(per_gpu), tuple(per_user))


def _layout(changes):
    """The candidate's values of the layout fields in its space (expert_parallel only once it is one)."""
    return tuple((field, changes[field]) for field in LAYOUT_FIELDS if field in changes)


def layout_args(candidate, problem_options):
    """The options that size a candidate alone, to add to the rest of the command line: its layout, and
    the model, server and storage when the search had several."""
    args = []
    for name, option in (("model", "--model"), ("model_config", "--model-config"), ("server", "--server"),
                         ("storage", "--storage")):
        if name in problem_options and problem_options[name] is not None:
            args += [option, str(problem_options[name])]
    for dimension in DIMENSIONS:
        value = candidate.value(dimension.field)
        if dimension.kind == ValueKind.SWITCH:
            args += [dimension.option] if value else []
        elif value is not None:
            args += [dimension.option, str(value)]
    return tuple(args)


def pareto_front(candidates, position):
    """The candidates no other beats on both tokens/s per GPU and tokens/s per user (at least as good on
    both, better on one) in scenario `position`, by tokens/s per user; of equal points, the first.

    A sweep from the most tokens/s per user down keeps each point with more tokens/s per GPU than every
    point before it (those have at least its tokens/s per user)."""
    points = sorted((c for c in candidates if c.tokens_per_s_per_gpu[position] is not None),
                    key=lambda c: (-c.tokens_per_s_per_user[position], -c.tokens_per_s_per_gpu[position], c.index))
    front, best_gpu = [], None
    for candidate in points:
        if best_gpu is None or candidate.tokens_per_s_per_gpu[position] > best_gpu:
            front.append(candidate)
            best_gpu = candidate.tokens_per_s_per_gpu[position]
    return tuple(reversed(front))


def check_demand(variants):
    for field, option in DEMAND_FIELDS:
        if field in dict(variants):
            raise InputError("err.search_demand_list", option=option)


def search(request, load):
    """Size every candidate of the space and rank them per scenario. `load(options)` gives (model, server,
    storage), memoized by the caller."""
    check_demand(request.variants)
    check_request(request)
    variants = dict(request.variants)
    problem_fields = tuple(f for f in PROBLEM_FIELDS if f in variants)
    layout_variants = tuple((f, v) for f, v in request.variants if f not in PROBLEM_FIELDS)
    request = replace(request, variants=layout_variants)
    problems, spaces = [], []
    for values in itertools.product(*(variants[f] for f in problem_fields)):
        chosen = dict(zip(problem_fields, values))
        options = replace(request.base, **chosen)
        model, server, storage = load(options)
        space = declare_space(request, model, server, options)
        problems.append((chosen, options, model, server, storage, space))
        spaces.append(space)
    total = sum(combinations_count(space) for space in spaces)
    if total > MAX_SEARCH_COMBINATIONS:
        raise InputError("err.search_too_many", n=total, maximum=MAX_SEARCH_COMBINATIONS)
    if len({server.rack_scale for _, _, _, server, _, _ in problems}) > 1 and request.order_by != "cost":
        raise InputError("err.search_units")
    order_by = request.order_by or "nodes"
    # Only the report of each scenario's best so far is kept (its commands are built from it at the end).
    leaders = [None] * len(SCENARIOS)
    candidates, skipped, refused_tp, errors, first_skipped = [], {}, set(), [], None
    for chosen, options, model, server, storage, space in problems:
        for changes, skip in combinations(space, model, server):
            if skip is not None:
                skipped[skip] = skipped.get(skip, 0) + 1
                if skip == Skip.VLLM_REFUSES:
                    refused_tp.add(changes.get("tensor_parallel"))
                first_skipped = first_skipped or (replace(options, **changes), model, server, storage)
                continue
            index = len(candidates) + 1
            try:
                # The search sizes every layout itself: a candidate needs no hint about the others.
                report = build_report(replace(options, layout_hints=False, **changes), model, server, storage)
            except InputError as error:
                errors.append(error)
                candidate = Candidate(index, model.name, server.name, storage.name, _layout(changes), ROW_ERROR,
                                      error=error.text)
            else:
                candidate = candidate_from_report(index, report, changes)
                for position, leader in enumerate(leaders):
                    if candidate.nodes[position] is not None:
                        key = rank_key(candidate, position, order_by)
                        if leader is None or key < leader[0]:
                            leaders[position] = (key, report)
            candidates.append(replace(candidate, args=layout_args(candidate, chosen)))
    if not candidates:
        if first_skipped is not None:
            build_report(*first_skipped)    # a single run of it says what is wrong (a TP that does not divide...)
        raise InputError("err.search_empty", n=total)
    if len(errors) == len(candidates):
        raise errors[0]
    standings = tuple(standing(scenario, position, candidates, leaders[position], order_by)
                      for position, scenario in enumerate(SCENARIOS))
    return Search(_union(spaces), tuple((m.name, s.name, st.name) for _, _, m, s, st, _ in problems), total,
                  tuple((code, skipped[code]) for code in Skip.ALL if code in skipped),
                  tuple(sorted(tp for tp in refused_tp if tp is not None)), tuple(candidates), standings,
                  pareto_front(candidates, [s.key for s in SCENARIOS].index(RECOMMENDED)), order_by)


def standing(scenario, position, candidates, leader, order_by):
    """One scenario's winner (whose report `leader` kept), runner-ups and commands."""
    feasible = sorted((c for c in candidates if c.nodes[position] is not None),
                      key=lambda c: rank_key(c, position, order_by))
    infeasible = sum(1 for c in candidates if c.status != ROW_ERROR and c.nodes[position] is None)
    if not feasible:
        return Standing(scenario, None, (), infeasible)
    winner = feasible[0]
    runner_ups = tuple((c,) + why_it_loses(c, winner, position, order_by) for c in feasible[1:1 + RUNNER_UPS])
    report = leader[1]
    result = report.scenario(scenario.key)
    pools = None
    if result.values.prefill_pool_nodes is not None:
        pools = (result.values.prefill_pool_nodes, result.values.decode_pool_nodes)
    return Standing(scenario, winner, runner_ups, infeasible, engine_commands(report, scenario.key), pools)


def _union(spaces):
    """Each dimension's values over every problem's space, in first-seen order (the first problem's
    source and note)."""
    union = []
    for dimensions in zip(*spaces):
        values = []
        for declared in dimensions:
            values += [v for v in declared.values if v not in values]
        union.append(replace(dimensions[0], values=tuple(values)))
    return tuple(union)
