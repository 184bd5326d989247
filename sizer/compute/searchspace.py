"""The space --search explores: a table of dimensions (one row per layout choice the tool sizes), the
values each takes by default, what fixes or declares them, and the combinations they make.

A dimension is one row of DIMENSIONS: its --search-space key, the Options field a value sets, the
option that fixes it, how its values are read and shown, and its default values for a model on a
server. Expert parallelism is a row that joins the space by itself once Options has an
`expert_parallel` field (the --expert-parallel option); until then it is left out, and the report
says so. Instances per node are not a dimension: they follow from TP x PP on the node.
"""

from __future__ import annotations      # record annotations stay text (3.8 reads `X | None`)

import itertools

from sizer.compute.engine import missing_engine_facts
from sizer.compute.memory import _instance_fits, weights_for
from sizer.engines.registry import ENGINES
from sizer.engines.vllmrules import vllm_tp_rules
from sizer.frozen import record, replace
from sizer.numbers import InputError, _choice, _option_text, parse_int_option, printable
from sizer.records import Model, Options, Server
from sizer.vocab import Join, KV_PRECISIONS, T, Text, WEIGHT_PRECISIONS

TYPE_CHECKING = False
if TYPE_CHECKING:      # names the annotations use, never imported at run time
    from collections.abc import Callable


class ValueKind:
    """How a dimension's values are read from --search-space and shown."""
    INT, SWITCH, KV, WEIGHTS, BASIS = "int", "switch", "kv", "weights", "basis"


class Source:
    """Where a dimension's values come from."""
    DEFAULT, FIXED, LIST, SPACE = "default", "fixed", "list", "search_space"


class Skip:
    """Why a combination of values is not sized: it fills no whole node (or rack domain), it repeats
    another combination (data-parallel attention or expert parallelism on one GPU), or vLLM does not
    build the model at that TP (engines/vllmrules.py)."""
    NOT_WHOLE_NODES, REPEATS, VLLM_REFUSES = "not_whole_nodes", "repeats", "vllm_refuses"
    ALL = (NOT_WHOLE_NODES, REPEATS, VLLM_REFUSES)


# Switch values as --search-space spells them.
SWITCH_WORDS = {"off": False, "on": True}
# The weights of the checkpoint as published (Options.weight_precision None).
CHECKPOINT = "checkpoint"
# Pipeline stages searched by default: powers of two up to 8 (vLLM's multi-node pipelines), at most the
# model's layers; TP x PP must still fill whole nodes, or trays of one rack.
DEFAULT_PIPELINE = (1, 2, 4, 8)
# KV precisions searched by default: fp8, the guide's default (its quality is the one the guide sizes
# for), and bf16, lossless, so that the report says what full-precision KV costs. Lower ones (nvfp4,
# int8) change the model's answers further: they are searched only when --search-space kv= names them.
DEFAULT_KV = ("fp8", "bf16")
# The most combinations one search sizes (about 2-3 ms each on this machine: under a minute).
MAX_SEARCH_COMBINATIONS = 20000


@record
class Dimension:
    key: str            # the --search-space key, and the code in logic
    field: str          # the Options field a value sets
    option: str         # the command-line option that fixes it
    kind: str           # ValueKind
    label_id: str       # its name (message id)
    defaults: Callable[[Model, Server, Options, tuple[str, ...]], tuple[tuple[bool | int | str | None, ...], Text | None]]    # f(model, server, options, allowed_weights) -> (values, note Text or None)


def _tp_defaults(model, server, options, allowed):
    return server.tensor_parallel_sizes, T("search.note.tp", server=server.name)


def _pp_defaults(model, server, options, allowed):
    return tuple(pp for pp in DEFAULT_PIPELINE if pp <= model.num_hidden_layers), T("search.note.pp")


def _dpa_defaults(model, server, options, allowed):
    if model.mla_latent_dim is None:
        return (False,), T("search.note.dpa_mla", model=model.name)
    return (False, True), None


def _moe(model):
    return bool(model.num_local_experts) and (model.num_experts_per_tok or 0) > 0


def _ep_defaults(model, server, options, allowed):
    if not _moe(model):
        return (False,), T("search.note.ep_dense", model=model.name)
    return (False, True), None


def checkpoint_precision(model):
    """The precision of the checkpoint's linear layers (None when the model gives no weights)."""
    weights = weights_for(model, None)
    return None if weights is None else weights.precision


def _weights_defaults(model, server, options, allowed):
    own = checkpoint_precision(model)
    values = (None,) + tuple(p for p in allowed if p != own)
    return values, T("search.note.weights_allowed") if allowed else T("search.note.weights")


def _kv_defaults(model, server, options, allowed):
    return DEFAULT_KV, T("search.note.kv")


def _disaggregated_defaults(model, server, options, allowed):
    if options.requests_per_second is None:
        return (False,), T("search.note.disaggregated_traffic")
    if server.rack_scale:
        return (False,), T("search.note.disaggregated_rack", server=server.name)
    if missing_engine_facts(replace(model, weights=weights_for(model, options.weight_precision)), server):
        return (False,), T("search.note.disaggregated_roofline")
    return (False, True), None


def _basis_defaults(model, server, options, allowed):
    engines = Join(tuple(code for code, engine in ENGINES.items() if engine.display_name is not None), ",")
    return (options.kv_accounting,), T("search.note.basis", engines=engines)


def _has_field(name):
    return name in Options.__annotations__


# The dimensions, in the order candidates are enumerated (the first varies slowest) and shown.
DIMENSIONS = tuple(row for row in (
    Dimension("tp", "tensor_parallel", "--tensor-parallel", ValueKind.INT, "search.dim.tp", _tp_defaults),
    Dimension("pp", "pipeline_parallel", "--pipeline-parallel", ValueKind.INT, "search.dim.pp", _pp_defaults),
    Dimension("dpa", "data_parallel_attention", "--data-parallel-attention", ValueKind.SWITCH, "search.dim.dpa",
              _dpa_defaults),
    Dimension("ep", "expert_parallel", "--expert-parallel", ValueKind.SWITCH, "search.dim.ep", _ep_defaults)
    if _has_field("expert_parallel") else None,
    Dimension("weights", "weight_precision", "--weight-precision", ValueKind.WEIGHTS, "search.dim.weights",
              _weights_defaults),
    Dimension("kv", "kv_precision", "--kv-precision", ValueKind.KV, "search.dim.kv", _kv_defaults),
    Dimension("disagg", "disaggregated", "--disaggregated", ValueKind.SWITCH, "search.dim.disagg",
              _disaggregated_defaults),
    Dimension("basis", "kv_accounting", "--kv-accounting", ValueKind.BASIS, "search.dim.basis", _basis_defaults),
) if row is not None)
DIMENSION_BY_KEY = {d.key: d for d in DIMENSIONS}
# The layout keys of a candidate (JSON search.best.<scenario>.layout): every dimension's field, with the
# ones not in the space (expert_parallel before Options has it) as null.
LAYOUT_FIELDS = ("tensor_parallel", "pipeline_parallel", "data_parallel_attention", "expert_parallel",
                 "weight_precision", "kv_precision", "disaggregated", "kv_accounting")
# The text of each skip reason (message ids).
SKIP_TEXT = {Skip.NOT_WHOLE_NODES: "search.skip.not_whole_nodes", Skip.REPEATS: "search.skip.repeats",
             Skip.VLLM_REFUSES: "search.skip.vllm_refuses"}
SOURCE_TEXT = {Source.DEFAULT: "search.source.default", Source.FIXED: "search.source.fixed",
               Source.LIST: "search.source.list", Source.SPACE: "search.source.search_space"}


def parse_value(dimension, text):
    """One value of a dimension as --search-space spells it."""
    option = "--search-space %s" % dimension.key
    if dimension.kind == ValueKind.INT:
        return parse_int_option(text, option)
    if dimension.kind == ValueKind.SWITCH:
        return SWITCH_WORDS[_choice(text, option, tuple(SWITCH_WORDS))]
    if dimension.kind == ValueKind.KV:
        return _choice(text, option, tuple(KV_PRECISIONS))
    if dimension.kind == ValueKind.WEIGHTS:
        return None if text == CHECKPOINT else _choice(text, option, (CHECKPOINT,) + tuple(WEIGHT_PRECISIONS))
    return _choice(text, option, tuple(ENGINES))


def parse_search_space(text):
    """--search-space 'tp=1,2,4;pp=1;kv=fp8,bf16' -> {key: values}, each value parsed, repeats dropped."""
    declared = {}
    keys = Join(tuple(d.key for d in DIMENSIONS))
    for item in _option_text(text).split(";"):
        item = item.strip()
        if not item:
            continue
        key, equals, values = item.partition("=")
        key = key.strip()
        if not equals:
            raise InputError("err.search_space_syntax", item=printable(item), keys=keys)
        if key not in DIMENSION_BY_KEY:
            raise InputError("err.search_space_key", key=printable(key), keys=keys)
        if key in declared:
            raise InputError("err.search_space_repeated", key=key)
        items = [value.strip() for value in values.split(",")]
        if any(not value for value in items):
            raise InputError("err.list_item", option="--search-space " + key, value=printable(values))
        parsed = []
        for value in items:
            value = parse_value(DIMENSION_BY_KEY[key], value)
            if value not in parsed:
                parsed.append(value)
        declared[key] = tuple(parsed)
    return declared


def parse_allowed_weights(text):
    """--allow-weight-precision fp8,nvfp4: the weight precisions the search may quantize the checkpoint to."""
    if text is None:
        return ()
    items = [item.strip() for item in _option_text(text).split(",")]
    if any(not item for item in items):
        raise InputError("err.list_item", option="--allow-weight-precision", value=printable(text))
    allowed = []
    for item in items:
        item = _choice(item, "--allow-weight-precision", tuple(WEIGHT_PRECISIONS))
        if item not in allowed:
            allowed.append(item)
    return tuple(allowed)


@record
class SearchRequest:
    """What the command line asks of a search."""
    base: Options                # Options (each list's first value)
    variants: tuple[tuple[str, tuple[int | str, ...]], ...]             # ((Options field, values), ...) of the options given as lists
    given: frozenset            # Options fields set on the command line
    declared: dict[str, tuple[bool | int | str | None, ...]]              # --search-space: {key: values}
    allowed_weights: tuple[str, ...]      # --allow-weight-precision
    order_by: str | None = None


def check_request(request):
    """Refuse a --search-space key that an option already fixes, and quantized weights not allowed."""
    listed = {field for field, _ in request.variants}
    for key, values in request.declared.items():
        dimension = DIMENSION_BY_KEY[key]
        if dimension.field in request.given or dimension.field in listed:
            raise InputError("err.search_space_fixed", key=key, option=dimension.option)
        if dimension.kind == ValueKind.WEIGHTS:
            for value in values:
                if value is not None and value not in request.allowed_weights:
                    raise InputError("err.search_weights_not_allowed", precision=value)


@record
class DeclaredDimension:
    """One dimension of one problem's space: its values, where they come from and why."""
    dimension: Dimension
    values: tuple[bool | int | str | None, ...]
    source: str                 # Source
    note: Text | None = None         # a Text: why the defaults are these


def declare_space(request, model, server, options):
    """The space of one model on one server: per dimension, its values and their source."""
    listed = dict(request.variants)
    space = []
    for dimension in DIMENSIONS:
        if dimension.field in listed:
            space.append(DeclaredDimension(dimension, listed[dimension.field], Source.LIST))
        elif dimension.field in request.given:
            space.append(DeclaredDimension(dimension, (getattr(options, dimension.field),), Source.FIXED))
        elif dimension.key in request.declared:
            space.append(DeclaredDimension(dimension, request.declared[dimension.key], Source.SPACE))
        else:
            values, note = dimension.defaults(model, server, options, request.allowed_weights)
            space.append(DeclaredDimension(dimension, tuple(values), Source.DEFAULT, note))
    return tuple(space)


def combinations_count(space):
    count = 1
    for declared in space:
        count *= len(declared.values)
    return count


def combinations(space, model, server):
    """Every combination of the space's values, in order: ({Options field: value}, Skip code or None)."""
    fields = tuple(d.dimension.field for d in space)
    # A switch on one GPU repeats the layout without it only when that layout is in the space too.
    repeatable = {d.dimension.field for d in space if False in d.values}
    for values in itertools.product(*(d.values for d in space)):
        changes = dict(zip(fields, values))
        yield changes, skip_reason(changes, model, server, repeatable)


def skip_reason(changes, model, server, repeatable=()):
    tp = changes.get("tensor_parallel") or server.gpus
    pp = changes.get("pipeline_parallel", 1)
    gpus = tp * pp
    fills = _instance_fits(gpus, server) and (server.rack_scale or server.gpus % tp == 0)
    if not fills:
        return Skip.NOT_WHOLE_NODES
    if (changes.get("data_parallel_attention") and tp == 1 and "data_parallel_attention" in repeatable) or \
            (changes.get("expert_parallel") and gpus == 1 and "expert_parallel" in repeatable):
        return Skip.REPEATS
    if vllm_tp_rules(model, 1 if changes.get("data_parallel_attention") else tp):
        return Skip.VLLM_REFUSES
    return None
