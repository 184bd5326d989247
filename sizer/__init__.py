"""sizer: how many GPU servers an LLM deployment needs (the package behind sizing.py).

Data flows one way: inputs -> model -> engines -> compute -> report -> alerts -> outline ->
renderers -> CLI. README_v2.md has the map of the modules.
"""


__version__ = "2.3.0"
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
SCHEMA_VERSION = "2.3"
