"""The tool against NVIDIA's published TensorRT-LLM throughput table (tests/fixtures/benchmarks/).

For each published row (model, GPU, layout, input/output tokens, output tokens/s per GPU at maximum
load), the sizing runs as trtllm-bench configured the engine: its max_batch_size and max_num_tokens
heuristics (tensorrt_llm/bench/build/tuning.py), a KV cache of 0.9 of the memory the weights and the
runtime leave free (TensorRT-LLM's free_gpu_memory_fraction), and at most the benchmark's request
count in flight. The answer is MÍNIMO's output tokens/s per GPU on one node: `--solve rate --nodes 1`,
or the closed-loop figures at the request count when that is fewer than one node holds.

    python3 tools/throughput_benchmark.py           # the table, the mean and the worst error
"""

import json
import math
import os
import sys
from fractions import Fraction

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from sizer.cli.options import options_from_args  # noqa: E402
from sizer.cli.parser import build_parser  # noqa: E402
from sizer.compute.figures import find  # noqa: E402
from sizer.compute.memory import (FIXED_ALLOWANCE_GIB_PER_GPU, activation_gib_per_gpu, gpu_weights_bytes,  # noqa: E402
    layout_for, weights_for)
from sizer.compute.report import build_report  # noqa: E402
from sizer.model.catalog import load_inputs  # noqa: E402
from sizer.frozen import replace  # noqa: E402
from sizer.vocab import GIB_BYTES  # noqa: E402

FIXTURE = os.path.join(ROOT, "tests", "fixtures", "benchmarks", "trtllm-perf-overview.json")
CONFIGS = os.path.join(ROOT, "tests", "fixtures", "hf-configs")

# trtllm-bench: the KV cache's share of the free memory (kv_cache_free_gpu_mem_fraction's default), the
# batch and token caps of finetune_setting, and the defaults for quantizations it does not tune.
KV_FREE_FRACTION = Fraction(9, 10)
TUNED_QUANTS = ("FP8", "FP8_BLOCK_SCALES")
UNTUNED_SETTINGS = (2048, 8192)                 # BuildConfig.max_batch_size, max_num_tokens
# nvidia-smi totals (shared/facts/hardware.md), as pynvml gives them to get_device_memory().
NVML_TOTAL_MIB = {"H100": 81559, "H200": 143771}


def load_rows():
    with open(FIXTURE, encoding="utf-8") as handle:
        return json.load(handle)


def bench_settings(row, model, requests):
    """trtllm-bench's (max_batch_size, max_num_tokens) for a row: calc_engine_setting and
    finetune_setting for FP8 checkpoints, BuildConfig's defaults otherwise; with chunked prefill off,
    max_num_tokens is at least the prompt + max_batch_size (bench/benchmark/utils/general.py)."""
    if row["quant"] in TUNED_QUANTS:
        gpus = row["tensor_parallel"]
        kv_bytes = 1 if row["kv_precision"] == "fp8" else 2
        heads = max(gpus, model.num_key_value_heads)
        # ModelConfig's head_size: the config's head_dim, else hidden / heads (DeepSeek: 7168 / 128).
        head_size = model.head_dim if model.mla_latent_dim is None else model.hidden_size // model.num_attention_heads
        per_token_gib = 2 * model.num_hidden_layers * heads * head_size * kv_bytes / 2 ** 30
        engine_gib = model.parameters_total * 1 / 2 ** 30
        available = NVML_TOTAL_MIB[row["gpu"]] / 1024 * gpus - engine_gib
        requests_kv = available * float(KV_FREE_FRACTION) / (per_token_gib * (row["input"] + row["output"]))
        raw_bs = min(requests_kv, 4096)
        raw_tokens = min(raw_bs * (1 + row["input"] / row["output"]), 32768)
        if raw_bs < 256:
            batch = max(64, 32 * math.ceil(raw_bs / 32))
        elif raw_bs < 1024:
            batch = 128 * math.ceil(raw_bs / 128)
        else:
            batch = 256 * math.ceil(raw_bs / 256)
        if raw_tokens < 4096:
            tokens = max(2048, 256 * math.ceil(raw_tokens / 256))
        elif raw_tokens < 8192:
            tokens = 512 * math.ceil(raw_tokens / 512)
        else:
            tokens = 1024 * math.ceil(raw_tokens / 1024)
    else:
        batch, tokens = UNTUNED_SETTINGS
    return batch, max(tokens, row["input"] + batch)


def row_arguments(row, batch, tokens):
    args = ["--model-config", os.path.join(CONFIGS, row["config"]), "--server", row["server"],
            "--tensor-parallel", str(row["tensor_parallel"]), "--kv-precision", row["kv_precision"],
            "--kv-accounting", "trtllm", "--input-tokens", str(row["input"]), "--output-tokens", str(row["output"]),
            "--max-num-seqs", str(batch), "--max-num-batched-tokens", str(tokens), "--runtime-overhead-gib", "auto"]
    if row["weight_precision"]:
        args += ["--weight-precision", row["weight_precision"]]
    if row["data_parallel_attention"]:
        args += ["--data-parallel-attention", "--expert-parallel"]
    return args


def kv_cache_bytes_per_gpu(options, model, server):
    """TensorRT-LLM's KV cache: 0.9 of what the weights, the activations and the runtime leave free."""
    model = replace(model, weights=weights_for(model, options.weight_precision))
    layout = layout_for(options, server, model)
    visible = server.cuda_visible_bytes_per_gpu
    runtime = (activation_gib_per_gpu(model, layout, options) + FIXED_ALLOWANCE_GIB_PER_GPU) * GIB_BYTES
    return int(KV_FREE_FRACTION * (visible - gpu_weights_bytes(model, model.weights, layout) - runtime))


def run_row(row, requests):
    """The tool's output tokens/s per GPU for a row, and the report it comes from. The closed-loop question
    at what the benchmark keeps in flight, the fewer of its requests and max_batch_size per rank: its
    instance runs that many sessions or what it holds, the same as `--solve rate --nodes 1` gives MÍNIMO
    when the instance holds fewer."""
    parser = build_parser()
    probe = options_from_args(parser.parse_args(row_arguments(row, 1, 1) + ["--concurrency", "1"]))
    model, server, storage = load_inputs(probe)
    batch, tokens = bench_settings(row, model, requests)
    args = row_arguments(row, batch, tokens)
    probe = options_from_args(parser.parse_args(args + ["--concurrency", "1"]))
    layout = layout_for(probe, server, replace(model, weights=weights_for(model, probe.weight_precision)))
    in_flight = min(requests, batch * layout.attention_groups)
    args += ["--kv-cache-memory-bytes", str(kv_cache_bytes_per_gpu(probe, model, server)),
             "--concurrency", str(in_flight * layout.instances_per_node)]
    # The closed-loop figures are all it reads: no decode, failover or cost figures per scenario.
    options = replace(options_from_args(parser.parse_args(args)), scenario_performance=False)
    report = build_report(options, model, server, storage)
    return find(report.common, "closed_loop_tokens_per_s_gpu"), report, batch, tokens


def benchmark():
    """[(row, tool tokens/s per GPU, sessions per instance, max_batch_size, max_num_tokens), ...]."""
    data = load_rows()
    out = []
    for row in data["rows"]:
        requests = data["requests"]["%d/%d" % (row["input"], row["output"])]
        value, report, batch, tokens = run_row(row, requests)
        sessions = dict(find_inputs(report))["sessions_per_instance"]
        out.append((row, value, sessions, batch, tokens))
    return out


def find_inputs(report):
    return [f for f in report.common if f.key == "closed_loop_step_ms"][0].inputs


def errors(results):
    return [float(value) / row["published"] - 1 for row, value, *_ in results]


def main():
    results = benchmark()
    print("%-22s %-5s %-5s %11s %10s %9s %8s  %s" % ("model", "GPU", "mode", "ISL/OSL", "published", "tool",
                                                    "error", "sessions/instance, max_batch_size, max_num_tokens"))
    for (row, value, sessions, batch, tokens), error in zip(results, errors(results)):
        print("%-22s %-5s %-5s %11s %10s %9.0f %+7.0f%%  %d, %d, %d" % (
            row["model"], row["gpu"], row["layout"], "%d/%d" % (row["input"], row["output"]),
            "{:,}".format(row["published"]), float(value), error * 100, sessions, batch, tokens))
    absolute = [abs(e) for e in errors(results)]
    print("mean absolute error %.1f%%, worst %.1f%% over %d rows" % (
        100 * sum(absolute) / len(absolute), 100 * max(absolute), len(absolute)))


if __name__ == "__main__":
    main()
