"""Traffic as it really arrives (issue 22): the simulation of one instance against queueing theory, its
percentiles, the nodes a latency percentile needs, lengths as distributions, traces, prefix caching and
the host-memory KV tier. Small runs with fixed seeds."""

import unittest

from sizer.compute.lengths import parse_lengths
from sizer.compute.simulate import FastStep, Lane, SessionCosts, lane_requests, simulate
from sizer.compute.traffic import build_simulation
from sizer.frozen import replace
from sizer.vocab import GIB_BYTES
from tests.support import (F, QUICK_START, TempDirTest, codes, fixture_path, nodes, options_for, report_for,
                           results, run_cli, run_json)

TRACE = fixture_path("traces", "bursty-chat.csv")
# Llama-3.1-8B, TP 2 (four instances a node) at 300 requests/s of 3000 / 150 tokens, a TTFT target of 400 ms.
BASE = ["--model", "Llama-3.1-8B", "--server", "dgxh100", "--tensor-parallel", "2", "--kv-precision", "fp8",
        "--runtime-overhead-gib", "auto", "--requests-per-second", "300", "--input-tokens", "3000",
        "--output-tokens", "150", "--simulated-requests", "300", "--ttft-slo-ms", "400"]
_REPORTS = {}


def sized(*extra):
    """The report of BASE with `extra`, built once per test run."""
    if extra not in _REPORTS:
        _REPORTS[extra] = report_for(BASE + list(extra))
    return _REPORTS[extra]


class EngineInFloats(unittest.TestCase):
    def test_a_float_step_is_the_engine_models_step(self):
        for args in (QUICK_START, QUICK_START + ["--data-parallel-attention", "--expert-parallel"]):
            engine = report_for(args).latency.roofline
            step, costs = FastStep(engine), SessionCosts(engine)
            for decode, prefill, context in ((1, 0, 1000), (64, 0, 70000), (96, 2000, 5000), (0, 8192, 1)):
                with self.subTest(args=args[-1], decode=decode, prefill=prefill):
                    exact = engine.step(decode, decode * engine.kv_read_bytes(context),
                                        decode * engine.decode_attention_flops(context), prefill,
                                        engine.prefill_attention_flops(prefill))
                    fast = step.seconds(decode, prefill, decode * costs.kv_bytes(context),
                                        decode * costs.attention_flops(context), costs.prefill_flops(0, prefill))
                    self.assertAlmostEqual(fast / float(exact.seconds), 1, places=9)

    def test_a_sessions_kv_and_attention_as_the_engine_counts_them(self):
        # gpt-oss: 18 full layers and 18 sliding layers of 128 tokens.
        engine = report_for(QUICK_START).latency.roofline
        costs = SessionCosts(engine)
        for context in (50, 128, 129, 131072):
            with self.subTest(context=context):
                self.assertEqual(costs.kv_bytes(context), float(engine.kv_read_bytes(context)))
                self.assertEqual(costs.attention_flops(context), float(engine.decode_attention_flops(context)))
                self.assertEqual(costs.prefill_flops(0, context), float(engine.prefill_attention_flops(context)))


class AgainstTheory(unittest.TestCase):
    def test_one_sequence_at_a_time_under_poisson_arrivals_is_md1(self):
        """--max-num-seqs 1, Poisson arrivals, 1000 / 200 tokens on the quick start's instance: each request
        is served alone for S = 570.19 ms (TTFT alone 5.25 ms), so at rho = 0.5 the mean TTFT is
        5.25 + 0.5 x 570.19 / (2 x 0.5) = 290.34 ms (M/D/1); 20,000 requests (seed 1) give 294.69 (+1.5%)."""
        report = report_for(QUICK_START)
        options = options_for(QUICK_START[:6] + ["--effective-context", "131072", "--requests-per-second", "1",
                                                 "--input-tokens", "1000", "--output-tokens", "200", "--seed", "1",
                                                 "--simulated-requests", "20000"])
        simulation = build_simulation(replace(options, max_num_seqs=1), report.model, report.layout,
                                      report.latency.roofline, 131072, report.kv.bytes, None)
        alone = simulation.idle
        service = alone.ttft[0] + 199 * alone.tpot[0]
        self.assertAlmostEqual(service, 0.57019, places=5)
        outcome = simulation.run(float("inf"), 0.5 / service, 1.0)
        theory = alone.ttft[0] + 0.5 * service / (2 * (1 - 0.5))
        mean = sum(outcome.ttft) / len(outcome.ttft)
        self.assertAlmostEqual(theory, 0.29034, places=5)
        self.assertLess(abs(mean / theory - 1), 0.05)

    def test_a_request_alone_takes_its_chunk_steps_and_one_step_per_token(self):
        report = report_for(QUICK_START)
        engine = report.latency.roofline
        step, costs = FastStep(engine), SessionCosts(engine)
        outcome = simulate(step, costs, Lane(8192, 1, float("inf")), lane_requests([1.0], 1.0, [10000], [3], [0]))
        first = step.seconds(0, 8192, 0, 0, costs.prefill_flops(0, 8192))
        second = step.seconds(0, 1808, 0, 0, costs.prefill_flops(8192, 10000))
        decodes = [step.seconds(1, 0, costs.kv_bytes(context), costs.attention_flops(context), 0)
                   for context in (10000, 10001)]
        self.assertAlmostEqual(outcome.ttft[0], first + second, places=12)
        self.assertAlmostEqual(outcome.tpot[0], sum(decodes) / 2, places=12)


class Percentiles(unittest.TestCase):
    def test_percentiles_are_ordered_and_never_below_a_request_alone(self):
        report = sized("--slo-percentile", "99")
        for result in report.scenarios:
            values = results(report, result.scenario.key)
            for name in ("ttft", "tpot"):
                with self.subTest(scenario=result.scenario.key, figure=name):
                    series = [values["%s_p%d_ms" % (name, p)] for p in (50, 90, 99)]
                    self.assertEqual(series, sorted(series))
                    self.assertGreaterEqual(series[0], values["%s_idle_ms" % name] * F("0.999"))
                    self.assertLessEqual(values["%s_mean_ms" % name], series[-1])
            self.assertLessEqual(values["ttft_p99_ms"], 400)

    def test_a_stricter_percentile_never_needs_fewer_nodes(self):
        counts = [nodes(sized("--slo-percentile", p)) for p in ("50", "90", "99")]
        for looser, stricter in zip(counts, counts[1:]):
            self.assertTrue(all(a <= b for a, b in zip(looser, stricter)), counts)
        self.assertEqual(counts[0], (4, 6, 7))
        self.assertEqual(counts[-1], (5, 7, 8))
        self.assertEqual(sized("--slo-percentile", "99").scenarios[1].limit, "latency_percentile")

    def test_targets_the_requests_miss_alone_are_unreachable(self):
        report = report_for(BASE[:18] + ["--ttft-slo-ms", "20", "--slo-percentile", "50"])
        self.assertEqual(nodes(report), (None, None, None))
        self.assertIn("percentile_unreachable", codes(report))

    def test_more_burstiness_never_needs_fewer_nodes(self):
        counts = [nodes(sized("--slo-percentile", "99", *(("--burstiness", cv) if cv else ()))) for cv in ("", "2", "3")]
        for calmer, burstier in zip(counts, counts[1:]):
            self.assertTrue(all(a <= b for a, b in zip(calmer, burstier)), counts)
        self.assertLess(counts[0], counts[-1])

    def test_a_prefix_cache_hit_rate_never_adds_nodes(self):
        counts, ttft = [], []
        for rate in ("", "0.3", "0.6"):
            report = sized("--slo-percentile", "99", "--burstiness", "3", *(("--prefix-cache-hit-rate", rate) if rate else ()))
            counts.append(nodes(report))
            ttft.append(results(report, "minimum")["ttft_idle_ms"])
        for fewer_hits, more_hits in zip(counts, counts[1:]):
            self.assertTrue(all(a >= b for a, b in zip(fewer_hits, more_hits)), counts)
        self.assertGreater(counts[0], counts[-1])
        self.assertEqual(ttft, sorted(ttft, reverse=True))


class Options(TempDirTest):
    def test_no_new_option_no_simulation(self):
        document = run_json(QUICK_START)
        self.assertNotIn("traffic", document["inputs"])
        self.assertNotIn("host_memory_gb", document["inputs"]["server_details"])
        for scenario in document["scenarios"].values():
            self.assertFalse({"ttft_p99_ms", "ttft_idle_ms", "nodes_latency_percentile"} & set(scenario["results"]))

    def test_lengths_as_distributions(self):
        tail = parse_lengths("mean=2000,p99=16000", "--input-tokens")
        self.assertEqual((tail.mean, tail.quantile(99)), (2000, 16000))
        weighted = parse_lengths("500:3,4000:1", "--output-tokens")
        self.assertEqual((weighted.mean, weighted.quantile(50), weighted.quantile(90)), (1375, 500, 4000))
        refusals = {"1000,2000": "lista", "2000,p99=16000": "não é um tamanho", "mean=2000,p99=1000": "acima da média",
                    "mean=100,p99=100000": "lognormal", "500:1,500:2": "repete", "mean=1000,p80=3000": "não é um tamanho"}
        for text, words in refusals.items():
            with self.subTest(text=text):
                status, _, err = run_cli(BASE[:12] + ["--input-tokens", text, "--output-tokens", "100"])
                self.assertEqual(status, 2)
                self.assertIn(words, err)
                self.assertEqual(err.count("\n"), 1)

    def test_memory_is_sized_at_the_context_of_the_sessions_in_flight(self):
        # Outputs of 100 and 300 tokens, equally likely, after prompts of 1000: a request stays in
        # proportion to its output, so E[O (I + O)] / E[O] = (100 x 1100 + 300 x 1300) / 400 = 1250.
        options = options_for(BASE[:12] + ["--input-tokens", "1000", "--output-tokens", "100:1,300:1"])
        self.assertEqual((options.effective_context, options.output_tokens), (1250, 200))
        report = report_for(BASE[:12] + ["--input-tokens", "1000", "--output-tokens", "100:1,300:1",
                                         "--simulated-requests", "200"])
        self.assertEqual(results(report, "minimum")["context_in_flight_tokens"], 1250)
        self.assertEqual(results(report, "minimum")["context_p99_tokens"], 1300)
        self.assertIn("context_tail", codes(report))

    def test_a_trace_gives_rate_and_lengths(self):
        options = options_for(BASE[:8] + ["--traffic-trace", TRACE])
        self.assertEqual(options.requests_per_second, F(3999) / (F("378.813") - F("0.529")))
        self.assertEqual(options.input_tokens, -(-sum(options.traffic_trace.inputs) // 4000))
        status, _, err = run_cli(BASE[:8] + ["--traffic-trace", TRACE, "--input-tokens", "100"])
        self.assertEqual(status, 2)
        self.assertIn("--traffic-trace", err)

    def test_a_bad_trace_row_is_one_line_naming_line_and_field(self):
        cases = {"a,b,c\n1,2,3\n": "arrival_s,input_tokens,output_tokens",
                 "arrival_s,input_tokens,output_tokens\n0,10,10\n1.5,ten,10\n": "line 3, field input_tokens",
                 "arrival_s,input_tokens,output_tokens\n0,10,10\n-1,10,10\n": "line 3, field arrival_s",
                 "arrival_s,input_tokens,output_tokens\n2,10,10\n1,10,10\n": "line 3, field arrival_s",
                 "arrival_s,input_tokens,output_tokens\n0,10,10\n1,10,0\n": "line 3, field output_tokens",
                 "arrival_s,input_tokens,output_tokens\n0,10,10\n1,10\n": "line 3: 2 fields",
                 "arrival_s,input_tokens,output_tokens\n0,10,10\n": "two rows"}
        for number, (text, words) in enumerate(cases.items()):
            with self.subTest(trace=text):
                path = self.write("trace%d.csv" % number, text)
                status, out, err = run_cli(BASE[:8] + ["--traffic-trace", path, "--lang", "en"])
                self.assertEqual((status, out), (2, ""))
                self.assertIn(words, err)
                self.assertEqual(err.count("\n"), 1)

    def test_what_the_simulation_needs_is_asked_for_by_name(self):
        cases = ((["--concurrency", "100", "--effective-context", "4000", "--burstiness", "2"], "--requests-per-second"),
                 (BASE[8:18] + ["--slo-percentile", "99"], "--ttft-slo-ms or --tpot-slo-ms"),
                 (BASE[8:20] + ["--slo-percentile", "80"], "--slo-percentile"),
                 (BASE[8:20] + ["--burstiness", "2", "--disaggregated"], "--disaggregated"),
                 (BASE[8:16] + ["--simulated-requests", "10"], "--simulated-requests"))
        for extra, words in cases:
            with self.subTest(extra=extra):
                status, _, err = run_cli(BASE[:8] + extra + ["--lang", "en"])
                self.assertEqual(status, 2)
                self.assertIn(words, err)

    def test_the_same_seed_the_same_figures(self):
        args = BASE + ["--burstiness", "2", "--simulated-requests", "200"]
        first, again = (results(report_for(args), "recommended")["ttft_p99_ms"] for _ in range(2))
        other = results(report_for(args + ["--seed", "2"]), "recommended")["ttft_p99_ms"]
        self.assertEqual(first, again)
        self.assertNotEqual(first, other)


class HostTier(unittest.TestCase):
    def test_idle_sessions_in_host_memory_and_their_restore(self):
        report = report_for(BASE[:16] + ["--kv-offloading-size", "100", "--prefix-cache-hit-rate", "0.5"])
        values = results(report, "recommended")
        kv = report.kv.bytes            # 3150 tokens x 32 layers x 8 heads x 128 x 2 x 1 byte (fp8), TP 2
        self.assertEqual(kv, 3150 * 32 * 8 * 128 * 2)
        self.assertEqual(values["host_kv_sessions_per_node"], 100 * GIB_BYTES // kv * 4)
        self.assertEqual(values["kv_restore_host_ms"], F(kv) / (64 * 10 ** 9 * 2) * 1000)
        # Half the prompt in whole blocks of 16 (1488 tokens) comes back over the host links.
        self.assertEqual(values["prefix_cached_tokens"], 1488)
        self.assertEqual(values["prefix_restore_host_ms"], F(1488 * 32 * 8 * 128 * 2) / (128 * 10 ** 9) * 1000)
        self.assertEqual(values["sessions_with_host_per_node"],
                         values["sessions_per_node"] + values["host_kv_sessions_per_node"])

    def test_the_host_memory_bounds_the_tier(self):
        for server, size, words in (("dgxh100", "600", "2000 GB"), ("dgx300", "10", "host_link_gb_s")):
            with self.subTest(server=server):
                args = ["--server", server] + BASE[4:16] + ["--kv-offloading-size", size, "--lang", "en"]
                status, _, err = run_cli(BASE[:2] + args)
                self.assertEqual(status, 2)
                self.assertIn(words, err)


if __name__ == "__main__":
    unittest.main()
