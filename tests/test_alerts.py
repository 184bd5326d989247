"""Alerts: when each one is raised, and in all three formats."""

import unittest

from sizer.compute.capacity import ScenarioValues
from sizer.compute.records import CommonValues
from sizer.compute.report import build_report
from sizer.enginelog import calibrated_options, check_log_model, load_engine_log
from sizer.model.catalog import load_inputs
from sizer.frozen import fields
from tests.support import QUICK_START, codes, fixture_path, nodes, options_for, report_for, run_cli, run_json


# ---------------------------------------------------------------------------
# Alerts
# ---------------------------------------------------------------------------

class Alerts(unittest.TestCase):
    def test_quick_start_alerts_long_context_and_the_basis_difference(self):
        # Issue 10: under vLLM's accounting RECOMENDADO needs 4 nodes, not the guide formula's 3, and
        # vLLM 0.33 admits 559 sessions per node against the formula's 629 (12.5% fewer).
        # The quick start assumes fp8 KV (the guide's default); vLLM's own default is the model's bf16 (issue 18).
        self.assertEqual(codes(report_for(QUICK_START)),
                         ["long_context_storage_io", "kv_precision_assumed", "basis_nodes_differ", "accounting_gap"])

    def test_context_clamped(self):
        report = report_for(QUICK_START[:9] + ["200000"])
        self.assertIn("context_clamped", codes(report))
        self.assertEqual(report.context_tokens, 131072)
        self.assertEqual(report.options.effective_context, 200000)
        self.assertEqual(nodes(report), (2, 3, 5))
        self.assertNotIn("context_clamped", codes(report_for(QUICK_START)))

    def test_kv_precision_high(self):
        for precision in ("fp16", "bf16", "fp32"):
            self.assertIn("kv_precision_high", codes(report_for(QUICK_START + ["--kv-precision", precision])))
        for precision in ("fp8", "int8", "nvfp4"):
            self.assertNotIn("kv_precision_high",
                             codes(report_for(QUICK_START + ["--kv-precision", precision])))

    def test_long_context_threshold_is_128000(self):
        self.assertIn("long_context_storage_io", codes(report_for(QUICK_START[:9] + ["128001"])))
        self.assertNotIn("long_context_storage_io", codes(report_for(QUICK_START[:9] + ["128000"])))

    def test_kv_budget_fragmentation_above_075(self):
        self.assertIn("kv_budget_fragmentation", codes(report_for(QUICK_START + ["--kv-budget-ratio", "0.76"])))
        self.assertNotIn("kv_budget_fragmentation",
                         codes(report_for(QUICK_START + ["--kv-budget-ratio", "0.75"])))

    def test_runtime_overhead_low_below_50(self):
        self.assertIn("runtime_overhead_low", codes(report_for(QUICK_START + ["--runtime-overhead-gib", "49.9"])))
        self.assertNotIn("runtime_overhead_low", codes(report_for(QUICK_START + ["--runtime-overhead-gib", "50"])))

    def test_alerts_in_all_three_formats(self):
        args = QUICK_START + ["--kv-precision", "fp16"]
        _, text, _ = run_cli(args)
        _, markdown, _ = run_cli(args + ["--markdown-only"])
        document = run_json(args)
        self.assertEqual([a["code"] for a in document["alerts"]],
                         ["kv_precision_high", "long_context_storage_io", "basis_nodes_differ", "accounting_gap",
                          "engine_memory_gap"])
        for alert in document["alerts"]:
            self.assertEqual(set(alert), {"level", "code", "message"})
            self.assertIn(alert["code"], text)
            self.assertIn("`%s`" % alert["code"], markdown)


class TypedValues(unittest.TestCase):
    def test_every_typed_value_names_a_figure_some_run_shows(self):
        # Alerts read report.values.<figure key>; a renamed figure would leave its field None for ever.
        traffic = ["--model", "Llama-3.1-8B", "--server", "dgxh100", "--requests-per-second", "200", "--input-tokens",
                   "2000", "--output-tokens", "500"]
        runs = [QUICK_START, traffic + ["--disaggregated"], QUICK_START[:2] + ["--server", "gb200_nvl72"] + QUICK_START[4:],
                traffic[:6] + ["--input-tokens", "1000", "--output-tokens", "100:1,300:1", "--simulated-requests", "200"],
                ["--model-config", fixture_path("hf-configs", "granite-4.0-micro.json"), "--server", "dgxh100",
                 "--concurrency", "100", "--effective-context", "8192", "--kv-accounting", "vllm"]]
        common_shown, scenario_shown = {}, {}     # each field must show in its own view
        for args in runs:
            options = options_for(args)
            model, server, storage = load_inputs(options)
            if args is runs[-1]:        # what main does with --calibrate-from granite.log
                log = check_log_model(load_engine_log(fixture_path("engine-logs", "granite.log")), model, options)
                options = calibrated_options(options, log, model)
            report = build_report(options, model, server, storage)
            for item in report.common:
                common_shown.setdefault(item.key, item.value)
            for item in (f for result in report.scenarios for f in result.figures):
                scenario_shown.setdefault(item.key, item.value)
            for name in fields(CommonValues):
                with self.subTest(field=name, run=args[1]):
                    figure = report.common_figure(name)
                    self.assertEqual(getattr(report.values, name), figure and figure.value)
            for result in report.scenarios:
                for name in fields(ScenarioValues):
                    with self.subTest(field=name, run=args[1], scenario=result.scenario.key):
                        self.assertEqual(getattr(result.values, name), result.value(name))
        self.assertEqual([name for name in fields(CommonValues) if common_shown.get(name) is None], [])
        self.assertEqual([name for name in fields(ScenarioValues) if scenario_shown.get(name) is None], [])
