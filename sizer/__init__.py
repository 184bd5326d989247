"""sizer: how many GPU servers an LLM deployment needs (the package behind sizing.py).

Data flows one way: inputs -> model -> engines -> compute -> report -> alerts -> outline ->
renderers -> CLI. README_v2.md has the map of the modules.
"""


__version__ = "2.4.0"
# JSON schema history (the README keeps the same list):
#   2.0  the guide's document: inputs, parameter_dictionary, scenarios, alerts.
#   2.1  adds top-level `status` (ok | infeasible) and `language`, and per scenario
#        `units` (figure key -> unit code) beside `results`; messages, labels and
#        explanations follow --lang. No key of 2.0 was removed or renamed.
#   2.2  adds top-level `solve` (question, nodes, answers per scenario) with --solve; inputs `vllm_version`, `calibrate_from`, `decode_mfu`, `input_tokens` and
#        `output_tokens`; the limits `prefill`
#        and `vllm_would_not_start`; the units "%" (calibration gaps) and "instance-s/s"
#        (prefill demand); state layer kinds `mamba` and `linear_attention`
#        in model_details.layer_groups. No key of 2.1 was removed or renamed.
#   2.3  kv_accounting takes `sglang` and `trtllm`; results `engine_pool_tokens` and
#        `engine_swa_tokens` (unit "tokens") on those bases; inputs `page_size`,
#        `swa_full_tokens_ratio`, `tokens_per_block`, `disaggregated` and `kv_transfer_gb_s`;
#        with traffic in tokens `decode_demand_tokens_per_s`, `nodes_decode` and the limit
#        `decode`; with a TPOT target the goodput figures; with --disaggregated the pools,
#        `nodes_aggregated`, `kv_transfer_s` and `ttft_disaggregated_s`; with a price or a
#        power `monthly_cost_usd`, `power_kw`, `cost_per_million_tokens_usd`; and a separate
#        document for comparisons (`comparison`, `varying`, `fixed`, `order_by`, `currency`).
#        No key of 2.2 was removed or renamed.
#   2.4  inputs `expert_parallel`; model_details `hub_id` and `parameter_count.vision_encoder`;
#        server_details `fp4_dense_tflops`, `memory_kind`, `interconnect`, `interconnect_per_gpu_gb_s`,
#        `interconnect_direction`, `gpus_per_tray`, `visible_memory_source`, `use`, `source_date`,
#        `cost_date`, `power_date`; results `nodes_throughput`, `serving_step_ms`, `serving_ttft_s`,
#        `serving_tokens_per_s_node`, `serving_tokens_per_s_gpu`, `serving_requests_per_s_node`,
#        `closed_loop_step_ms`, `closed_loop_ttft_s`, `closed_loop_tokens_per_s_node`,
#        `closed_loop_tokens_per_s_gpu`, `closed_loop_requests_per_s_node`, `solve_rate`,
#        `solve_rate_tokens_per_s_gpu`, `trays_final` (rack-scale); the limit `throughput`; the units
#        "requests/s", "racks" (node counts on a rack-scale server) and "trays"; rationale inputs of the
#        rack plan (`instances`, `instances_per_rack`, `instances_with_headroom`, `ha_spare_trays_per_rack`,
#        `ha_extra_instances`, `spare_trays`, `idle_trays`, `trays_per_rack`), of the TPOT
#        (`gpus_per_stage`, `attention_groups`, `gpu_decode_flops_s`, `interconnect_bytes_s_per_direction`),
#        of the operating point (`chunk_steps`, `steps`, `step_ms`, `max_num_batched_tokens`), of the KV
#        (`kv_bytes_per_token_per_layer`), of a rebuilt calibration (`log_gpu_memory_gib`, ...) and of the
#        cost per token served (`requests_per_second`, `output_tokens`); layer kinds `sparse_mla_attention`
#        and `kimi_delta_attention`, attention patterns `dsa` and `kda`; `solve.question` `rate` with
#        `solve.output_tokens_per_s_per_gpu`; top-level `commands` with --commands; comparison rows
#        `effective_context_sized`, `alerts`, `alert_counts` (CSV `effective_context_sized`,
#        `alerts_error`, `alerts_warning`, `alerts_info`, `alert_codes`); the --search document (`search`)
#        and its CSV; --list servers `items[].use` and `fields`; alert codes `tensor_parallel_over_pcie`,
#        `throughput_bound`, `calibration_rebuilt`, `log_model_by_architecture`, `engine_memory_gap`,
#        `data_parallel_attention_gain`, `kv_precision_assumed`, `runtime_overhead_default_wasteful`,
#        `option_no_effect`. Traffic as it arrives (issue 22; only with its options): inputs `traffic`
#        (`simulated`, `arrivals` poisson | gamma | trace, `burstiness`, `traffic_trace`, `simulated_requests`,
#        `seed`, `slo_percentile`, `input_lengths`, `output_lengths`, `prefix_cache_hit_rate`,
#        `shared_prefix_tokens`, `kv_offloading_size_gib`); server_details `host_memory_gb`, `host_link_gb_s`,
#        `host_source` (with --kv-offloading-size); results `ttft_idle_ms`, `tpot_idle_ms`,
#        `context_p99_tokens`, `context_in_flight_tokens`, `simulated_requests_per_s_instance`,
#        `ttft_{mean,p50,p90,p95,p99}_ms` and `tpot_{mean,p50,p90,p95,p99}_ms` (p95 with --slo-percentile 95),
#        `queue_mean_requests`, `batch_mean_requests`, `preempted_percent`, `nodes_latency_percentile`,
#        `prefix_cached_tokens`, `shared_prefix_bytes_per_node`, `host_kv_sessions_per_node`,
#        `kv_restore_host_ms`, `prefix_restore_host_ms`, `sessions_with_host_per_node`; rationale input
#        `cached_tokens` of `ttft_prompt_s`; the limit `latency_percentile`; the unit "requests"; alert codes
#        `percentile_unreachable`, `context_tail`. No key of 2.3 was removed or renamed.
SCHEMA_VERSION = "2.4"
