"""Figure: a value with its unit, its formula (values substituted), its inputs and explanation ids.
"""

from __future__ import annotations      # record annotations stay text (3.8 reads `X | None`)

from fractions import Fraction


from sizer.frozen import record
from sizer.vocab import Join, T, Text


# ---------------------------------------------------------------------------
# 6. Compute: pure functions returning frozen records. A Figure holds its value,
#    its unit, its formula (identifiers with the values substituted) and its
#    explanation as message ids with parameters: no sentence is built here.
# ---------------------------------------------------------------------------

@record
class Figure:
    key: str
    value: Fraction | int | None               # int, Fraction or None (not applicable)
    unit: str                   # a Unit code
    formula: Text
    inputs: tuple[tuple[str, Fraction | int | bool | str | Text | Join | None], ...]               # (name, value) pairs
    explanation: tuple[Text, ...]          # Texts, shown one after the other
    label: Text
    absent: Text | None = None       # why the value is None, when it is (a Text)


def figure(key, value, unit, formula, inputs, explanation, label=None, absent=None):
    if isinstance(explanation, Text):
        explanation = (explanation,)
    return Figure(key, value, unit, formula, tuple(inputs.items()), tuple(explanation),
                  label or T(FIGURE_LABELS[key]), absent)


def typed_values(cls, figures):
    """A record `cls` whose fields are figure keys, filled with those figures' values (the first of each
    key; a field whose figure is absent keeps its default, None): logic reads typed fields, and a value
    read there is the number its figure shows."""
    values = {}
    for item in figures:
        if item.key in cls._record_field_set:
            values.setdefault(item.key, item.value)
    return cls(**values)


def find(figures, key):
    """The value of the figure `key` among `figures` (None when absent)."""
    for item in figures:
        if item.key == key:
            return item.value
    return None


# A figure's label when its caller names none: figure key -> message id.
FIGURE_LABELS = {"calibration_concurrency_gap_percent": "label.calibration_concurrency_gap_percent",
                 "calibration_memory_gap_percent": "label.calibration_memory_gap_percent",
                 "solve_concurrency": "label.solve_concurrency", "solve_context": "label.solve_context",
                 "tpot_after_failure_ms": "label.tpot_after_failure_ms",
                 "ttft_prompt_s": "label.ttft_prompt_s",
                 "kv_per_session_bytes": "label.kv_per_session_bytes",
                 "kv_per_session_gib": "label.kv_per_session_gib", "hbm_total_gib": "label.hbm_total_gib",
                 "weights_per_instance_gib": "label.weights_per_instance_gib",
                 "weights_per_node_gib": "label.weights_per_node_gib",
                 "kv_budget_gib": "label.kv_budget_gib", "sessions_per_node": "label.sessions_per_node",
                 "sessions_per_node_memory": "label.sessions_per_node_memory",
                 "sessions_other_sessions_per_node": "label.sessions_other_sessions_per_node",
                 "sessions_other_sessions_per_instance": "label.sessions_other_sessions_per_instance",
                 "sessions_per_instance": "label.sessions_per_instance",
                 "sessions_per_instance_memory": "label.sessions_per_instance_memory",
                 "kv_cache_memory_gib": "label.kv_cache_memory_gib",
                 "engine_pool_tokens": "label.engine_pool_tokens",
                 "engine_swa_tokens": "label.engine_swa_tokens", "vllm_gpu_blocks": "label.vllm_gpu_blocks",
                 "vllm_max_concurrency": "label.vllm_max_concurrency",
                 "runtime_overhead_gib": "label.runtime_overhead_gib",
                 "goodput_tokens_per_s_node": "label.goodput_tokens_per_s_node",
                 "goodput_after_failure_tokens_per_s_node": "label.goodput_after_failure_tokens_per_s_node",
                 "power_kw": "label.power_kw", "monthly_cost_usd": "label.monthly_cost_usd",
                 "cost_per_million_tokens_usd": "label.cost_per_million_tokens_usd",
                 "nodes_decode": "label.nodes_decode", "nodes_throughput": "label.nodes_throughput",
                 "nodes_latency_percentile": "label.nodes_latency_percentile",
                 "serving_step_ms": "label.serving_step_ms", "serving_ttft_s": "label.serving_ttft_s",
                 "serving_tokens_per_s_node": "label.serving_tokens_per_s_node",
                 "serving_tokens_per_s_gpu": "label.serving_tokens_per_s_gpu",
                 "serving_requests_per_s_node": "label.serving_requests_per_s_node",
                 "closed_loop_step_ms": "label.closed_loop_step_ms", "closed_loop_ttft_s": "label.closed_loop_ttft_s",
                 "closed_loop_tokens_per_s_node": "label.closed_loop_tokens_per_s_node",
                 "closed_loop_tokens_per_s_gpu": "label.closed_loop_tokens_per_s_gpu",
                 "closed_loop_requests_per_s_node": "label.closed_loop_requests_per_s_node",
                 "solve_rate": "label.solve_rate", "solve_rate_tokens_per_s_gpu": "label.solve_rate_tokens_per_s_gpu",
                 "decode_demand_tokens_per_s": "label.decode_demand_tokens_per_s",
                 "nodes_prefill": "label.nodes_prefill",
                 "prefill_demand_instance_s_per_s": "label.prefill_demand_instance_s_per_s",
                 "nodes_capacity": "label.nodes_capacity",
                 "nodes_with_headroom": "label.nodes_with_headroom",
                 "decode_pool_nodes": "label.decode_pool_nodes",
                 "prefill_pool_nodes": "label.prefill_pool_nodes",
                 "nodes_aggregated": "label.nodes_aggregated", "kv_transfer_s": "label.kv_transfer_s",
                 "ttft_disaggregated_s": "label.ttft_disaggregated_s", "nodes_final": "label.nodes_final",
                 "trays_final": "label.trays_final",
                 "concurrency": "label.concurrency", "ttft_full_context_s": "label.ttft_full_context_s",
                 "weights_load_s": "label.weights_load_s",
                 "kv_restore_session_s": "label.kv_restore_session_s",
                 "sessions_restored_per_s": "label.sessions_restored_per_s",
                 "tpot_full_ms": "label.tpot_full_ms", "tpot_load_ms": "label.tpot_load_ms",
                 "tokens_per_s_session_full": "label.tokens_per_s_session_full",
                 "tokens_per_s_session_load": "label.tokens_per_s_session_load",
                 "tokens_per_s_node_full": "label.tokens_per_s_node_full",
                 "tokens_per_s_node_load": "label.tokens_per_s_node_load",
                 "failover_restore_s": "label.failover_restore_s",
                 "failover_recompute_s": "label.failover_recompute_s"}
