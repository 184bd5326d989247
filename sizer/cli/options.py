"""Parsed arguments -> one validated, frozen Options.
"""

from sizer.cli.parser import DefaultValue, default_catalog, parse_vllm_version
from sizer.engines.registry import ENGINES
from sizer.numbers import (AUTO, InputError, MAX_INPUT, MIN_EFFICIENCY, _choice, _mamba_dtype_option,
    _option_text, _speculative_tokens_option, cdiv, parse_fraction_option, parse_int_option)
from sizer.compute.lengths import in_flight_context, parse_lengths, trace_lengths
from sizer.records import Options
from sizer.tracefile import load_trace
from sizer.vocab import KV_PRECISIONS, LANGUAGES, SOLVE_KINDS, SPECULATIVE, WEIGHT_PRECISIONS

SLO_PERCENTILES = ("50", "90", "95", "99")
MAX_BURSTINESS = 10             # a coefficient of variation beyond this is a typo (Poisson is 1)
MIN_SIMULATED_REQUESTS = 100
MAX_SIMULATED_REQUESTS = 1000000


def options_from_args(args):
    """Validate every option; returns Options with exact numbers."""
    if isinstance(args.model_config, list):         # --model-config may be repeated (a comparison)
        configs = model_config_values(args.model_config)
        if len(configs) > 1:        # a comparison's configs are split by compared_values first
            raise InputError("err.repeated_option", option="--model-config")
        args.model_config = configs[0]
    for name, value in vars(args).items():
        if isinstance(value, list):
            setattr(args, name, _option_text(value))
    lang = _choice(args.lang, "--lang", LANGUAGES)
    if (args.model is None) == (args.model_config is None):
        raise InputError("err.model_or_config")
    question = None if args.solve is None else _choice(_option_text(args.solve), "--solve", SOLVE_KINDS)
    if (question is None) != (args.nodes is None):
        raise InputError("err.solve_nodes")
    if question is not None and (args.requests_per_second is not None or args.mean_session_seconds is not None):
        raise InputError("err.solve_traffic")
    if question == "concurrency" and args.concurrency is None:
        args.concurrency = "1"      # searched for
    if question == "context" and args.effective_context is None:
        args.effective_context = "1"    # searched for
    tokens = (args.input_tokens, args.output_tokens)
    trace = None
    if args.traffic_trace is not None:
        if tokens != (None, None):
            raise InputError("err.trace_lengths")
        if question is not None:
            raise InputError("err.simulation_solve")
        trace = load_trace(_option_text(args.traffic_trace))
        tokens = (trace.path, trace.path)       # the trace's columns
    if question == "rate":
        if None in tokens:
            raise InputError("err.solve_rate_tokens")
        if args.concurrency is not None:
            raise InputError("err.solve_rate_concurrency")
        args.concurrency = "1"      # the rate is searched for
    # The requests' tokens come with a rate, or both with a concurrency (the closed-loop question).
    if tokens != (None, None) and args.requests_per_second is None and trace is None \
            and (args.concurrency is None or None in tokens):
        raise InputError("err.tokens_need_traffic")
    input_lengths, output_lengths = request_lengths(args, trace)
    input_tokens = None if input_lengths is None else int(cdiv(input_lengths.mean, 1))
    output_tokens = None if output_lengths is None else int(cdiv(output_lengths.mean, 1))
    solve = args.mean_session_seconds is None and None not in tokens
    for option, value in (("--server", args.server),
                          ("--effective-context", args.effective_context if None in tokens else "derived")):
        if value is None:
            raise InputError("err.required", option=option)
    traffic = (args.requests_per_second if trace is None else trace.path, args.mean_session_seconds)
    if args.concurrency is None and None in traffic and not solve:
        raise InputError("err.concurrency_or_traffic")
    if args.concurrency is not None and traffic != (None, None):
        raise InputError("err.concurrency_and_traffic")
    rate = seconds = None
    if args.concurrency is None:
        rate = trace.rate if args.requests_per_second is None else parse_fraction_option(
            args.requests_per_second, "--requests-per-second", minimum=0, minimum_inclusive=False)
        concurrency = None      # the operating point, solved with the roofline
        if not solve:
            seconds = parse_fraction_option(args.mean_session_seconds, "--mean-session-seconds", minimum=0,
                                            minimum_inclusive=False)
            concurrency = int(cdiv(rate * seconds, 1))
            if concurrency > MAX_INPUT:
                raise InputError("err.traffic_bound", value=rate * seconds)
    else:
        concurrency = parse_int_option(args.concurrency, "--concurrency")
    if args.effective_context is not None:
        effective_context = parse_int_option(args.effective_context, "--effective-context")
    elif input_lengths.is_distribution or output_lengths.is_distribution:
        # The sessions in flight, each at its final context, weighed by the time they stay.
        effective_context = int(cdiv(in_flight_context(input_lengths, output_lengths), 1))
    else:
        effective_context = input_tokens + output_tokens

    if args.node_price is not None and args.node_cost_per_hour is not None:
        raise InputError("err.cost_basis")

    def optional_positive(text, option):
        if text is None:
            return None
        return parse_fraction_option(text, option, minimum=0, minimum_inclusive=False)

    return check_simulation(Options(
        model=args.model, model_config=args.model_config, server=args.server, storage=args.storage,
        concurrency=concurrency, requests_per_second=rate, mean_session_seconds=seconds,
        tpot_slo_ms=optional_positive(args.tpot_slo_ms, "--tpot-slo-ms"),
        ttft_slo_ms=optional_positive(args.ttft_slo_ms, "--ttft-slo-ms"),
        hbm_efficiency=parse_fraction_option(args.hbm_efficiency, "--hbm-efficiency", minimum=MIN_EFFICIENCY,
                                             maximum=1),
        mfu=parse_fraction_option(args.mfu, "--mfu", minimum=MIN_EFFICIENCY, maximum=1),
        decode_mfu=parse_fraction_option(args.decode_mfu, "--decode-mfu", minimum=MIN_EFFICIENCY, maximum=1),
        effective_context=effective_context, input_tokens=input_tokens, output_tokens=output_tokens,
        disaggregated=args.disaggregated,
        node_cost_per_hour=optional_positive(args.node_cost_per_hour, "--node-cost-per-hour"),
        node_price=optional_positive(args.node_price, "--node-price"),
        power_cost_per_kwh=optional_positive(args.power_cost_per_kwh, "--power-cost-per-kwh"),
        amortization_months=parse_int_option(args.amortization_months, "--amortization-months"),
        amortization_default=isinstance(args.amortization_months, DefaultValue),
        kv_transfer_gb_s=parse_fraction_option(args.kv_transfer_gb_s, "--kv-transfer-gb-s", minimum=0,
                                               minimum_inclusive=False),
        input_lengths=input_lengths, output_lengths=output_lengths, traffic_trace=trace,
        burstiness=None if args.burstiness is None else parse_fraction_option(
            args.burstiness, "--burstiness", minimum=0, minimum_inclusive=False, maximum=MAX_BURSTINESS),
        simulated_requests=None if args.simulated_requests is None else parse_int_option(
            args.simulated_requests, "--simulated-requests", minimum=MIN_SIMULATED_REQUESTS),
        seed=None if args.seed is None else parse_int_option(args.seed, "--seed", minimum=0),
        slo_percentile=None if args.slo_percentile is None else int(_choice(
            _option_text(args.slo_percentile), "--slo-percentile", SLO_PERCENTILES)),
        prefix_cache_hit_rate=None if args.prefix_cache_hit_rate is None else parse_fraction_option(
            args.prefix_cache_hit_rate, "--prefix-cache-hit-rate", minimum=0, maximum=1),
        shared_prefix_tokens=None if args.shared_prefix_tokens is None else parse_int_option(
            args.shared_prefix_tokens, "--shared-prefix-tokens"),
        kv_offloading_size_gib=None if args.kv_offloading_size is None else parse_fraction_option(
            args.kv_offloading_size, "--kv-offloading-size", minimum=0, minimum_inclusive=False),
        solve=question, nodes=None if args.nodes is None else parse_int_option(args.nodes, "--nodes"),
        kv_precision=str(_choice(args.kv_precision, "--kv-precision", KV_PRECISIONS)),
        kv_precision_default=isinstance(args.kv_precision, DefaultValue),
        runtime_overhead_default=isinstance(args.runtime_overhead_gib, DefaultValue),
        kv_budget_ratio=parse_fraction_option(args.kv_budget_ratio, "--kv-budget-ratio", minimum=0,
                                              minimum_inclusive=False, maximum=1),
        runtime_overhead_gib=(None if _option_text(args.runtime_overhead_gib) == AUTO else
                              parse_fraction_option(args.runtime_overhead_gib, "--runtime-overhead-gib", minimum=0)),
        runtime_overhead_auto=_option_text(args.runtime_overhead_gib) == AUTO,
        weight_precision=(None if args.weight_precision is None
                          else _choice(args.weight_precision, "--weight-precision", WEIGHT_PRECISIONS)),
        pipeline_parallel=parse_int_option(args.pipeline_parallel, "--pipeline-parallel"),
        data_parallel_attention=args.data_parallel_attention, expert_parallel=args.expert_parallel,
        disable_hybrid_kv_cache_manager=args.disable_hybrid_kv_cache_manager,
        allow_chunked_hybrid=args.allow_chunked_hybrid,
        vllm_version=parse_vllm_version(args.vllm_version), async_scheduling=args.async_scheduling,
        speculative=None if args.speculative is None else _choice(args.speculative, "--speculative", SPECULATIVE),
        num_speculative_tokens=_speculative_tokens_option(args),
        draft_model=_draft_model_option(args),
        mamba_cache_dtype=_mamba_dtype_option(args.mamba_cache_dtype, "--mamba-cache-dtype"),
        mamba_ssm_cache_dtype=_mamba_dtype_option(args.mamba_ssm_cache_dtype, "--mamba-ssm-cache-dtype"),
        enable_prefix_caching=args.enable_prefix_caching,
        gpu_memory_utilization=(None if args.gpu_memory_utilization is None else parse_fraction_option(
            args.gpu_memory_utilization, "--gpu-memory-utilization", minimum=0, minimum_inclusive=False, maximum=1)),
        kv_cache_memory_bytes=(None if args.kv_cache_memory_bytes is None
                               else parse_int_option(args.kv_cache_memory_bytes, "--kv-cache-memory-bytes")),
        peak_headroom_ratio=parse_fraction_option(args.peak_headroom_ratio, "--peak-headroom-ratio", minimum=0),
        tensor_parallel=(parse_int_option(args.tensor_parallel, "--tensor-parallel")
                         if args.tensor_parallel is not None else None),
        kv_accounting=_choice(args.kv_accounting, "--kv-accounting", tuple(ENGINES)),
        block_size=parse_int_option(args.block_size, "--block-size"),
        page_size=parse_int_option(args.page_size, "--page-size"),
        swa_full_tokens_ratio=parse_fraction_option(args.swa_full_tokens_ratio, "--swa-full-tokens-ratio", minimum=0,
                                                    minimum_inclusive=False, maximum=1),
        tokens_per_block=parse_int_option(args.tokens_per_block, "--tokens-per-block"),
        max_num_batched_tokens=parse_int_option(args.max_num_batched_tokens, "--max-num-batched-tokens"),
        max_num_seqs=parse_int_option(args.max_num_seqs, "--max-num-seqs"),
        models_file=args.models_file or default_catalog("models.json"),
        servers_file=args.servers_file or default_catalog("servers.json"),
        storage_file=args.storage_file or default_catalog("storage.json"),
        lang=lang))


def request_lengths(args, trace):
    """(input, output) Lengths: the trace's columns, or --input-tokens / --output-tokens as given."""
    if trace is not None:
        return (trace_lengths(trace.inputs, "%s: input_tokens" % trace.path),
                trace_lengths(trace.outputs, "%s: output_tokens" % trace.path))
    return tuple(None if text is None else parse_lengths(text, option)
                 for text, option in ((args.input_tokens, "--input-tokens"), (args.output_tokens, "--output-tokens")))


def check_simulation(options):
    """What the traffic simulation needs, asked for by name."""
    if options.slo_percentile is not None and options.tpot_slo_ms is None and options.ttft_slo_ms is None:
        raise InputError("err.slo_percentile_targets")
    if not options.simulated:
        return options
    if options.solve is not None:
        raise InputError("err.simulation_solve")
    if options.requests_per_second is None:
        raise InputError("err.simulation_rate")
    if options.input_tokens is None or options.output_tokens is None:
        raise InputError("err.simulation_tokens")
    if options.disaggregated:
        raise InputError("err.simulation_disaggregated")
    if options.simulated_requests is not None and options.simulated_requests > MAX_SIMULATED_REQUESTS:
        raise InputError("err.simulated_requests_max", most=MAX_SIMULATED_REQUESTS)
    return options


def model_config_values(values):
    """The paths of a repeated --model-config (each `--model-config=--` is the text '--')."""
    return [_option_text(value) if isinstance(value, list) else value for value in values]


def _draft_model_option(args):
    """--draft-model: the EAGLE drafter the engine commands load (a Hub id or a folder)."""
    if args.draft_model is None:
        return None
    if args.speculative is None or _option_text(args.speculative) not in ("eagle", "eagle3"):
        raise InputError("err.draft_model_alone")
    value = _option_text(args.draft_model)
    if not value:
        raise InputError("err.draft_model_empty")
    return value
