"""Outline: the report (or a comparison) as neutral blocks in reading order; text and Markdown
only serialize these.
"""

from __future__ import annotations      # record annotations stay text (3.8 reads `X | None`)

from fractions import Fraction


from sizer import SCHEMA_VERSION, __version__
from sizer.compute.capacity import ScenarioResult, other_basis
from sizer.compute.differences import apart
from sizer.compute.figures import Figure
from sizer.compute.memory import BLOCKERS
from sizer.compute.nodes import basis_node_counts
from sizer.display import _fixed
from sizer.engines.registry import ENGINES
from sizer.frozen import record
from sizer.model.hub import hub_id
from sizer.vocab import (Basis, Bound, CHART_COLOURS, COLUMN_TEXT, DIRECTION_TEXT, GB_BYTES, GIB_BYTES,
    INTERCONNECT_TEXT, Join, KV_PRECISIONS, LIMIT_TEXT, Level, NUMERIC_COLUMNS, ORIGIN_TEXT,
    PARAMETER_DICTIONARY, ROW_ERROR, SCENARIOS, SOLVE_TEXT, STATUS_TEXT, T, Text, UNIT_TEXT, Unit,
    scenario_label)

TYPE_CHECKING = False
if TYPE_CHECKING:      # names the annotations use, never imported at run time
    from sizer.compute.records import Alert


# ---------------------------------------------------------------------------
# 10. Outline: the report as neutral blocks, in reading order. Text and
#     Markdown serialize the same blocks (as coverage.py builds its table once
#     for report_text and report_markdown).
# ---------------------------------------------------------------------------

@record
class TitleBlock:
    title: Text
    generated: Text


@record
class SummaryBlock:
    title: Text
    lines: tuple[Join | Text, ...]


@record
class AnswerBlock(SummaryBlock):
    """The answers of --solve, set apart from the summary above them."""


@record
class SectionBlock:
    number: int
    title: Text


@record
class BulletsBlock:
    title: Text
    rows: tuple[tuple[Text, Text | Join | int | str], ...]                 # (label, value)


@record
class DictionaryBlock:
    header: tuple[Text, ...]
    rows: tuple[tuple[Text | str, ...], ...]                 # (parameter, origin, what, why, mistake)


@record
class TableBlock:
    title: Text | None               # a Text, or None
    header: tuple[Text, ...]
    rows: tuple[tuple[Text | Join | str, ...], ...]
    right_aligned: tuple[int, ...] = ()
    strong_rows: tuple[int, ...] = ()     # rows shown in bold where the format has bold


@record
class SubheadingBlock:
    title: Text


@record
class FigureBlock:
    figure: Figure


@record
class ScenarioBlock:
    result: ScenarioResult


@record
class AlertsBlock:
    alerts: tuple[Alert, ...]


@record
class ChartBlock:
    """Nodes per scenario against one numeric option (Markdown only: a Mermaid xychart-beta)."""
    title: Text
    x_label: Text
    x_values: tuple[int | str, ...]
    y_label: Text
    series: tuple[tuple[Text, tuple[Fraction | int | None, ...], str], ...]               # (label, values, colour code) per scenario; None values plot as 0
    note: Text                  # names every line and its colour (xychart has no legend)


@record
class CommandsBlock:
    """--commands: a note on the instances and the KV memory, then one entry per engine."""
    title: Text
    note: Text                # a Text, or None when the scenario is infeasible
    engines: tuple[CommandEntry, ...]              # CommandEntry per engine


@record
class CommandEntry:
    label: Text
    args: tuple[str, ...]                 # the argv (quoted by the renderer), () when refused
    refusal: Text | None = None      # a Text
    file_title: Text | None = None   # a Text naming the extra options file
    file_text: str | None = None    # its contents


SECTION_ICONS = {1: "📋", 2: "📚", 3: "🎯", 4: "⚠️"}
ALERT_ICONS = {Level.ERROR: "❌", Level.WARNING: "⚠️", Level.INFO: "ℹ️"}
RECOMMENDED_MARK = " ✅"


def summary_line(result):
    """The guide's one-line answer per scenario, e.g. 'MÍNIMO: 2 nós (sem HA, sem headroom)'."""
    scenario, params = result.scenario, result.parameters
    if result.capacity.limit in BLOCKERS + (Bound.VLLM_WOULD_NOT_START,):
        return T("summary.infeasible", label=scenario_label(result), reason=T(LIMIT_TEXT[result.capacity.limit]))
    if result.nodes_final is None:
        return T("summary.no_session", label=scenario_label(result))
    details = [T(scenario.ha_id),
               T("summary.headroom", ratio=params.peak_headroom_ratio) if params.peak_headroom_ratio
               else T("summary.no_headroom")]
    budget = [item for item in result.figures if item.key == "kv_budget_gib"]
    applies = bool(budget) and "kv_budget_ratio" in dict(budget[0].inputs)     # not with the engine's own memory
    if scenario.budget_cap is not None and applies and params.kv_budget_ratio == scenario.budget_cap:
        details.append(T("summary.budget", ratio=params.kv_budget_ratio))
    if result.values.prefill_pool_nodes is not None:
        details.append(T("summary.disaggregated", prefill=result.values.prefill_pool_nodes,
                         decode=result.values.decode_pool_nodes, aggregated=result.values.nodes_aggregated))
    line = T("summary.line", label=scenario_label(result), nodes=nodes_words(result), details=Join(tuple(details)))
    return Join((line, T("summary.use_in_production")), "") if scenario.recommended else line


def nodes_words(result):
    """A scenario's count: nodes, or racks and the trays in service on a rack-scale system."""
    trays = result.values.trays_final
    if trays is None:
        return T("count.nodes", n=result.nodes_final)
    return T("value.racks_trays", racks=T("count.racks", n=result.nodes_final), trays=T("count.trays", n=trays))


def nodes_cell(result):
    """A scenario's count in a table cell: the number of nodes, racks with their trays, or —."""
    if result.nodes_final is None:
        return "—"
    return str(result.nodes_final) if result.values.trays_final is None else nodes_words(result)


def other_basis_line(report):
    """When the other accounting basis needs another node count, the summary says so; and when vLLM's own
    memory rule gives RECOMENDADO another count than the guide's budget (more than 10% apart), that too."""
    other = other_basis(report.options.kv_accounting)
    differing = tuple(T("summary.other_basis_scenario", label=scenario_label(result),
                        nodes=T("count.nodes", n=spec if other == Basis.SPEC else engine))
                      for result, spec, engine in basis_node_counts(report)
                      if spec != engine and None not in (spec, engine))
    lines = (T("summary.other_basis", basis=other, scenarios=Join(differing)),) if differing else ()
    memory = report.engine_memory
    if memory is not None and memory.nodes is not None:
        lines += (T("summary.engine_memory", utilization=memory.utilization, nodes=T("count.nodes", n=memory.nodes)),)
    return lines


def outline(report):
    """The full report as blocks: title, summary, the guide's four sections."""
    options = report.options
    blocks = [
        TitleBlock(T("report.title"), T("report.generated", version=__version__, schema=SCHEMA_VERSION,
                                        model=model_title(report.model), server=report.server.name,
                                        storage=report.storage.name,
                                        concurrency=T("count.concurrent_sessions", n=options.concurrency),
                                        context=report.context_tokens)),
        SummaryBlock(T("report.summary"), tuple(summary_line(r) for r in report.scenarios) + other_basis_line(report)),
    ] + list(solve_blocks(report)) + list(commands_blocks(report)) + [
        SectionBlock(1, T("section.inputs")),
    ]
    blocks.extend(input_blocks(report))
    blocks.append(SectionBlock(2, T("section.dictionary")))
    blocks.append(DictionaryBlock(
        tuple(T(column) for column in ("dictionary.parameter", "dictionary.origin", "dictionary.what",
                                       "dictionary.why", "dictionary.mistake")),
        tuple((e.name, T(ORIGIN_TEXT[e.origin]), T(e.what_id), T(e.why_id), T(e.mistake_id))
              for e in PARAMETER_DICTIONARY)))
    blocks.append(SectionBlock(3, T("section.results")))
    blocks.append(comparison_table(report))
    shared = shared_scenario_figures(report)
    blocks.append(SubheadingBlock(T("common.title")))
    blocks.extend(FigureBlock(item) for item in report.common + shared)
    for result in report.scenarios:
        blocks.append(ScenarioBlock(result))
        blocks.extend(FigureBlock(item) for item in result.figures if item not in shared)
    blocks.append(SectionBlock(4, T("section.alerts")))
    blocks.append(AlertsBlock(report.alerts))
    return tuple(blocks)


def shared_scenario_figures(report):
    """Figures identical in every scenario (same value, formula and inputs): shown once."""
    first, others = report.scenarios[0], report.scenarios[1:]
    return tuple(item for item in first.figures if all(item in other.figures for other in others))


def final_count_label(result):
    """The name of the count a planner buys: final nodes, or final racks on a rack-scale system."""
    return T("comparison.nodes_final" if result.values.trays_final is None else "comparison.racks_final")


def comparison_table(report):
    scenarios = report.scenarios
    rows = []
    for item in scenarios[0].figures:
        if item.unit not in (Unit.NODES, Unit.RACKS, Unit.TRAYS, Unit.SESSIONS, Unit.GIB) or item.key == "nodes_final":
            continue
        cells = [result.value(item.key) for result in scenarios]
        rows.append((T("comparison.row", label=item.label, unit=T(UNIT_TEXT[item.unit])),)
                    + tuple("—" if value is None else _fixed(value, 2) if item.unit == Unit.GIB else str(value)
                            for value in cells))
    rows.append((final_count_label(scenarios[0]),) + tuple(
        Join((nodes_cell(r), RECOMMENDED_MARK if r.scenario.recommended else ""), "") for r in scenarios))
    return TableBlock(T("comparison.title"), (T("comparison.metric"),) + tuple(scenario_label(r) for r in scenarios),
                      tuple(rows), right_aligned=tuple(range(1, len(scenarios) + 1)), strong_rows=(len(rows) - 1,))


def input_blocks(report):
    """Section 1: model, server, storage, NFRs and runtime."""
    model, server, storage, options = report.model, report.server, report.storage, report.options
    model_rows = [
        ("row.name", model_title(model)), ("row.layers", model.num_hidden_layers),
        ("row.heads", model.num_attention_heads), ("row.kv_heads", model.num_key_value_heads),
        ("row.head_dim", model.head_dim), ("row.max_context", model.max_position_embeddings),
        ("row.sliding_window", "—" if model.sliding_window is None else model.sliding_window),
        ("row.attention_pattern", attention_description(model)),
    ]
    if model.parameters_total is not None:
        model_rows.append(("row.parameters", T("value.pair", first=model.parameters_total,
                                               second=model.parameters_active)))
    if model.num_local_experts is not None:
        model_rows.append(("row.experts", T("value.experts", experts=model.num_local_experts,
                                            per_token=model.num_experts_per_tok)))
    if model.weights is not None:
        model_rows.append(("row.weights", T("value.weights", bytes=model.weights.weights_bytes,
                                            gib=report.values.weights_per_instance_gib)))
    if model.source:
        model_rows.append(("row.source", model.source))
    server_rows = [
        ("row.name", server.name), ("row.gpus", server.gpus),
        ("row.hbm_per_gpu", T("value.quantity", value=server.hbm_per_gpu_gb, unit="GB") if server.memory_kind is None
         else T("value.memory", value=server.hbm_per_gpu_gb, kind=server.memory_kind)),
        ("row.hbm_total", T("value.hbm_total", gb=server.total_hbm_gb, gib=server.total_hbm_gb * GB_BYTES / GIB_BYTES
                            if server.rack_scale else report.values.hbm_total_gib)),
        ("row.nvlink", "—" if server.nvlink_bandwidth_tbps is None
         else T("value.quantity", value=server.nvlink_bandwidth_tbps, unit="TB/s")),
    ]
    for field, unit, row_id in (("hbm_bandwidth_tb_s", "TB/s", "row.hbm_bandwidth_tb_s"),
                                ("bf16_dense_tflops", "TFLOPS", "row.bf16_dense_tflops"),
                                ("fp8_dense_tflops", "TFLOPS", "row.fp8_dense_tflops"),
                                ("fp4_dense_tflops", "TFLOPS", "row.fp4_dense_tflops"),
                                ("nvlink_per_gpu_gb_s", "GB/s", "row.nvlink_per_gpu_gb_s")):
        if getattr(server, field) is not None:
            server_rows.append((row_id, T("value.quantity", value=getattr(server, field), unit=unit)))
    server_rows.extend(hardware_rows(server))
    storage_rows = [
        ("row.profile", T("value.profile", name=storage.name, type=storage.type)),
        ("row.iops", T("value.pair", first=storage.read_iops, second=storage.write_iops)),
        ("row.throughput", T("value.throughput_pair", read=storage.read_throughput_gb_s,
                             write=storage.write_throughput_gb_s)),
        ("row.latency", T("value.latency_pair", read=storage.read_latency_p99_ms, write=storage.write_latency_p99_ms)),
    ]
    concurrency = T("count.concurrent_sessions", n=options.concurrency)
    if options.mean_session_seconds is not None:
        concurrency = T("value.littles_law", concurrency=concurrency, rate=options.requests_per_second,
                        seconds=options.mean_session_seconds)
    elif options.requests_per_second is not None:
        concurrency = T("value.operating_point", concurrency=concurrency, rate=options.requests_per_second,
                        input=options.input_tokens, output=options.output_tokens)
    targets = tuple(T("value.target", name=name, value=value) for name, value in
                    (("TPOT", options.tpot_slo_ms), ("TTFT", options.ttft_slo_ms)) if value is not None)
    context = T("value.tokens", tokens=report.context_tokens)
    if options.effective_context != report.context_tokens:
        context = T("value.context_clamped", tokens=report.context_tokens, requested=options.effective_context)
    nfr_rows = [
        ("row.concurrency", concurrency),
        ("row.latency_targets", Join(targets) if targets else T("value.no_targets")),
        ("row.roofline", T("value.roofline", hbm=options.hbm_efficiency, mfu=options.mfu)),
        ("row.context", context),
        ("row.kv_precision", T("value.kv_precision", precision=options.kv_precision,
                               bytes=KV_PRECISIONS[options.kv_precision])),
        ("row.kv_budget_ratio", T("value.percent", ratio=options.kv_budget_ratio)),
        ("row.overhead", T("value.overhead_auto", gib=report.overhead_gib) if options.runtime_overhead_auto
         else T("value.gib", value=options.runtime_overhead_gib)),
        ("row.headroom", T("value.percent", ratio=options.peak_headroom_ratio)),
        ("row.tensor_parallel", parallelism_description(report.layout)),
        ("row.basis", basis_description(report)),
    ]
    if options.simulated:
        nfr_rows.insert(2, ("row.arrivals", arrivals_row(options)))
    return tuple(BulletsBlock(T(title), tuple((T(label), value) for label, value in rows))
                 for title, rows in (("inputs.model", model_rows), ("inputs.server", server_rows),
                                     ("inputs.storage", storage_rows), ("inputs.nfr", nfr_rows)))


def arrivals_row(options):
    """How the traffic is simulated: its arrivals, the run's length and seed, the percentile targets."""
    from sizer.compute.traffic import DEFAULT_SIMULATED_REQUESTS, arrivals_text
    targets = (T("value.targets_percentile", p=options.slo_percentile) if options.slo_percentile is not None
               else T("value.targets_steady"))
    return T("value.arrivals_row", arrivals=arrivals_text(options),
             requests=options.simulated_requests or DEFAULT_SIMULATED_REQUESTS,
             seed=1 if options.seed is None else options.seed, targets=targets)


def hardware_rows(server):
    """The scale-up interconnect, and how a rack-scale system is counted."""
    rows = []
    if server.interconnect is not None:
        kind = T(INTERCONNECT_TEXT[server.interconnect])
        rows.append(("row.interconnect", kind if server.interconnect_per_gpu_gb_s is None else T(
            "value.interconnect", kind=kind, bandwidth=server.interconnect_per_gpu_gb_s,
            direction=T(DIRECTION_TEXT[server.interconnect_direction]))))
    if server.rack_scale:
        rows.append(("row.rack", T("value.rack", trays=server.trays, tray=server.gpus_per_tray, gpus=server.gpus)))
    return rows


def model_title(model):
    """The model's name, with its Hugging Face id beside it when that is another name (the guide's
    'opt-oss-120b' is openai/gpt-oss-120b)."""
    real = hub_id(model)
    return model.name if real is None else T("value.model_name", name=model.name, real=real)


def parallelism_description(layout):
    if layout.rack_scale and layout.pipeline_parallel == 1:
        placement = (T("value.trays_per_instance", trays=T("count.trays", n=layout.nodes_per_instance))
                     if layout.spans_nodes else T("value.instances_per_tray",
                                                  instances=T("count.instances", n=layout.instances_per_node)))
        return T("value.tensor_parallel_rack", gpus=T("count.gpus", n=layout.tensor_parallel), placement=placement)
    if layout.pipeline_parallel == 1:
        return T("value.tensor_parallel", gpus=T("count.gpus", n=layout.tensor_parallel),
                 instances=T("count.instances", n=layout.instances_per_node))
    placement = (T("value.nodes_per_instance", nodes=layout.nodes_per_instance) if layout.spans_nodes
                 else T("value.instances_per_node", instances=T("count.instances", n=layout.instances_per_node)))
    return T("value.tensor_pipeline", tensor_parallel=layout.tensor_parallel, stages=layout.pipeline_parallel,
             gpus=T("count.gpus", n=layout.gpus_per_instance), placement=placement)


def attention_description(model):
    groups = Join(tuple(g.describe() for g in model.layer_groups), " + ")
    if model.mla_latent_dim is not None:
        return T("value.attention_mla", groups=groups, latent=model.mla_latent_dim)
    return T("value.attention", pattern=model.attention_pattern, groups=groups)


def basis_description(report):
    options = report.options
    pool = report.kv_by_basis[Basis.VLLM].pool
    return ENGINES[options.kv_accounting].description(options, pool)


def summary_table(report):
    """--summary-only: one row per scenario (nodes, sessions, KV, what limits it)."""
    other = other_basis(report.options.kv_accounting)
    counts = {result.scenario.key: (spec, engine) for result, spec, engine in basis_node_counts(report)}
    # The other basis's nodes, when some scenario's counts are more than 10% apart (issue 18, item 6).
    shown = any(apart(spec, engine) for spec, engine in counts.values())

    def other_nodes(result):
        pair = counts.get(result.scenario.key)
        value = None if pair is None else (pair[0] if other == Basis.SPEC else pair[1])
        return "—" if value is None else str(value)
    rows = tuple((Join((scenario_label(r), RECOMMENDED_MARK if r.scenario.recommended and r.capacity.feasible
                        else ""), ""),
                  nodes_cell(r))
                 + ((other_nodes(r),) if shown else ())
                 + (str(r.capacity.sessions) if r.capacity.limit not in BLOCKERS else "—",
                    _fixed(report.kv.gib, 2), T(LIMIT_TEXT[r.limit])) for r in report.scenarios)
    sessions = "summary_table.sessions_instance" if report.layout.spans_nodes else "summary_table.sessions"
    header = ((T("summary_table.scenario"), T("summary_table.nodes"))
              + ((T("summary_table.nodes_other", basis=other),) if shown else ())
              + tuple(T(c) for c in (sessions, "summary_table.kv", "summary_table.limit")))
    return TableBlock(None, header, rows, right_aligned=(1, 2, 3, 4) if shown else (1, 2, 3))


def solve_blocks(report):
    """The answers of --solve, one line per scenario, right after the summary."""
    if report.solve is None:
        return ()
    kind = report.solve[0]
    return (AnswerBlock(report.scenarios[0].figures[0].label, tuple(
        T("solve.line", label=result.figures[0].label, value=Join((
            T(SOLVE_TEXT[kind][3], n=result.figures[0].value, scenario=scenario_label(result),
              tokens=result.figures[1].value),
            solve_zero_reason(report, result)), "")) for result in report.scenarios)),)


def solve_zero_reason(report, result):
    """Why --nodes hold nothing in a scenario: the nodes even one session needs there, and, when an instance
    spans nodes, that the scenario's HA reserve is whole instances (issue 18, item 8)."""
    inputs = dict(result.figures[0].inputs)
    if result.figures[0].value or "needed_nodes" not in inputs:
        return ""
    layout, needed = report.layout, inputs["needed_nodes"]
    if needed is None:
        return T("solve.zero_infeasible")
    if layout.spans_nodes:
        return T("solve.zero_spanning", needed=needed, span=layout.nodes_per_instance,
                 spares=result.scenario.ha_extra_nodes)
    return T("solve.zero", needed=needed)


def commands_blocks(report):
    """The engine commands of --commands, right after the summary."""
    commands = report.commands
    if commands is None:
        return ()
    return (commands_block(commands, scenario_label(report.scenario(commands.scenario))),)


def commands_block(commands, label):
    """One scenario's engine commands (a Commands record) as a block titled with the scenario's `label`."""
    note = None
    if commands.kv_bytes_per_gpu is not None:
        source = T("commands.source_utilization" if commands.memory_from_utilization else "commands.source_budget")
        gpus = T("count.gpus", n=commands.gpus_per_instance)
        note = (T("commands.per_instance_spanning", gpus=gpus, nodes=commands.nodes_per_instance,
                  bytes=commands.kv_bytes_per_gpu, source=source) if commands.nodes_per_instance > 1 else
                T("commands.per_instance", gpus=gpus, instances=commands.instances_per_node,
                  bytes=commands.kv_bytes_per_gpu, source=source))
    entries = []
    for command in commands.engines:
        release = command.release
        if command.refusal is not None:
            entries.append(CommandEntry(T("commands.refused", engine=release.display_name, release=release.release,
                                          reason=command.refusal), (), command.refusal))
            continue
        entries.append(CommandEntry(
            T("commands.engine", engine=release.display_name, release=release.release), command.args,
            file_title=None if command.extra_options_yaml is None else T("commands.yaml_file", file=command.args[-1]),
            file_text=command.extra_options_yaml))
    return CommandsBlock(T("commands.title", scenario=label), note, tuple(entries))


# --- Comparisons: one table, in text, Markdown (with a chart), JSON and CSV ---

def comparison_outline(comparison):
    """A comparison as blocks: what stays fixed, one row per configuration, the chart when one numeric
    option varies alone, and the reasons of error rows."""
    blocks = [TitleBlock(T("compare.title"), T("compare.generated", version=__version__, n=len(comparison.rows),
                                                  varying=Join(tuple(T(COLUMN_TEXT[c]) for c in comparison.varying))))]
    if comparison.fixed:
        blocks.append(BulletsBlock(T("compare.fixed"), tuple((T(COLUMN_TEXT[column]), _cell(column, value))
                                                            for column, value in comparison.fixed)))
    blocks.append(comparison_rows_table(comparison))
    chart = comparison_chart(comparison)
    if chart is not None:
        blocks.append(chart)
    errors = tuple((T("compare.row_number", n=index + 1), row.error) for index, row in enumerate(comparison.rows)
                   if row.status == ROW_ERROR)
    if errors:
        blocks.append(BulletsBlock(T("compare.errors"), errors))
    alerts = tuple((T("compare.row_number", n=index + 1),
                    Join(tuple(T("compare.alert_code", icon=ALERT_ICONS[level], code=code) for level, code in row.alerts)))
                   for index, row in enumerate(comparison.rows) if row.alerts)
    if alerts:
        blocks.append(BulletsBlock(T("compare.alerts_title"), alerts))
    return blocks


# The alert levels in the order a row counts them, with the words of each count.
ALERT_COUNT_TEXT = ((Level.ERROR, "count.alert_errors"), (Level.WARNING, "count.alert_warnings"),
                    (Level.INFO, "count.alert_infos"))


def alert_counts(row):
    """A row's alerts as counts per level ('1 error, 2 warnings'), or '—'."""
    parts = tuple(T(message_id, n=row.alert_count(level)) for level, message_id in ALERT_COUNT_TEXT
                  if row.alert_count(level))
    return Join(parts) if parts else "—"


def context_sized(comparison):
    """Whether a row sized another context than the one it asked for (the model's maximum is smaller)."""
    return any(row.context_tokens is not None and row.context_tokens != row.value("effective_context")
               for row in comparison.rows)


def _cell(column, value):
    return "—" if value is None else str(value)


def comparison_rows_table(comparison):
    scenarios = tuple(T(scenario.label_id) for scenario in SCENARIOS)
    sized = context_sized(comparison)
    header = (T("compare.row"),) + tuple(T(COLUMN_TEXT[c]) for c in comparison.varying) + (
        (T("compare.context_sized"),) if sized else ()) + scenarios + tuple(
        T(c) for c in ("compare.sessions", "compare.kv", "compare.limit", "compare.status", "compare.cost",
                       "compare.alerts"))
    rows = []
    for index, row in enumerate(comparison.rows):
        rows.append((str(index + 1),) + tuple(_cell(c, row.value(c)) for c in comparison.varying)
                    + ((_cell("effective_context", row.context_tokens),) if sized else ())
                    + tuple(_cell("nodes", n) for n in row.nodes)
                    + (_cell("sessions", row.sessions),
                       "—" if row.kv_gib is None else _fixed(row.kv_gib, 2),
                       T(LIMIT_TEXT[row.limit]) if row.limit else "—", T(STATUS_TEXT[row.status]),
                       "—" if row.monthly_cost_usd is None else _fixed(row.monthly_cost_usd, 2), alert_counts(row)))
    first = 1 + len(comparison.varying) + (1 if sized else 0)
    numeric = (0,) + tuple(1 + i for i, c in enumerate(comparison.varying) if c in NUMERIC_COLUMNS) + (
        (first - 1,) if sized else ())
    return TableBlock(T("compare.table"), header, tuple(rows),
                      right_aligned=numeric + tuple(range(first, first + 5)) + (first + 7,))


def comparison_chart(comparison):
    """When exactly one numeric option varies, nodes per scenario against it."""
    if len(comparison.varying) != 1 or comparison.varying[0] not in NUMERIC_COLUMNS:
        return None
    column = comparison.varying[0]
    return ChartBlock(T("compare.chart_title"), T(COLUMN_TEXT[column]),
                      tuple(row.value(column) for row in comparison.rows), T("compare.chart_nodes"),
                      tuple((T(scenario.label_id), tuple(row.nodes[i] for row in comparison.rows),
                             CHART_COLOURS[scenario.key][0]) for i, scenario in enumerate(SCENARIOS)),
                      T("compare.chart_note", lines=Join(tuple(
                          T("compare.chart_line", scenario=T(scenario.label_id), colour=T(CHART_COLOURS[scenario.key][1]))
                          for scenario in SCENARIOS))))
