"""Issue 18, part C: every warning reaches the reader (comparison rows, both bases, layout hints, cost, words)."""

import csv
import io
import json

from sizer.i18n import say
from sizer.render.text import render_summary
from tests.support import TempDirTest, fixture_path, report_for, run_cli

QWEN_CONTEXTS = ["--model", "Qwen3-32B", "--server", "dgx200", "--concurrency", "1000", "--effective-context",
                 "65536,131072", "--runtime-overhead-gib", "auto"]


def output(test, args):
    status, out, err = run_cli(args)
    test.assertIn(status, (0, 1), err)
    return out


class ComparisonRowsCarryTheirAlerts(TempDirTest):
    """Item 5: Qwen3-32B at 64k and 128k is sized at its 40,960 tokens; each row says so and shows its alerts."""

    def test_json_rows(self):
        rows = json.loads(output(self, QWEN_CONTEXTS + ["--json-only"]))["comparison"]
        self.assertEqual([(row["effective_context"], row["effective_context_sized"]) for row in rows],
                         [(65536, 40960), (131072, 40960)])
        for row in rows:
            self.assertIn({"level": "warning", "code": "context_clamped"}, row["alerts"])
            self.assertEqual(row["alert_counts"]["warning"], len([a for a in row["alerts"] if a["level"] == "warning"]))

    def test_text_and_markdown_rows(self):
        # Each row has two warnings: the context clamped, and vLLM's own memory rule against the guide's budget.
        for lang, sized, count in (("en", "Context sized", "2 warnings"), ("pt-BR", "Contexto dimensionado", "2 avisos")):
            for fmt in ("--summary-only", "--markdown-only"):
                with self.subTest(lang=lang, fmt=fmt):
                    text = output(self, QWEN_CONTEXTS + [fmt, "--lang", lang])
                    self.assertIn(sized, text)
                    self.assertIn("40960", text)
                    self.assertIn(count, text)
                    self.assertIn("⚠️ context_clamped", text)

    def test_csv_rows(self):
        rows = list(csv.DictReader(io.StringIO(output(self, QWEN_CONTEXTS + ["--csv-only"]))))
        self.assertEqual([row["effective_context_sized"] for row in rows], ["40960", "40960"])
        self.assertEqual([row["alerts_warning"] for row in rows], ["2", "2"])
        self.assertEqual([row["alert_codes"] for row in rows], ["context_clamped engine_memory_gap"] * 2)


class BothBases(TempDirTest):
    """Item 6: bases more than 10% apart show both node counts, why, and which one is checked against logs."""
    BASE = ["--server", "dgxh100", "--concurrency", "1000", "--runtime-overhead-gib", "auto", "--summary-only"]
    CASES = (  # (args, RECOMENDADO spec, RECOMENDADO vLLM, the reason's words in English)
        (["--model", "opt-oss-120b", "--tensor-parallel", "1", "--effective-context", "65536"], "26", "39",
         "window plus the tokens in flight (128 + 16384 tokens)"),
        (["--model", "Gemma-3-27B", "--tensor-parallel", "2", "--effective-context", "131072"], "26", "44",
         "layers of padding"),
        (["--model-config", fixture_path("hf-configs", "Nemotron-H-56B-Base-8K.json"), "--tensor-parallel", "2",
          "--effective-context", "8192"], "14", "39", "pages of state per request"))
    # Nemotron-H: vLLM 0.33 keeps prefix caching on, so each Mamba2 layer holds a prefill-checkpoint page
    # beside its state pages (align mode, issue 23's oracle): 39 nodes on the vLLM basis (15 without it).

    def test_summary_table_and_alert(self):
        for args, spec, engine, reason in self.CASES:
            report = report_for(args + self.BASE[:-1])
            for lang, checked in (("en", "The vLLM basis reproduces vLLM's own startup logs"),
                                  ("pt-BR", "A base vLLM reproduz os logs de partida do próprio vLLM")):
                with self.subTest(model=args[1], lang=lang):
                    text = render_summary(report, lang)
                    header, _, recommended = text.split("\n")[:3]
                    self.assertIn("(vllm)", header)
                    self.assertEqual(recommended.split()[2:4], [spec, engine])
                    self.assertIn(checked, text)
                    if lang == "en":
                        self.assertIn(reason, text)

    def test_vllms_own_memory_the_other_way(self):
        # Llama-3.1-70B on H200 (TP 8, 32k): the guide's 70% budget holds 124 sessions per node, vLLM's 0.9 of each GPU 169.
        args = ["--model", "Llama-3.1-70B", "--server", "dgx200", "--effective-context", "32768", "--concurrency", "1000",
                "--runtime-overhead-gib", "auto"]
        for lang, words in (("en", "(124 sessions per node, RECOMMENDED 11 nodes)"),
                            ("pt-BR", "(124 sessões por nó, RECOMENDADO 11 nós)")):
            with self.subTest(lang=lang):
                text = output(self, args + ["--lang", lang])
                self.assertIn(words, text)
                self.assertIn("169", text)
                self.assertIn("--gpu-memory-utilization 0.9: " + ("RECOMMENDED 9 nodes" if lang == "en"
                                                                   else "RECOMENDADO 9 nós"), text)


class LayoutHints(TempDirTest):
    """Item 7: layout hints with their gain, computed by sizing again (never guessed)."""

    reports = {}

    def alert(self, args, code, lang):
        """An alert's message in a language (one sizing per arguments, rendered in both languages)."""
        key = tuple(args)
        if key not in self.reports:
            self.reports[key] = report_for(args)
        messages = {a.code: a.message for a in self.reports[key].alerts}
        return say(messages[code], lang) if code in messages else None

    def test_mla_without_data_parallel_attention(self):
        # DeepSeek-V3 on dgx200, 1000 sessions at 32k: 39 nodes at TP 8, 8 with data-parallel attention (each GPU
        # also keeps every weight but the routed experts whole: the 6 counted only 1/8 of them).
        args = ["--model", "DeepSeek-V3", "--server", "dgx200", "--concurrency", "1000", "--effective-context", "32768",
                "--runtime-overhead-gib", "auto"]
        for lang, words in (("en", "RECOMMENDED 8 nodes instead of 39"), ("pt-BR", "RECOMENDADO 8 nós em vez de 39")):
            with self.subTest(lang=lang):
                self.assertIn(words, self.alert(args, "data_parallel_attention_gain", lang))
        self.assertIsNone(self.alert(args + ["--data-parallel-attention"], "data_parallel_attention_gain", "en"))

    def test_the_fp8_kv_assumption(self):
        # The quick start sizes fp8 KV (3 nodes); vLLM's default KV dtype is the model's bf16: 5 nodes.
        args = ["--model", "opt-oss-120b", "--server", "dgx300", "--concurrency", "1000", "--effective-context", "131072"]
        for lang, words in (("en", "RECOMMENDED needs 5 nodes instead of 3"), ("pt-BR", "RECOMENDADO precisa de 5 nós em vez de 3")):
            with self.subTest(lang=lang):
                self.assertIn(words, self.alert(args, "kv_precision_assumed", lang))
        self.assertIsNone(self.alert(args + ["--kv-precision", "fp8"], "kv_precision_assumed", "en"))

    def test_a_default_overhead_that_wastes_memory(self):
        # Llama-3.1-8B on dgxh100: the default 120 GiB per node against `auto`'s ~36 GiB; auto needs 8 nodes, not 9.
        args = ["--model", "Llama-3.1-8B", "--server", "dgxh100", "--concurrency", "1000", "--effective-context", "32768"]
        for lang, words in (("en", "with --runtime-overhead-gib auto, RECOMMENDED needs 8 nodes instead of 9"),
                            ("pt-BR", "com --runtime-overhead-gib auto, RECOMENDADO precisa de 8 nós em vez de 9")):
            with self.subTest(lang=lang):
                self.assertIn(words, self.alert(args, "runtime_overhead_default_wasteful", lang))
        self.assertIsNone(self.alert(args + ["--runtime-overhead-gib", "120"], "runtime_overhead_default_wasteful", "en"))

    def test_a_layout_error_names_fixes_not_in_use(self):
        # Qwen3-Next-80B at TP 2 with auto: four instances' weights fill the node. The fixes are TP 4 and fp8
        # weights (with their nodes); auto is in use, so it is not suggested; the overhead is shown rounded.
        args = ["--model-config", fixture_path("hf-configs", "Qwen3-Next-80B-A3B-Thinking.json"), "--server", "dgxh100",
                "--tensor-parallel", "2", "--runtime-overhead-gib", "auto", "--concurrency", "100", "--effective-context",
                "32768"]
        for lang in ("en", "pt-BR"):
            with self.subTest(lang=lang):
                message = self.alert(args, "runtime_overhead_exceeds_hbm", lang)
                self.assertIn("620.83", message)
                self.assertNotIn("620.831366", message)
                self.assertIn("--tensor-parallel 4: " + ("RECOMMENDED 2 nodes" if lang == "en" else "RECOMENDADO 2 nós"), message)
                self.assertIn("--weight-precision fp8", message)
                self.assertNotIn("--runtime-overhead-gib auto", message)


class CostMatchesTraffic(TempDirTest):
    """Item 8: the cost of a token matches the traffic; options that change nothing say so; --solve says why."""
    TRAFFIC = ["--model", "Llama-3.1-70B", "--server", "dgx200", "--requests-per-second", "20", "--input-tokens", "8000",
               "--output-tokens", "1000", "--runtime-overhead-gib", "auto"]

    def test_cost_per_million_tokens_served(self):
        # 20 req/s x 1000 output tokens x 2,628,000 s = 52,560 Mtok a month; RECOMENDADO's 347,377.80 USD/month over them
        # is 6.61 USD/Mtok (the floor formula said 1.46).
        document = json.loads(output(self, self.TRAFFIC + ["--json-only", "--lang", "en"]))
        results = document["scenarios"]["recommended"]["results"]
        self.assertEqual(round(results["cost_per_million_tokens_usd"], 2), 6.61)
        self.assertEqual(results["cost_per_million_tokens_usd"], results["monthly_cost_usd"] / (20 * 1000 * 2628000) * 10 ** 6)
        for lang, label in (("en", "Cost per million output tokens served"), ("pt-BR", "Custo por milhão de tokens de saída servidos")):
            with self.subTest(lang=lang):
                self.assertIn(label, output(self, self.TRAFFIC + ["--lang", lang]))

    def test_without_traffic_it_is_a_floor(self):
        args = ["--model", "Llama-3.1-70B", "--server", "dgx200", "--concurrency", "500", "--effective-context", "32768",
                "--runtime-overhead-gib", "160"]
        for lang, label in (("en", "at full load (USD, a floor)"), ("pt-BR", "a plena carga (USD, um piso)")):
            with self.subTest(lang=lang):
                self.assertIn(label, output(self, args + ["--lang", lang]))

    def test_power_is_not_charged_over_a_rent_and_useless_options_warn(self):
        args = ["--model", "Llama-3.1-70B", "--server", "dgx200", "--concurrency", "500", "--effective-context", "32768",
                "--runtime-overhead-gib", "160", "--json-only", "--lang", "en"]
        rent = json.loads(output(self, args))["scenarios"]["recommended"]["results"]["monthly_cost_usd"]
        document = json.loads(output(self, args + ["--power-cost-per-kwh", "0.12"]))
        self.assertEqual(document["scenarios"]["recommended"]["results"]["monthly_cost_usd"], rent)     # 6 x 43.26 x 730
        messages = [a["message"] for a in document["alerts"] if a["code"] == "option_no_effect"]
        self.assertEqual(len(messages), 1)
        self.assertIn("the rent already pays its power", messages[0])
        quick = ["--model", "opt-oss-120b", "--server", "dgx300", "--concurrency", "1000", "--effective-context", "131072"]
        for lang, words in (("en", "--power-cost-per-kwh changes nothing here"), ("pt-BR", "--power-cost-per-kwh não muda nada aqui")):
            with self.subTest(lang=lang):
                self.assertIn(words, output(self, quick + ["--power-cost-per-kwh", "0.1", "--summary-only", "--lang", lang]))

    def test_solve_on_instances_that_span_nodes_says_why_none_fit(self):
        # DeepSeek-V3 at TP 8 x PP 2 on dgxh100: an instance is 2 nodes, RECOMENDADO's spare another 2; 3 nodes hold none.
        args = ["--model", "DeepSeek-V3", "--server", "dgxh100", "--pipeline-parallel", "2", "--solve", "concurrency",
                "--nodes", "3", "--effective-context", "8192", "--runtime-overhead-gib", "auto", "--summary-only"]
        for lang, words in (("en", "RECOMMENDED: 0 sessions (each instance spans 2 nodes and this scenario's HA reserve is 1 whole"
                                   " instance(s): even 1 session needs 4 nodes)"),
                            ("pt-BR", "RECOMENDADO: 0 sessões (cada instância ocupa 2 nós")):
            with self.subTest(lang=lang):
                self.assertIn(words, output(self, args + ["--lang", lang]))

    def test_the_ideal_line_shows_its_budget_only_when_one_applies(self):
        base = ["--model", "opt-oss-120b", "--server", "dgx300", "--concurrency", "1000", "--effective-context", "131072",
                "--lang", "en"]
        self.assertIn("IDEAL: 5 nodes (N+2, 30% headroom, budget 65%)", output(self, base))
        for extra in (["--kv-cache-memory-bytes", str(100 * 2 ** 30), "--kv-accounting", "vllm"], ["--kv-budget-ratio", "0.5"]):
            with self.subTest(extra=extra[0]):
                ideal = [line for line in output(self, base + extra).split("\n") if line.startswith("  IDEAL:")][0]
                self.assertNotIn("budget", ideal)


class Words(TempDirTest):
    """Item 9: no Portuguese scenario name in English; the guide's model name with the model's real name."""

    def test_no_minimo_in_the_english_traffic_explanation(self):
        args = ["--model", "Llama-3.1-70B", "--server", "dgx200", "--requests-per-second", "20", "--input-tokens", "8000",
                "--output-tokens", "1000", "--runtime-overhead-gib", "auto", "--lang", "en"]
        for fmt in ([], ["--markdown-only"], ["--json-only"]):
            with self.subTest(fmt=fmt):
                text = output(self, args + fmt)
                self.assertIn("MINIMUM instance's batch", text)
                self.assertNotIn("MÍNIMO", text)

    def test_the_guides_name_with_the_real_one(self):
        args = ["--model", "opt-oss-120b", "--server", "dgx300", "--concurrency", "1000", "--effective-context", "131072"]
        for lang in ("en", "pt-BR"):
            with self.subTest(lang=lang):
                self.assertIn("opt-oss-120b (openai/gpt-oss-120b)", output(self, args + ["--lang", lang]))
        self.assertEqual(json.loads(output(self, args + ["--json-only"]))["inputs"]["model_details"]["hub_id"],
                         "openai/gpt-oss-120b")
        # A catalog name that is the model's own (an instruct checkpoint's base name) gets nothing beside it.
        self.assertIsNone(json.loads(output(self, ["--model", "Llama-3.1-70B", "--server", "dgx200", "--concurrency", "10",
                                                   "--effective-context", "8192", "--json-only"]))["inputs"]["model_details"]["hub_id"])


class DisaggregatedAnswers(TempDirTest):
    """A disaggregated answer is two pools: no hint or basis count by memory alone is set against it."""

    def test_no_count_by_memory_alone_beside_two_pools(self):
        args = ["--model", "Llama-3.1-8B", "--server", "dgxh100", "--requests-per-second", "200", "--input-tokens",
                "2000", "--output-tokens", "500", "--disaggregated"]
        report = report_for(args)
        recommended = report.scenario("recommended")
        # prefill 4 + decode 3 = 7 nodes; the same traffic aggregated, 5: bf16 KV could not need fewer.
        self.assertEqual((recommended.nodes_final, recommended.value("prefill_pool_nodes"),
                          recommended.value("decode_pool_nodes")), (7, 4, 3))
        codes = {alert.code for alert in report.alerts}
        self.assertIn("disaggregated_pools", codes)
        self.assertEqual(codes & {"kv_precision_assumed", "runtime_overhead_default_wasteful", "engine_memory_gap",
                                  "basis_nodes_differ"}, set())
        self.assertNotIn("vLLM", render_summary(report, "en").split("\n\n")[0])
