"""Throughput on the engine's steps: the closed-loop question, --solve rate, expert parallelism, the GEMM rate
of each weight precision, and the published TensorRT-LLM table (tools/throughput_benchmark.py)."""

import json
import os
import sys
import unittest
from fractions import Fraction

from sizer.compute.engine import LAUNCH_S_PER_LAYER, expert_block, touched_share
from sizer.compute.solve import solve_report
from sizer.compute.report import build_report
from sizer.i18n import say
from sizer.model.catalog import load_inputs
from sizer.frozen import replace
from tests.support import F, ROOT, fixture_path, options_for, report_for, results, run_cli

sys.path.insert(0, os.path.join(ROOT, "tools"))
import throughput_benchmark  # noqa: E402

LLAMA_8B = ["--model-config", fixture_path("hf-configs", "Llama-3.1-8B-Instruct.json"), "--server", "dgxh100",
            "--tensor-parallel", "1", "--kv-precision", "bf16", "--input-tokens", "1000", "--output-tokens", "1000"]


class ClosedLoop(unittest.TestCase):
    """--concurrency C with the requests' tokens and no rate: TTFT, TPOT and output tokens/s at C sessions per node."""

    def test_worked_numbers(self):
        # 512 sessions on a node of 8 single-GPU instances: 64 each. A 1000-token prompt fits one step's 8192
        # tokens, so a session holds its slot for 1 chunk step + 999 decode steps; per step, 64 x 999 / 1000
        # sessions decode and 64 x 1000 / 1000 prompt tokens go through, reading their KV at 1500 tokens.
        report = report_for(LLAMA_8B + ["--concurrency", "512"])
        values = {f.key: f.value for f in report.common}
        parameters, weights = report.model.parameters, report.model.weights.weights_bytes
        decode, prefill = F("63.936"), 64
        bandwidth, gemm = F("3.35e12") * F("0.8"), 989 * 10 ** 12 * F("0.65")
        gemm_parameters = parameters.total - parameters.embedding - parameters.lm_head
        dense = max(F(weights - 2 * parameters.embedding) / bandwidth,
                    (2 * gemm_parameters * (decode + prefill) + 2 * parameters.lm_head * decode) / gemm)
        kv = decode * 32 * 1500 * (2 * 8 * 128 * 2) / bandwidth
        attention = decode * 4 * 32 * 128 * 32 * 1500 / gemm
        prefill_attention = prefill * Fraction(4 * 32 * 128 * 32 * 1000 * 1001 // 2, 1000) / (989 * 10 ** 12 * F("0.46"))
        step = dense + max(kv, attention) + prefill_attention + 32 * LAUNCH_S_PER_LAYER
        self.assertEqual(values["closed_loop_step_ms"], step * 1000)
        self.assertEqual(values["closed_loop_ttft_s"], step / 2 + step)
        self.assertEqual(values["closed_loop_tokens_per_s_node"], F(8 * 64 * 1000) / (1000 * step))
        self.assertEqual(values["closed_loop_tokens_per_s_gpu"], F(64 * 1000) / (1000 * step))
        self.assertEqual(values["closed_loop_requests_per_s_node"], F(8 * 64) / (1000 * step))
        self.assertEqual(dense, F(weights - 2 * parameters.embedding) / bandwidth)     # 128 tokens: the bytes bind
        # More sessions than an instance holds run at what it holds; the JSON carries the same figures.
        crowded = report_for(LLAMA_8B + ["--concurrency", "10000000"])
        full = results(crowded, "minimum")["sessions_per_node"] // 8
        step_inputs = dict([f for f in crowded.common if f.key == "closed_loop_step_ms"][0].inputs)
        self.assertEqual(step_inputs["sessions_per_instance"], full)
        status, out, _ = run_cli(LLAMA_8B + ["--concurrency", "512", "--json-only"])
        document = json.loads(out)
        self.assertEqual(status, 0)
        self.assertEqual(document["inputs"]["input_tokens"], 1000)

    def test_tokens_need_a_rate_or_a_concurrency(self):
        one = [a for a in LLAMA_8B if a not in ("--output-tokens",)]
        del one[one.index("1000", one.index("--input-tokens") + 2)]
        cases = ((one + ["--concurrency", "5"], "--input-tokens"),
                 (LLAMA_8B, "--concurrency"),
                 (LLAMA_8B + ["--solve", "rate", "--nodes", "1", "--concurrency", "5"], "--concurrency"),
                 (one + ["--solve", "rate", "--nodes", "1"], "--output-tokens"))
        for args, fragment in cases:
            with self.subTest(args=args):
                status, out, err = run_cli(args)
                self.assertEqual((status, out, err.count("\n")), (2, "", 1), err)
                self.assertIn(fragment, err)


class SolveRate(unittest.TestCase):
    """--solve rate --nodes N: the highest request rate each scenario sustains, as the forward sizing counts it."""

    ARGS = ["--model", "Llama-3.1-70B", "--server", "dgx200", "--input-tokens", "8000", "--output-tokens", "1000",
            "--runtime-overhead-gib", "160", "--solve", "rate", "--nodes", "3"]

    def test_answers_and_the_forward_question(self):
        options = options_for(self.ARGS)
        inputs = load_inputs(options)
        report = solve_report(options, *inputs)
        answers = {r.scenario.key: r.figures[0].value for r in report.scenarios}
        latency = report.latency
        full = report.scenarios[0].capacity.per_instance
        for result, (headroom, ha) in zip(report.scenarios, (("0", 0), ("0.2", 1), ("0.3", 2))):
            key = result.scenario.key
            with self.subTest(scenario=key):
                # The sessions 3 nodes hold, over a session's lifetime on the steps at the operating point's batch.
                sessions = int((3 - ha) * result.capacity.sessions / (1 + F(headroom)))
                state = latency.steady_state(min(sessions, full))
                # An 8000-token prompt takes two steps of what 8192 tokens less the decode tokens leave.
                self.assertEqual((state.chunk_steps, state.lifetime_steps), (2, 1001))
                self.assertLess(8192 - state.decode, 8000)
                # At most what the units' steps carry at the scenario's full batch, with its headroom.
                by_steps = (3 - ha) * latency.steady_state(result.capacity.per_instance).requests_s / (1 + F(headroom))
                self.assertEqual(answers[key], min(F(sessions) / (1001 * state.step_s), by_steps))
                self.assertEqual(result.figures[1].value, answers[key] * 1000 / 24)
                # Sized forward at that rate the scenario fits the 3 nodes, and a hair more does not.
                forward = replace(options, concurrency=None, solve=None, nodes=None)
                at = build_report(replace(forward, requests_per_second=answers[key]), *inputs)
                above = build_report(replace(forward, requests_per_second=answers[key] * F("1.01")), *inputs)
                self.assertLessEqual(at.scenario(key).nodes_final, 3)
                self.assertGreater(above.scenario(key).nodes_final, 3)
        self.assertEqual(report.options.requests_per_second, answers["recommended"])
        status, out, _ = run_cli(self.ARGS + ["--json-only"])
        solve = json.loads(out)["solve"]
        self.assertEqual((status, solve["question"], solve["nodes"]), (0, "rate", 3))
        self.assertEqual(solve["answers"]["minimum"], float(answers["minimum"]))
        self.assertEqual(solve["output_tokens_per_s_per_gpu"]["ideal"], float(answers["ideal"] * 1000 / 24))
        summary = run_cli(self.ARGS + ["--summary-only", "--lang", "en"])[1]
        self.assertTrue(summary.startswith("REQUESTS/S 3 NODES SUSTAIN\nMINIMUM: "), summary[:60])

    def test_a_scenario_that_sustains_nothing_says_how_many_nodes_it_needs(self):
        # gpt-oss-120b on dgx300: one node holds 629 sessions, so a session needs one unit besides the HA
        # reserve (IDEAL's is 2 nodes): 2 nodes sustain nothing there, 3 do. With TP 8 x PP 2 an instance spans
        # 2 nodes and IDEAL's reserve is 2 whole instances: 6 nodes, and 5 sustain nothing.
        tokens = ["--input-tokens", "8000", "--output-tokens", "1000", "--solve", "rate"]
        cases = ((["--model", "opt-oss-120b", "--server", "dgx300", "--effective-context", "131072"], 3),
                 (["--model", "Llama-3.1-70B", "--server", "dgx200", "--tensor-parallel", "8", "--pipeline-parallel",
                   "2", "--effective-context", "16384"], 6))
        for args, needed in cases:
            with self.subTest(model=args[1]):
                short = solve_report(*self.solved(args + tokens + ["--nodes", str(needed - 1)])).scenario("ideal")
                enough = solve_report(*self.solved(args + tokens + ["--nodes", str(needed)])).scenario("ideal")
                self.assertEqual((short.figures[0].value, dict(short.figures[0].inputs)["needed_nodes"]), (0, needed))
                self.assertGreater(enough.figures[0].value, 0)
        args = cases[0][0] + tokens + ["--nodes", "2"]
        for lang, reason in (("en", "(even 1 session needs 3 nodes in this scenario)"),
                             ("pt-BR", "(mesmo 1 sessão precisa de 3 nós neste cenário)")):
            summary = run_cli(args + ["--summary-only", "--lang", lang])[1]
            with self.subTest(lang=lang):
                self.assertIn(reason, summary.splitlines()[3])

    @staticmethod
    def solved(args):
        options = options_for(args)
        return (options,) + tuple(load_inputs(options))

    def test_the_step_budget_can_bind_first(self):
        # A small model with room for thousands of sessions: 8192 tokens per step carry fewer requests than the
        # sessions the node holds, so the steps, not memory, set the rate.
        options = options_for(["--model", "opt-oss-20b", "--server", "dgx200", "--input-tokens", "1000",
                               "--output-tokens", "1000", "--solve", "rate", "--nodes", "1"])
        report = solve_report(options, *load_inputs(options))
        minimum = report.scenario("minimum")
        inputs = dict(minimum.figures[0].inputs)
        self.assertTrue(inputs["bound_by_steps"])
        # One node, one TP-8 instance: its requests/s at the batch the steps carry (8192 x 1000 / 1999).
        full = report.latency.steady_state(minimum.capacity.per_instance)
        self.assertEqual(full.batch, Fraction(8192 * 1000, 1999))
        self.assertEqual(minimum.figures[0].value, full.requests_s)
        self.assertIn("the step budget binds", say(minimum.figures[0].formula, "en"))


class Parallelism(unittest.TestCase):
    """Expert parallelism and the GEMM rate each weight precision runs at."""

    def test_dep_dispatch_and_combine(self):
        # Qwen3-235B-A22B (94 MoE layers, 8 experts per token, hidden 4096) in FP8, DEP 4 on H200: per step a
        # rank dispatches its tokens' 8 copies in FP8 and combines them in BF16, 3/4 of them to other GPUs,
        # over 450 GB/s one way, with NCCL's latency twice per layer.
        report = report_for(["--model", "Qwen3-235B-A22B", "--server", "dgx200", "--tensor-parallel", "4",
                             "--weight-precision", "fp8", "--data-parallel-attention", "--expert-parallel",
                             "--concurrency", "100", "--effective-context", "2000"])
        engine = report.latency.roofline
        self.assertEqual((engine.moe_layers, engine.attention_groups, engine.rank_share), (94, 4, 1))
        sent = 100 * 8 * 4096 * 3 * Fraction(3, 4)
        expected = 94 * (sent / (450 * 10 ** 9) + 2 * (F("6.6e-6") + 3 * F("0.6e-6")))
        self.assertEqual(engine.communication_s(100), expected)

    def test_gemm_rate_of_each_precision(self):
        # MXFP4 runs W4A16 on Hopper (BF16 rate) and W4A8 on Blackwell (FP8 rate); NVFP4 runs at the FP4 rate
        # where the GPU has FP4 tensor cores and weight-only elsewhere; FP8 at the FP8 rate.
        for server, precision, field in (("dgxh100", None, "bf16_dense_tflops"),
                                         ("dgxb200", None, "fp8_dense_tflops"),
                                         ("dgxb200", "nvfp4", "fp4_dense_tflops"),
                                         ("dgx200", "nvfp4", "bf16_dense_tflops"),
                                         ("dgx200", "fp8", "fp8_dense_tflops")):
            with self.subTest(server=server, precision=precision):
                args = ["--model", "opt-oss-20b", "--server", server, "--concurrency", "10",
                        "--effective-context", "4096"] + (["--weight-precision", precision] if precision else [])
                self.assertEqual(report_for(args).latency.roofline.flops_field, field)


class ExpertKernels(unittest.TestCase):
    """The grouped (expert) GEMMs: their M blocks, their rate per weight format, and MoE layers measured on an H200."""

    def test_m_block_follows_matmul_ogs(self):
        # triton_kernels v3.6.0 (TensorRT-LLM vendors it): up to 64 expected tokens per expert, the power of two at or
        # above twice them, 16 to 64 (each expert's weights read once); above, the power of two at or above them, to 128.
        for tokens, block in ((1, 16), (8, 16), (9, 32), (16, 32), (17, 64), (64, 64), (65, 128), (96, 128), (1000, 128)):
            with self.subTest(tokens=tokens):
                self.assertEqual(expert_block(tokens), block)

    def test_grouped_rate_of_each_weight_format(self):
        # Without FP4 tensor cores (H200), 4-bit weights are converted to BF16 and FP8 block scales applied in the GEMM's
        # main loop: 383.1 of 989 BF16 TFLOPS and 577.4 of 1979 FP8 TFLOPS (measured, AIConfigurator); per-tensor FP8 and
        # every format on Blackwell (block-scaled tensor cores) keep DeepGEMM's 932 of 1979.
        deepseek = ["--model-config", fixture_path("hf-configs", "DeepSeek-R1.json"), "--tensor-parallel", "8",
                    "--data-parallel-attention", "--expert-parallel"]
        for args, server, peak, share in ((["--model", "opt-oss-120b"], "dgx200", 989, Fraction(3831, 9890)),
                                          (["--model", "opt-oss-120b"], "dgxb200", 4500, Fraction(932, 1979)),
                                          (deepseek, "dgx200", 1979, Fraction(5774, 19790)),
                                          (deepseek + ["--weight-precision", "fp8"], "dgx200", 1979, Fraction(932, 1979)),
                                          (deepseek, "dgxb200", 4500, Fraction(932, 1979))):
            with self.subTest(args=args[1][-20:], server=server, extra=args[8:]):
                engine = report_for(args + ["--server", server, "--concurrency", "10", "--effective-context", "4096"]
                                    ).latency.roofline
                self.assertEqual(engine.grouped_flops_s, peak * 10 ** 12 * share)

    def test_moe_layers_within_25_percent_of_measured(self):
        # One MoE layer of TensorRT-LLM timed on an H200 (tests/fixtures/benchmarks/aiconfigurator-moe-h200.json) against
        # the modelled expert phase per layer: the bytes the step touches and its FLOPs in whole M blocks.
        with open(fixture_path("benchmarks", "aiconfigurator-moe-h200.json"), encoding="utf-8") as handle:
            kernels = json.load(handle)["kernels"]
        for kernel in kernels:
            engine = report_for(["--model-config", fixture_path("hf-configs", kernel["config"]), "--server", "dgx200",
                                 "--concurrency", "10", "--effective-context", "4096"] + kernel["args"]).latency.roofline
            self.assertEqual((engine.experts, engine.experts_per_token, engine.attention_groups),
                             (kernel["num_experts"], kernel["topk"], kernel["moe_ep_size"]))
            for tokens, measured_ms in kernel["latency_ms"].items():
                with self.subTest(kernel=kernel["moe_dtype"], experts=kernel["num_experts"], tokens=tokens):
                    phase = max(engine.step(Fraction(int(tokens), engine.attention_groups), 0, 0).experts)
                    modelled_ms = phase / engine.moe_layers * 1000
                    self.assertLess(abs(modelled_ms / F(str(measured_ms)) - 1), F("0.25"), float(modelled_ms))
        # The worked number behind one of them: gpt-oss-120b, 1024 tokens on one H200. Its 128 experts expect 32 tokens
        # each, so the M block is 64 and every touched expert computes 64 rows at W4A16's rate.
        engine = report_for(["--model", "opt-oss-120b", "--server", "dgx200", "--tensor-parallel", "1", "--concurrency", "10",
                             "--effective-context", "4096"]).latency.roofline
        touched = touched_share(128, 4, 1024)
        self.assertEqual(engine.step(1024, 0, 0).experts[1],
                         2 * engine.expert_parameters * touched * 64 / (989 * 10 ** 12 * Fraction(3831, 9890)))


class PublishedThroughput(unittest.TestCase):
    """NVIDIA's TensorRT-LLM table (tests/fixtures/benchmarks/): the sizing as trtllm-bench ran each row."""

    def test_mean_error_within_the_goal(self):
        results_ = throughput_benchmark.benchmark()
        errors = throughput_benchmark.errors(results_)
        self.assertEqual(len(errors), 18)
        mean = sum(abs(e) for e in errors) / len(errors)
        self.assertLessEqual(mean, 0.15, ["%+.0f%%" % (100 * e) for e in errors])
        # The goal: none worse than 35% (the worst today: gpt-oss-120b DEP4 on H100 at 8192/1024, +27%).
        self.assertLessEqual(max(abs(e) for e in errors), 0.35)
        for (row, value, *_), error in zip(results_, errors):
            with self.subTest(model=row["model"], gpu=row["gpu"], tokens=(row["input"], row["output"])):
                self.assertGreater(value, 0)
