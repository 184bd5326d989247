"""JSON: the versioned document (schema_version), for a report and for a comparison.
"""

import json
from fractions import Fraction

from sizer import SCHEMA_VERSION, __version__
from sizer.compute.commands import TRTLLM_OPTIONS_FILE
from sizer.compute.cost import CURRENCY
from sizer.frozen import asdict
from sizer.i18n import say
from sizer.model.hub import hub_id
from sizer.outline import attention_description, summary_line
from sizer.vocab import (DEFAULT_LANGUAGE, Join, KV_PRECISIONS, Level, ORIGIN_TEXT, PARAMETER_DICTIONARY,
    SCENARIOS, T, Text, scenario_label)


def _json_number(value):
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else float(value)
    return value


def _json_ready(value, lang):
    """Plain JSON data: exact numbers as JSON numbers, words in the language."""
    if isinstance(value, dict):
        return {k: _json_ready(v, lang) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v, lang) for v in value]
    if isinstance(value, (Text, Join)):
        return say(value, lang)
    return _json_number(value)


def model_details(report):
    model = report.model
    return {
        "name": model.name, "hub_id": hub_id(model), "model_type": model.model_type, "num_hidden_layers": model.num_hidden_layers,
        "num_attention_heads": model.num_attention_heads, "num_key_value_heads": model.num_key_value_heads,
        "head_dim": model.head_dim, "max_position_embeddings": model.max_position_embeddings,
        "sliding_window": model.sliding_window, "kv_format": "mla" if model.mla_latent_dim is not None else "attention",
        "mla_latent_dim": model.mla_latent_dim, "attention_pattern": model.attention_pattern,
        "derivation": list(model.derivation), "description": model.description, "source": model.source,
        "aliases": list(model.aliases), "total_parameters": model.total_parameters,
        "active_parameters": model.active_parameters, "weights_bytes": model.weights_bytes,
        "weight_precision": model.weight_precision, "num_local_experts": model.num_local_experts,
        "num_experts_per_tok": model.num_experts_per_tok,
        "weights": None if model.weights is None else {"weights_bytes": model.weights.weights_bytes,
                                                        "formula": model.weights.formula,
                                                        "precision": model.weights.precision},
        "parameter_count": None if model.parameters is None else dict(
            asdict(model.parameters), total=model.parameters.total, active=model.parameters.active),
        "layer_groups": [g.details() for g in model.layer_groups],
        "attention_description": attention_description(model),
    }


# The server's host-memory facts appear where the host-memory KV tier uses them (--kv-offloading-size).
HOST_FIELDS = ("host_memory_gb", "host_link_gb_s", "host_source")


def server_details(report):
    details = asdict(report.server)
    if report.options.kv_offloading_size_gib is None:
        for field in HOST_FIELDS:
            del details[field]
    return details


def traffic_inputs(options):
    """inputs.traffic: the options of traffic as it arrives, when one of them is given (absent otherwise)."""
    given = (options.simulated or options.prefix_cache_hit_rate is not None
             or options.shared_prefix_tokens is not None or options.kv_offloading_size_gib is not None)
    if not given:
        return None
    trace = options.traffic_trace
    return {"simulated": options.simulated,
            "arrivals": "trace" if trace is not None else "gamma" if options.burstiness not in (None, 1) else "poisson",
            "burstiness": options.burstiness, "traffic_trace": None if trace is None else trace.path,
            "simulated_requests": options.simulated_requests, "seed": options.seed,
            "slo_percentile": options.slo_percentile,
            "input_lengths": None if options.input_lengths is None else options.input_lengths.text,
            "output_lengths": None if options.output_lengths is None else options.output_lengths.text,
            "prefix_cache_hit_rate": options.prefix_cache_hit_rate,
            "shared_prefix_tokens": options.shared_prefix_tokens,
            "kv_offloading_size_gib": options.kv_offloading_size_gib}


def report_document(report, lang=DEFAULT_LANGUAGE):
    """The JSON document: raw numbers, a unit and the rationale beside every result."""
    options = report.options
    inputs = {
        "model": report.model.name, "server": report.server.name, "storage": report.storage.name,
        "concurrency": options.concurrency, "effective_context": report.context_tokens,
        "effective_context_requested": options.effective_context, "kv_precision": options.kv_precision,
        "kv_bytes_per_element": KV_PRECISIONS[options.kv_precision], "kv_budget_ratio": options.kv_budget_ratio,
        "runtime_overhead_gib": report.overhead_gib, "runtime_overhead_auto": options.runtime_overhead_auto,
        "peak_headroom_ratio": options.peak_headroom_ratio,
        "kv_accounting": options.kv_accounting, "tensor_parallel": report.tensor_parallel,
        "instances_per_node": report.instances_per_node, "pipeline_parallel": report.layout.pipeline_parallel,
        "nodes_per_instance": report.layout.nodes_per_instance,
        "data_parallel_attention": options.data_parallel_attention, "expert_parallel": options.expert_parallel,
        "weight_precision": options.weight_precision, "block_size": options.block_size,
        "max_num_batched_tokens": options.max_num_batched_tokens, "max_num_seqs": options.max_num_seqs,
        "disaggregated": options.disaggregated, "kv_transfer_gb_s": options.kv_transfer_gb_s,
        "page_size": options.page_size, "swa_full_tokens_ratio": options.swa_full_tokens_ratio,
        "tokens_per_block": options.tokens_per_block,
        "requests_per_second": options.requests_per_second, "mean_session_seconds": options.mean_session_seconds,
        "hbm_efficiency": options.hbm_efficiency, "mfu": options.mfu, "decode_mfu": options.decode_mfu,
        "tpot_slo_ms": options.tpot_slo_ms,
        "ttft_slo_ms": options.ttft_slo_ms, "roofline_missing_facts": list(report.roofline_missing),
        "vllm_version": "%d.%d" % options.vllm_version, "input_tokens": options.input_tokens,
        "output_tokens": options.output_tokens,
        "calibrate_from": None if options.calibration is None else options.calibration.path,
        "model_details": model_details(report), "server_details": server_details(report),
        "storage_details": asdict(report.storage),
    }
    traffic = traffic_inputs(options)
    if traffic is not None:
        inputs["traffic"] = traffic
    scenarios = {}
    for result in report.scenarios:
        figures = report.common + result.figures
        scenarios[result.scenario.key] = {
            "label": scenario_label(result), "usage": T(result.scenario.usage_id),
            "parameters": asdict(result.parameters),
            "results": {f.key: f.value for f in figures},
            "rationale": {f.key: {"formula": f.formula, "inputs": dict(f.inputs),
                                  "explanation": " ".join(say(part, lang) for part in f.explanation)}
                          for f in figures},
            "summary": summary_line(result),
            "units": {f.key: f.unit for f in figures},
            "feasible": result.capacity.feasible,
            "limit": result.limit,
        }
    dictionary = {e.name: {"what": T(e.what_id), "origin": T(ORIGIN_TEXT[e.origin]),
                           "why_it_matters": T(e.why_id), "common_mistake": T(e.mistake_id)}
                  for e in PARAMETER_DICTIONARY}
    document = {"schema_version": SCHEMA_VERSION, "tool": {"name": "sizing", "version": __version__},
                "status": report.status, "language": lang, "inputs": inputs, "parameter_dictionary": dictionary,
                "scenarios": scenarios,
                "alerts": [{"level": a.level, "code": a.code, "message": a.message} for a in report.alerts]}
    if report.commands is not None:
        document["commands"] = commands_document(report.commands)
    if report.solve is not None:
        document["solve"] = {"question": report.solve[0], "nodes": report.solve[1],
                             "answers": {result.scenario.key: result.figures[0].value for result in report.scenarios}}
        if report.solve[0] == "rate":
            document["solve"]["output_tokens_per_s_per_gpu"] = {result.scenario.key: result.figures[1].value
                                                                for result in report.scenarios}
    return _json_ready(document, lang)


def commands_document(commands):
    """--commands: each engine's argv (TensorRT-LLM's with its extra options YAML), null when the
    engine cannot run the deployment (`refused` says why), and the releases they follow."""
    document = {"scenario": commands.scenario, "instances_per_node": commands.instances_per_node,
                "nodes_per_instance": commands.nodes_per_instance,
                "kv_cache_bytes_per_gpu": commands.kv_bytes_per_gpu,
                "releases": {c.release.engine: c.release.release for c in commands.engines}}
    for command in commands.engines:
        value = list(command.args) if command.refusal is None else None
        if value is not None and command.extra_options_yaml is not None:
            value = {"args": value, "extra_options_file": TRTLLM_OPTIONS_FILE,
                     "extra_options_yaml": command.extra_options_yaml}
        document[command.release.engine] = value
    document["refused"] = {c.release.engine: c.refusal for c in commands.engines if c.refusal is not None}
    return document


def render_json(report, lang=DEFAULT_LANGUAGE):
    return json.dumps(report_document(report, lang), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def comparison_document(comparison, lang=DEFAULT_LANGUAGE):
    rows = []
    for row in comparison.rows:
        item = dict(row.config)
        item.update(nodes=dict(zip((s.key for s in SCENARIOS), row.nodes)), sessions_per_node=row.sessions,
                    kv_per_session_gib=row.kv_gib, limit=row.limit, status=row.status,
                    monthly_cost_usd=row.monthly_cost_usd, power_kw=row.power_kw,
                    error=None if row.error is None else row.error,
                    effective_context_sized=row.context_tokens,
                    alerts=[{"level": level, "code": code} for level, code in row.alerts],
                    alert_counts={level: row.alert_count(level) for level in (Level.ERROR, Level.WARNING, Level.INFO)})
        rows.append(item)
    return {"schema_version": SCHEMA_VERSION, "tool": {"name": "sizing", "version": __version__},
            "status": comparison.status, "language": lang, "currency": CURRENCY,
            "varying": list(comparison.varying), "fixed": dict(comparison.fixed), "order_by": comparison.order_by,
            "comparison": rows}


def render_comparison_json(comparison, lang=DEFAULT_LANGUAGE):
    return json.dumps(_json_ready(comparison_document(comparison, lang), lang), ensure_ascii=False, indent=2) + "\n"
